import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { VNode } from 'preact';
import { z } from 'zod';
import { AppError } from '../../http/errors.ts';
import { requestLocale } from '../../http/locale.ts';
import { OncePerKey } from '../../http/once.ts';
import { actorOf } from '../../http/policy.ts';
import type { Ui } from '../../ui/index.ts';
import { listOrganisations, staffHref, staffPageTools } from '../accounts/index.ts';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  consentState,
  createConsent,
  findConsent,
  listConsentsOfPerson,
  manageConsents,
  revokeConsentByStaff,
} from '../consent/index.ts';
import {
  addNeeds,
  addNote,
  completeNextStep,
  createPerson,
  erasePerson,
  lookUpPeople,
  managePeople,
  NEED_CODES,
  NEED_STATUSES,
  type Need,
  NOTE_MAX_CHARS,
  type PeopleDeps,
  parseArrivalCode,
  pendingErasureRequests,
  readPeople,
  readPerson,
  recordVisit,
  refuse,
  reissueCode,
  SHAREABLE_FIELDS,
  type ShareableField,
  setNeedStatus,
  type TPersonCreate,
  type TPersonUpdate,
  type TPersonView,
  updatePerson,
  ZPersonCreate,
  ZPersonLookup,
  ZPersonUpdate,
} from '../people/index.ts';
import {
  ConsentFormPage,
  ConsentSlipPage,
  type ConsentValues,
  explanationLanguages,
} from './consent.pages.tsx';
import { COMMON_LANGUAGES, type FormProblem } from './helpdesk.components.tsx';
import { sitesOfOrganisation } from './helpdesk.repo.ts';
import {
  EditPersonPage,
  emptyIntake,
  FindPage,
  type FoundPerson,
  IntakePage,
  type IntakeValues,
  type LookupValues,
  type PendingErasure,
  PersonSlipPage,
} from './intake.pages.tsx';
import {
  type ConsentListItem,
  DONE,
  type Done,
  ErasePage,
  type NoteDraft,
  PersonPage,
  type PersonSection,
  personName,
} from './person.pages.tsx';

export interface HelpdeskDeps extends PeopleDeps {
  ui: Ui;
  /** For the address printed on slips (`/{lang}/my-data`). */
  publicBaseUrl: string;
  /** Sections other domains add to the person page (the referrals slot). */
  personSections?: PersonSection[];
}

const hidden = { hide: true } as const;
const ZLang = z.object({ lang: z.string().max(10).optional() });
const ZPerson = z.object({ id: z.uuid() });
/** The form's CSRF token (the policy checks it; a JSON client sends the `x-csrf-token` header instead). */
const csrf = { _csrf: z.string().max(100).optional() };
/** A form field sent once, many times (checkboxes) or not at all → a list. */
const many = z
  .union([z.string().max(200), z.array(z.string().max(200)).max(40)])
  .optional()
  .transform((v) => (v === undefined ? [] : [v].flat()));
/** A text field (an absent one reads as empty). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v ?? '');
const DAY_MS = 86_400_000;
const CONSENT_DEFAULT_DAYS = 90;

const ZIntakeForm = z.strictObject({
  ...csrf,
  siteId: text(200),
  needs: many,
  urgency: many,
  languages: many,
  otherLanguages: text(400),
  interpreterNeeded: text(10),
  displayName: text(400),
  phone: text(100),
  email: text(400),
  slipLang: text(10),
  formToken: z.uuid().optional(),
});

const ZConsentForm = z.strictObject({
  ...csrf,
  recipientOrganisationId: text(100),
  fields: many,
  purpose: text(40),
  expiresOn: text(20),
  explainedIn: text(20),
  interpreter: text(10),
  attested: text(10),
  slipLang: text(10),
});

/** Which form field a refused property of the person is shown at. */
const INTAKE_FIELD: Record<string, string> = {
  displayName: 'displayName',
  phone: 'phone',
  email: 'email',
  languages: 'otherLanguages',
  siteId: 'siteId',
};

function intakeInput(values: IntakeValues): TPersonCreate {
  const languages = [
    ...values.languages,
    ...values.otherLanguages
      .split(/[,،;]/)
      .map((l) => l.trim())
      .filter(Boolean),
  ];
  const given = (s: string) => (s.trim() ? s.trim() : undefined);
  const input: Record<string, unknown> = {
    displayName: given(values.displayName),
    phone: given(values.phone),
    email: given(values.email),
    languages: languages.length > 0 ? languages : undefined,
    needs: values.needs.length > 0 ? values.needs : undefined,
    urgency: values.urgency.length > 0 ? values.urgency : undefined,
    interpreterNeeded: values.interpreterNeeded ? true : undefined,
    siteId: given(values.siteId),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as TPersonCreate;
}

/** The edit form's values from what is recorded (languages outside the checkboxes go in the text field). */
function editValues(person: TPersonView): IntakeValues {
  const languages = person.languages ?? [];
  const common = (l: string) => (COMMON_LANGUAGES as readonly string[]).includes(l);
  return {
    ...emptyIntake(''),
    displayName: person.displayName ?? '',
    phone: person.phone ?? '',
    email: person.email ?? '',
    languages: languages.filter(common),
    otherLanguages: languages.filter((l) => !common(l)).join(', '),
    interpreterNeeded: person.interpreterNeeded ?? false,
    urgency: person.urgency ?? [],
  };
}

/** A change from the edit form: every field is sent, and an emptied one is forgotten (`null`). */
function editInput(values: IntakeValues): Record<string, unknown> {
  const given = (s: string) => (s.trim() ? s.trim() : null);
  const languages = [
    ...values.languages,
    ...values.otherLanguages
      .split(/[,،;]/)
      .map((l) => l.trim())
      .filter(Boolean),
  ];
  return {
    displayName: given(values.displayName),
    phone: given(values.phone),
    email: given(values.email),
    languages: languages.length > 0 ? languages : null,
    interpreterNeeded: values.interpreterNeeded ? true : null,
    urgency: values.urgency.length > 0 ? values.urgency : null,
  };
}

/** The helpdesk's staff pages under `/staff/people` (server-rendered, no JavaScript needed). */
/** How long a submitted intake form is remembered, so that submitting it again shows the same slip. */
const INTAKE_REPEAT_MS = 10 * 60_000;

export function helpdeskPageRoutes(deps: HelpdeskDeps): FastifyPluginAsyncZod {
  // A double tap on "Record" sends the form twice: the second gets the first one's person and slip (the
  // Arrival code is held in memory for those minutes, as it was for the first answer, never stored).
  const intakes = new OncePerKey<{ id: string; code: string }>(deps.clock, INTAKE_REPEAT_MS);
  const { ui } = deps;
  return async (app) => {
    const { contextOf, send } = staffPageTools(app, ui);
    const slipLanguage = (request: FastifyRequest, asked: string) =>
      ui.catalogues.has(asked) ? asked : requestLocale(request, ui.catalogues);
    const myDataUrl = (lang: string) => `${deps.publicBaseUrl}/${lang}/my-data`;
    const ctxOf = (request: FastifyRequest) => ({ requestId: request.id });
    /** Post/Redirect/Get back to the person page, with what was done and where. */
    const backToPerson = (request: FastifyRequest, reply: FastifyReply, id: string, done?: Done) => {
      const locale = requestLocale(request, ui.catalogues);
      const at: Record<Done, string> = {
        updated: 'recorded',
        need: 'needs',
        needs: 'needs',
        note: 'notes',
        step: 'notes',
        visit: 'visits',
        revoked: 'consents',
      };
      const path = staffHref(locale, `/staff/people/${id}${done ? `?done=${done}` : ''}`);
      return reply.redirect(done ? `${path}#${at[done]}` : path, 303);
    };

    const personPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      extra: { done?: Done | undefined; draft?: NoteDraft; problems?: FormProblem[]; status?: number } = {},
    ) => {
      const actor = actorOf(request);
      const ctx = contextOf(request, `/staff/people/${id}`);
      const person = await readPerson(deps, actor, id, ctxOf(request));
      const owner = person.access === 'owner';
      const sites = owner ? await sitesOfOrganisation(deps.db, actor.organisationId) : [];
      const consents: ConsentListItem[] = [];
      if (owner) {
        const names = new Map((await listOrganisations(deps.db)).map((o) => [o.id, o.name]));
        const now = deps.clock.now();
        for (const consent of await listConsentsOfPerson(deps.db, id)) {
          consents.push({
            consent,
            recipient: names.get(consent.recipientOrganisationId) ?? '—',
            state: consentState(consent, now),
          });
        }
      }
      const sections: VNode[] = [];
      for (const section of deps.personSections ?? []) {
        const node = await section({ ctx, actor, person });
        if (node) sections.push(node);
      }
      return send(
        reply,
        PersonPage({ ctx, actor, person, sites, consents, sections, ...extra }),
        extra.status,
      );
    };

    // ---- Find a returning person ----

    const findPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      props: {
        values?: LookupValues;
        found?: FoundPerson[];
        problems?: FormProblem[];
        erased?: boolean;
        erasures?: PendingErasure[];
      },
      status = 200,
    ) =>
      send(
        reply,
        FindPage({
          ctx: contextOf(request, '/staff/people'),
          actor: actorOf(request),
          values: props.values ?? { phone: '', email: '', code: '' },
          ...props,
        }),
        status,
      );

    app.get(
      '/staff/people',
      {
        config: { policy: readPeople },
        schema: { ...hidden, querystring: ZLang.extend({ erased: z.literal('1').optional() }) },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        // The erasure requests wait for those who may erase (managePeople).
        const erasures = managePeople.roles?.includes(actor.role)
          ? await pendingErasureRequests(deps, actor, ctxOf(request))
          : [];
        return findPage(request, reply, { erased: request.query.erased === '1', erasures });
      },
    );

    app.post(
      '/staff/people/lookup',
      {
        config: { policy: readPeople },
        schema: {
          ...hidden,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, phone: text(100), email: text(400), code: text(100) }),
        },
      },
      async (request, reply) => {
        const values = {
          phone: request.body.phone.trim(),
          email: request.body.email.trim(),
          code: request.body.code.trim(),
        };
        const problems: FormProblem[] = [];
        if (!values.phone && !values.email && !values.code)
          problems.push({ field: 'code', key: 'staff.invalid.lookupEmpty' });
        if (values.code && !parseArrivalCode(values.code))
          problems.push({ field: 'code', key: 'staff.invalid.code' });
        const by = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
        const parsed = ZPersonLookup.safeParse(by);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const field = String(issue.path[0] ?? '');
            if (field === 'phone' || field === 'email')
              problems.push({ field, key: `staff.invalid.${field}` });
          }
        }
        if (problems.length > 0) return findPage(request, reply, { values, problems }, 400);
        const actor = actorOf(request);
        const ids = await lookUpPeople(deps, actor, by, ctxOf(request));
        const found: FoundPerson[] = [];
        for (const id of ids) {
          const person = await readPerson(deps, actor, id, ctxOf(request));
          found.push({ id, displayName: person.displayName, lastContactAt: person.lastContactAt });
        }
        return findPage(request, reply, { values, found });
      },
    );

    // ---- Intake ----

    app.get(
      '/staff/people/new',
      { config: { policy: managePeople }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => {
        const actor = actorOf(request);
        const ctx = contextOf(request);
        const sites = await sitesOfOrganisation(deps.db, actor.organisationId);
        return send(reply, IntakePage({ ctx, actor, sites, values: emptyIntake(ctx.locale) }));
      },
    );

    app.post(
      '/staff/people/new',
      { config: { policy: managePeople }, schema: { ...hidden, querystring: ZLang, body: ZIntakeForm } },
      async (request, reply) => {
        const actor = actorOf(request);
        const ctx = contextOf(request, '/staff/people/new');
        const b = request.body;
        const values: IntakeValues = {
          siteId: b.siteId,
          needs: b.needs,
          urgency: b.urgency,
          languages: b.languages,
          otherLanguages: b.otherLanguages,
          interpreterNeeded: b.interpreterNeeded === 'yes',
          displayName: b.displayName,
          phone: b.phone,
          email: b.email,
          slipLang: slipLanguage(request, b.slipLang),
          formToken: b.formToken ?? randomUUID(),
        };
        const sites = await sitesOfOrganisation(deps.db, actor.organisationId);
        const problems: FormProblem[] = [];
        const input = intakeInput(values);
        const parsed = ZPersonCreate.safeParse(input);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const field = INTAKE_FIELD[String(issue.path[0] ?? '')] ?? 'needs';
            if (!problems.some((p) => p.field === field))
              problems.push({ field, key: `staff.invalid.${field}` });
          }
        }
        if (
          input.siteId &&
          !sites.some((s) => s.id === input.siteId) &&
          !problems.some((p) => p.field === 'siteId')
        )
          problems.push({ field: 'siteId', key: 'staff.invalid.siteId' });
        if (!parsed.success || problems.length > 0)
          return send(reply, IntakePage({ ctx, actor, sites, values, problems }), 400);
        const data = parsed.data;
        const created = await intakes.once(`${actor.userId}:${b.formToken ?? randomUUID()}`, () =>
          createPerson(deps, actor, data, ctxOf(request)),
        );
        return send(
          reply,
          PersonSlipPage({
            ctx: contextOf(request, `/staff/people/${created.id}`),
            actor,
            personId: created.id,
            code: created.code,
            slipLang: values.slipLang,
            myDataUrl: myDataUrl(values.slipLang),
          }),
          201,
        );
      },
    );

    // ---- A person ----

    app.get(
      '/staff/people/:id',
      {
        config: { policy: readPeople },
        schema: { ...hidden, params: ZPerson, querystring: ZLang.extend({ done: z.enum(DONE).optional() }) },
      },
      async (request, reply) => personPage(request, reply, request.params.id, { done: request.query.done }),
    );

    app.post(
      '/staff/people/:id/needs',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: ZPerson,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, needs: many }),
        },
      },
      async (request, reply) => {
        const needs = request.body.needs.filter((n): n is Need => (NEED_CODES as string[]).includes(n));
        if (needs.length === 0) return backToPerson(request, reply, request.params.id);
        await addNeeds(deps, actorOf(request), request.params.id, needs, ctxOf(request));
        return backToPerson(request, reply, request.params.id, 'needs');
      },
    );

    app.post(
      '/staff/people/:id/needs/:needId',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: z.object({ id: z.uuid(), needId: z.uuid() }),
          querystring: ZLang,
          body: z.strictObject({ ...csrf, status: z.enum(NEED_STATUSES) }),
        },
      },
      async (request, reply) => {
        const { id, needId } = request.params;
        await setNeedStatus(deps, actorOf(request), id, needId, request.body.status, ctxOf(request));
        return backToPerson(request, reply, id, 'need');
      },
    );

    app.post(
      '/staff/people/:id/notes',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: ZPerson,
          querystring: ZLang,
          body: z.strictObject({
            ...csrf,
            kind: z.enum(['note', 'next_step']).default('note'),
            body: text(20_000),
          }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const draft = { kind: request.body.kind, body: request.body.body };
        const body = draft.body.trim();
        const problems: FormProblem[] = [];
        if (!body) problems.push({ field: 'body', key: 'staff.invalid.noteEmpty' });
        if (body.length > NOTE_MAX_CHARS)
          problems.push({
            field: 'body',
            key: 'staff.invalid.noteTooLong',
            values: { max: NOTE_MAX_CHARS, count: body.length },
          });
        if (problems.length > 0) return personPage(request, reply, id, { draft, problems, status: 400 });
        await addNote(deps, actorOf(request), id, { kind: draft.kind, body }, ctxOf(request));
        return backToPerson(request, reply, id, 'note');
      },
    );

    app.post(
      '/staff/people/:id/notes/:noteId/done',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: z.object({ id: z.uuid(), noteId: z.uuid() }),
          querystring: ZLang,
          body: z.strictObject(csrf),
        },
      },
      async (request, reply) => {
        const { id, noteId } = request.params;
        await completeNextStep(deps, actorOf(request), id, noteId, ctxOf(request));
        return backToPerson(request, reply, id, 'step');
      },
    );

    app.post(
      '/staff/people/:id/visits',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: ZPerson,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, siteId: text(200) }),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const siteId = request.body.siteId.trim() || undefined;
        if (
          siteId &&
          !(await sitesOfOrganisation(deps.db, actor.organisationId)).some((s) => s.id === siteId)
        )
          throw new AppError('VALIDATION_FAILED', 400);
        await recordVisit(deps, actor, request.params.id, siteId, ctxOf(request));
        return backToPerson(request, reply, request.params.id, 'visit');
      },
    );

    app.post(
      '/staff/people/:id/code',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: ZPerson,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, slipLang: text(10) }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { code } = await reissueCode(deps, actorOf(request), id, ctxOf(request));
        const slipLang = slipLanguage(request, request.body.slipLang);
        return send(
          reply,
          PersonSlipPage({
            ctx: contextOf(request, `/staff/people/${id}`),
            actor: actorOf(request),
            personId: id,
            code,
            slipLang,
            myDataUrl: myDataUrl(slipLang),
            reissued: true,
          }),
        );
      },
    );

    // ---- Change what is recorded ----

    const editPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      values?: IntakeValues,
      problems: FormProblem[] = [],
    ) => {
      const actor = actorOf(request);
      const person = await readPerson(deps, actor, id, ctxOf(request));
      if (person.access !== 'owner') return refuse(deps, actor, 'person', id, ctxOf(request));
      const ctx = contextOf(request, `/staff/people/${id}/edit`);
      return send(
        reply,
        EditPersonPage({
          ctx,
          actor,
          personId: id,
          name: personName(ctx, person),
          values: values ?? editValues(person),
          problems,
        }),
        problems.length > 0 ? 400 : 200,
      );
    };

    app.get(
      '/staff/people/:id/edit',
      { config: { policy: managePeople }, schema: { ...hidden, params: ZPerson, querystring: ZLang } },
      async (request, reply) => editPage(request, reply, request.params.id),
    );

    app.post(
      '/staff/people/:id/edit',
      {
        config: { policy: managePeople },
        schema: {
          ...hidden,
          params: ZPerson,
          querystring: ZLang,
          body: ZIntakeForm.omit({ siteId: true, needs: true, slipLang: true }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const b = request.body;
        const values: IntakeValues = {
          ...emptyIntake(''),
          urgency: b.urgency,
          languages: b.languages,
          otherLanguages: b.otherLanguages,
          interpreterNeeded: b.interpreterNeeded === 'yes',
          displayName: b.displayName,
          phone: b.phone,
          email: b.email,
        };
        const parsed = ZPersonUpdate.safeParse(editInput(values));
        if (!parsed.success) {
          const problems: FormProblem[] = [];
          for (const issue of parsed.error.issues) {
            const field = INTAKE_FIELD[String(issue.path[0] ?? '')] ?? 'needs';
            if (!problems.some((p) => p.field === field))
              problems.push({ field, key: `staff.invalid.${field}` });
          }
          return editPage(request, reply, id, values, problems);
        }
        const change: TPersonUpdate = parsed.data;
        await updatePerson(deps, actorOf(request), id, change, ctxOf(request));
        return backToPerson(request, reply, id, 'updated');
      },
    );

    // ---- Consents ----

    const recipientsFor = async (organisationId: string) =>
      (await listOrganisations(deps.db))
        .filter((o) => o.id !== organisationId)
        .map((o) => ({ id: o.id, name: o.name }));

    /** The consent form for a person of the caller's organisation; anyone else's is the same 404 as none. */
    const consentForm = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      values: ConsentValues | undefined,
      problems: FormProblem[] = [],
    ) => {
      const actor = actorOf(request);
      const person = await readPerson(deps, actor, id, ctxOf(request));
      if (person.access !== 'owner') return refuse(deps, actor, 'person', id, ctxOf(request));
      const ctx = contextOf(request, `/staff/people/${id}/consents/new`);
      const expires = new Date(deps.clock.now().getTime() + CONSENT_DEFAULT_DAYS * DAY_MS);
      return send(
        reply,
        ConsentFormPage({
          ctx,
          actor,
          personId: id,
          personName: personName(ctx, person),
          organisations: await recipientsFor(actor.organisationId),
          values: values ?? {
            recipientOrganisationId: '',
            fields: [],
            purpose: 'referral',
            expiresOn: expires.toISOString().slice(0, 10),
            explainedIn: '',
            interpreter: false,
            attested: false,
            slipLang: ctx.locale,
          },
          problems,
        }),
        problems.length > 0 ? 400 : 200,
      );
    };

    app.get(
      '/staff/people/:id/consents/new',
      { config: { policy: manageConsents }, schema: { ...hidden, params: ZPerson, querystring: ZLang } },
      async (request, reply) => consentForm(request, reply, request.params.id, undefined),
    );

    app.post(
      '/staff/people/:id/consents',
      {
        config: { policy: manageConsents },
        schema: { ...hidden, params: ZPerson, querystring: ZLang, body: ZConsentForm },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { id } = request.params;
        const b = request.body;
        const ctx = contextOf(request);
        const values: ConsentValues = {
          recipientOrganisationId: b.recipientOrganisationId,
          fields: b.fields,
          purpose: b.purpose,
          expiresOn: b.expiresOn,
          explainedIn: b.explainedIn,
          interpreter: b.interpreter === 'yes',
          attested: b.attested === 'yes',
          slipLang: slipLanguage(request, b.slipLang),
        };
        const recipients = await recipientsFor(actor.organisationId);
        const recipient = recipients.find((o) => o.id === values.recipientOrganisationId);
        const fields = values.fields.filter((f): f is ShareableField =>
          (SHAREABLE_FIELDS as readonly string[]).includes(f),
        );
        const purpose = CONSENT_PURPOSES.find((p) => p === values.purpose);
        const day = /^\d{4}-\d{2}-\d{2}$/.test(values.expiresOn)
          ? new Date(`${values.expiresOn}T23:59:59.999Z`)
          : undefined;
        const problems: FormProblem[] = [];
        if (!recipient) problems.push({ field: 'recipientOrganisationId', key: 'staff.invalid.recipient' });
        if (fields.length === 0 || fields.length !== values.fields.length)
          problems.push({ field: 'fields', key: 'staff.invalid.consentFields' });
        if (!purpose) problems.push({ field: 'purpose', key: 'staff.invalid.purpose' });
        if (!day || Number.isNaN(day.getTime()))
          problems.push({ field: 'expiresOn', key: 'staff.invalid.date' });
        if (values.explainedIn && !explanationLanguages(ctx).includes(values.explainedIn))
          problems.push({ field: 'explainedIn', key: 'staff.invalid.explainedIn' });
        if (!values.attested) problems.push({ field: 'attested', key: 'staff.invalid.attestation' });
        if (problems.length > 0 || !recipient || !purpose || !day)
          return consentForm(request, reply, id, values, problems);
        let created: Awaited<ReturnType<typeof createConsent>>;
        try {
          created = await createConsent(
            deps,
            actor,
            id,
            {
              recipientOrganisationId: recipient.id,
              fields,
              purpose: purpose as ConsentPurpose,
              expiresAt: day,
              explainedIn: values.explainedIn || undefined,
              interpreter: values.interpreter,
            },
            ctxOf(request),
          );
        } catch (error) {
          // A date out of range is shown on the form; a foreign person stays the same 404 as a missing one.
          if (!(error instanceof AppError) || error.status !== 400) throw error;
          const field = error.code === 'UNKNOWN_ORGANISATION' ? 'recipientOrganisationId' : 'expiresOn';
          return consentForm(request, reply, id, values, [{ field, key: `error.code.${error.code}` }]);
        }
        return send(
          reply,
          ConsentSlipPage({
            ctx: contextOf(request, `/staff/people/${id}`),
            actor,
            personId: id,
            receiptCode: created.receiptCode,
            recipient: recipient.name,
            fields,
            purpose,
            expiresAt: created.expiresAt,
            slipLang: values.slipLang,
            myDataUrl: myDataUrl(values.slipLang),
          }),
          201,
        );
      },
    );

    app.post(
      '/staff/people/:id/consents/:consentId/revoke',
      {
        config: { policy: manageConsents },
        schema: {
          ...hidden,
          params: z.object({ id: z.uuid(), consentId: z.uuid() }),
          querystring: ZLang,
          body: z.strictObject(csrf),
        },
      },
      async (request, reply) => {
        const { id, consentId } = request.params;
        const actor = actorOf(request);
        const consent = await findConsent(deps.db, consentId);
        // A consent of another person (or organisation) is the same 404 as a missing one.
        if (!consent || consent.personId !== id || consent.organisationId !== actor.organisationId)
          return refuse(deps, actor, 'consent', consentId, ctxOf(request));
        await revokeConsentByStaff(deps, actor, consentId, ctxOf(request));
        return backToPerson(request, reply, id, 'revoked');
      },
    );

    // ---- Erasure ----

    app.get(
      '/staff/people/:id/erase',
      { config: { policy: managePeople }, schema: { ...hidden, params: ZPerson, querystring: ZLang } },
      async (request, reply) => {
        const actor = actorOf(request);
        const { id } = request.params;
        const person = await readPerson(deps, actor, id, ctxOf(request));
        if (person.access !== 'owner') return refuse(deps, actor, 'person', id, ctxOf(request));
        return send(reply, ErasePage({ ctx: contextOf(request), actor, person }));
      },
    );

    app.post(
      '/staff/people/:id/erase',
      {
        config: { policy: managePeople },
        schema: { ...hidden, params: ZPerson, querystring: ZLang, body: z.strictObject(csrf) },
      },
      async (request, reply) => {
        await erasePerson(deps, actorOf(request), request.params.id, ctxOf(request));
        const locale = requestLocale(request, ui.catalogues);
        return reply.redirect(staffHref(locale, '/staff/people?erased=1'), 303);
      },
    );
  };
}
