import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../http/errors.ts';
import { actorOf } from '../../http/policy.ts';
import { managePeople, readPeople } from './people.policy.ts';
import {
  ZNeedsAdd,
  ZNeedUpdate,
  ZNoteCreate,
  ZPersonCreate,
  ZPersonCreated,
  ZPersonLookup,
  ZPersonUpdate,
  ZPersonView,
  ZVisitCreate,
} from './people.schema.ts';
import {
  addNeeds,
  addNote,
  completeNextStep,
  createPerson,
  erasePerson,
  lookUpPeople,
  type PeopleDeps,
  readPerson,
  recordVisit,
  reissueCode,
  setNeedStatus,
  updatePerson,
} from './people.service.ts';

const errors = { 400: ZErrorBody, 401: ZErrorBody, 403: ZErrorBody, 404: ZErrorBody };
const ZId = z.object({ id: z.uuid() });
const tags = ['people'];

/** The helpdesk's JSON API for people (DESIGN.md "Staff API details"). */
export function peopleRoutes(deps: PeopleDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/people',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Record a person (a helpdesk visit); only a random id is required',
          description:
            'Every field is optional and stored encrypted under the person’s own key. Unknown properties are ' +
            'refused: there is no field for immigration status or identity documents. The answer carries the ' +
            'Arrival code once; only a keyed hash of it is kept.',
          body: ZPersonCreate,
          response: { 201: ZPersonCreated, ...errors },
        },
      },
      async (request, reply) => {
        const created = await createPerson(deps, actorOf(request), request.body, { requestId: request.id });
        return reply.code(201).send(created);
      },
    );

    app.post(
      '/api/v1/people/lookup',
      {
        config: { policy: readPeople },
        schema: {
          tags,
          summary: 'Find a returning person by phone or email (blind index) or by their Arrival code',
          body: ZPersonLookup,
          response: { 200: z.object({ matches: z.array(z.object({ id: z.uuid() })) }), ...errors },
        },
      },
      async (request) => {
        const ids = await lookUpPeople(deps, actorOf(request), request.body, { requestId: request.id });
        return { matches: ids.map((id) => ({ id })) };
      },
    );

    app.get(
      '/api/v1/people/:id',
      {
        config: { policy: readPeople },
        schema: {
          tags,
          summary: 'A person, as the caller may see them (the read is audited)',
          description:
            'The recording organisation sees everything; an organisation with a consent in force sees only the ' +
            'consented fields (`access: "consent"`); anyone else gets 404, as for a missing person.',
          params: ZId,
          response: { 200: ZPersonView, ...errors },
        },
      },
      async (request) => readPerson(deps, actorOf(request), request.params.id, { requestId: request.id }),
    );

    app.patch(
      '/api/v1/people/:id',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Change what is recorded about a person; `null` forgets a field',
          params: ZId,
          body: ZPersonUpdate,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await updatePerson(deps, actorOf(request), request.params.id, request.body, {
          requestId: request.id,
        });
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/api/v1/people/:id',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Erase a person now: their key and every row about them are deleted',
          params: ZId,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await erasePerson(deps, actorOf(request), request.params.id, { requestId: request.id });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/people/:id/code',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Issue a new Arrival code (the old one stops working)',
          params: ZId,
          response: { 200: z.object({ code: z.string() }), ...errors },
        },
      },
      async (request) => reissueCode(deps, actorOf(request), request.params.id, { requestId: request.id }),
    );

    app.post(
      '/api/v1/people/:id/needs',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Add needs',
          params: ZId,
          body: ZNeedsAdd,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await addNeeds(deps, actorOf(request), request.params.id, request.body.needs, {
          requestId: request.id,
        });
        return reply.code(204).send(null);
      },
    );

    app.patch(
      '/api/v1/people/:id/needs/:needId',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Set where a need stands',
          params: z.object({ id: z.uuid(), needId: z.uuid() }),
          body: ZNeedUpdate,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { id, needId } = request.params;
        await setNeedStatus(deps, actorOf(request), id, needId, request.body.status, {
          requestId: request.id,
        });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/people/:id/notes',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Add a short case note or a next step (encrypted; at most 2000 characters)',
          params: ZId,
          body: ZNoteCreate,
          response: { 201: z.object({ id: z.uuid() }), ...errors },
        },
      },
      async (request, reply) => {
        const note = await addNote(deps, actorOf(request), request.params.id, request.body, {
          requestId: request.id,
        });
        return reply.code(201).send(note);
      },
    );

    app.post(
      '/api/v1/people/:id/notes/:noteId/done',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Mark a next step done',
          params: z.object({ id: z.uuid(), noteId: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { id, noteId } = request.params;
        await completeNextStep(deps, actorOf(request), id, noteId, { requestId: request.id });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/people/:id/visits',
      {
        config: { policy: managePeople },
        schema: {
          tags,
          summary: 'Record a returning person’s visit to a helpdesk site',
          params: ZId,
          body: ZVisitCreate,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await recordVisit(deps, actorOf(request), request.params.id, request.body.siteId, {
          requestId: request.id,
        });
        return reply.code(204).send(null);
      },
    );
  };
}
