import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../http/errors.ts';
import { actorOf } from '../../http/policy.ts';
import { codeGuessRateLimit } from '../../http/rate-limit-store.ts';
import { type PeopleDeps, SHAREABLE_FIELDS } from '../people/index.ts';
import { MY_DATA_RATE_LIMIT_PER_MINUTE, manageConsents, myDataAccess } from './consent.policy.ts';
import { CONSENT_PURPOSES } from './consent.schema.ts';
import { createConsent, revokeConsentByStaff } from './consent.service.ts';
import { myData, requestMyErasure, revokeMyConsent } from './my-data.service.ts';

const errors = { 400: ZErrorBody, 401: ZErrorBody, 403: ZErrorBody, 404: ZErrorBody, 429: ZErrorBody };
const ZId = z.object({ id: z.uuid() });

export const ZConsentCreate = z
  .strictObject({
    recipientOrganisationId: z
      .uuid()
      .describe('The Arrival organisation (session `organisation.id`), not an HSDS id.'),
    fields: z.array(z.enum(SHAREABLE_FIELDS)).min(1).max(SHAREABLE_FIELDS.length),
    purpose: z.enum(CONSENT_PURPOSES),
    expiresAt: z.iso.datetime({ offset: true }),
    explainedIn: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
      .optional()
      .describe('The language the consent was explained in.'),
    interpreter: z.boolean().optional().describe('Whether an interpreter helped explain it.'),
    sendReceipt: z.boolean().optional().describe('Also email the receipt to the person’s address on file.'),
  })
  .meta({ id: 'ConsentCreate' });

const ZConsentCreated = z
  .object({
    id: z.uuid(),
    receiptCode: z.string().describe('For the person: shown once, printed on their receipt.'),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'ConsentCreated' });

const ZCode = z.string().trim().min(1).max(40);
const ZMyData = z
  .object({
    consents: z.array(
      z.object({
        id: z.uuid(),
        recipient: z.string(),
        purpose: z.enum(CONSENT_PURPOSES),
        fields: z.array(z.string()),
        createdAt: z.iso.datetime(),
        expiresAt: z.iso.datetime(),
        state: z.enum(['active', 'expired', 'revoked']),
        revokedAt: z.iso.datetime().optional(),
      }),
    ),
    referrals: z.array(
      z.object({
        id: z.uuid(),
        service: z.string(),
        organisation: z.string(),
        state: z.string(),
        createdAt: z.iso.datetime(),
        updatedAt: z.iso.datetime(),
      }),
    ),
    erasureDueAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'MyData' });

export function consentRoutes(
  deps: PeopleDeps,
  options: { codeRateLimitPerMinute?: number | undefined } = {},
): FastifyPluginAsyncZod {
  const rateLimit = codeGuessRateLimit(
    options.codeRateLimitPerMinute ?? MY_DATA_RATE_LIMIT_PER_MINUTE,
    'my-data',
  );
  return async (app) => {
    app.post(
      '/api/v1/people/:id/consents',
      {
        config: { policy: manageConsents },
        schema: {
          tags: ['consents'],
          summary:
            'Record a person’s consent to share fields with one organisation, for one purpose, until a date',
          description:
            'The member of staff who records it attests that it was explained and freely given. `fields` are ' +
            'property names of `POST /api/v1/people`. An `expiresAt` in the past is 400 `CONSENT_EXPIRY_PAST`.',
          params: ZId,
          body: ZConsentCreate,
          response: { 201: ZConsentCreated, ...errors },
        },
      },
      async (request, reply) => {
        const { expiresAt, ...rest } = request.body;
        const created = await createConsent(
          deps,
          actorOf(request),
          request.params.id,
          { ...rest, expiresAt: new Date(expiresAt) },
          { requestId: request.id },
        );
        return reply.code(201).send({ ...created, expiresAt: created.expiresAt.toISOString() });
      },
    );

    app.post(
      '/api/v1/consents/:id/revoke',
      {
        config: { policy: manageConsents },
        schema: {
          tags: ['consents'],
          summary: 'Revoke a consent for the person (their recording organisation): access ends at once',
          params: ZId,
          response: { 200: z.object({ id: z.uuid(), revokedAt: z.iso.datetime() }), ...errors },
        },
      },
      async (request) => {
        const revoked = await revokeConsentByStaff(deps, actorOf(request), request.params.id, {
          requestId: request.id,
        });
        return { id: revoked.id, revokedAt: revoked.revokedAt.toISOString() };
      },
    );

    app.post(
      '/api/v1/my-data',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: {
          tags: ['my data'],
          summary: 'The person’s consents and referrals, with their Arrival code or a consent receipt code',
          description: 'Public and rate limited. An unknown code is 404 `NOT_FOUND`, like a missing page.',
          body: z.strictObject({ code: ZCode }),
          response: { 200: ZMyData, ...errors },
        },
      },
      async (request) => myData(deps, request.body.code, { requestId: request.id }),
    );

    app.post(
      '/api/v1/my-data/revoke',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: {
          tags: ['my data'],
          summary: 'Revoke a consent with its receipt code (or the Arrival code and the consent id)',
          description:
            'Public and rate limited. The recipient loses access at once. Revoking twice is no error.',
          body: z.union([
            z.strictObject({ receiptCode: ZCode }),
            z.strictObject({ code: ZCode, consentId: z.uuid() }),
          ]),
          response: { 200: z.object({ id: z.uuid(), revokedAt: z.iso.datetime() }), ...errors },
        },
      },
      async (request) => revokeMyConsent(deps, request.body, { requestId: request.id }),
    );

    app.post(
      '/api/v1/my-data/erasure',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: {
          tags: ['my data'],
          summary: 'Ask to be erased: the city confirms within a set time, or it happens then',
          body: z.strictObject({ code: ZCode }),
          response: { 202: z.object({ dueAt: z.iso.datetime() }), ...errors },
        },
      },
      async (request, reply) =>
        reply.code(202).send(await requestMyErasure(deps, request.body.code, { requestId: request.id })),
    );
  };
}
