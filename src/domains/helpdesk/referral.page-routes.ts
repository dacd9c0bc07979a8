import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Executor } from '../../db/driver.ts';
import { AppError } from '../../http/errors.ts';
import { requestLocale } from '../../http/locale.ts';
import { actorOf } from '../../http/policy.ts';
import { codeGuessRateLimit } from '../../http/rate-limit-store.ts';
import type { Ui } from '../../ui/index.ts';
import { staffHref, staffPageTools } from '../accounts/index.ts';
import { consentState, listConsentsOfPerson } from '../consent/index.ts';
import { NEEDS, readPerson, refuse } from '../people/index.ts';
import {
  changeReferralStatus,
  createReferral,
  DISCLOSURE_RATE_LIMIT_PER_MINUTE,
  discloseIdentity,
  listReferrals,
  manageCapacity,
  moveReferrals,
  REFERRAL_STATES,
  type ReferralDeps,
  readReferral,
  readReferrals,
  sendReferrals,
  setCapacity,
  summariseReferrals,
} from '../referrals/index.ts';
import type { FormProblem } from './helpdesk.components.tsx';
import { referrableServices, referralsOfPerson, servicesOfOrganisation } from './helpdesk.repo.ts';
import type { PersonSection } from './person.pages.tsx';
import {
  CapacityPage,
  type CapacityValues,
  type ConsentOption,
  PersonReferralsSection,
  type ReferChoice,
  ReferPage,
  ReferralPage,
  ReferralsDashboardPage,
} from './referral.pages.tsx';

export interface ReferralPagesDeps extends ReferralDeps {
  ui: Ui;
  codeRateLimitPerMinute?: number | undefined;
}

const hidden = { hide: true } as const;
const ZLang = z.object({ lang: z.string().max(10).optional() });
const csrf = { _csrf: z.string().max(100).optional() };
const text = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v ?? '');
const ZId = z.object({ id: z.uuid() });

/** Errors of a referral's rules, shown on the form they came from (anything else stays an error page). */
const FORM_ERRORS = new Set([
  'CONSENT_REQUIRED',
  'CONSENT_NOT_FOUND',
  'CONSENT_OTHER_RECIPIENT',
  'CONSENT_OTHER_PURPOSE',
  'CONSENT_REVOKED',
  'CONSENT_EXPIRED',
  'SERVICE_NOT_ACCEPTING',
  'SERVICE_NOT_REFERRABLE',
  'SERVICE_OWN_ORGANISATION',
  'INVALID_TRANSITION',
  'NOT_YOUR_MOVE',
  'REASON_REQUIRED',
  'CODE_INVALID',
  'VALIDATION_FAILED',
]);
const formError = (error: unknown): AppError | undefined =>
  error instanceof AppError && FORM_ERRORS.has(error.code) ? error : undefined;

/** The staff pages of referrals (server-rendered, no JavaScript needed), over the referrals service. */
export function referralPageRoutes(deps: ReferralPagesDeps): FastifyPluginAsyncZod {
  const { ui } = deps;
  return async (app) => {
    const { contextOf, send } = staffPageTools(app, ui);
    const ctxOf = (request: FastifyRequest) => ({ requestId: request.id });
    const redirect = (request: FastifyRequest, reply: FastifyReply, path: string) =>
      reply.redirect(staffHref(requestLocale(request, ui.catalogues), path), 303);

    // ---- Refer from a person's need ----

    const referPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      needId: string,
      q: string,
      extra: { choice?: ReferChoice; problems?: FormProblem[] } = {},
    ) => {
      const actor = actorOf(request);
      const person = await readPerson(deps, actor, id, ctxOf(request));
      const need = person.needs?.find((n) => n.id === needId);
      if (person.access !== 'owner' || !need) return refuse(deps, actor, 'person', id, ctxOf(request));
      const now = deps.clock.now();
      const consents: ConsentOption[] = (await listConsentsOfPerson(deps.db, id))
        .filter((c) => c.purpose !== 'follow_up' && consentState(c, now) === 'active')
        .map((c) => ({
          id: c.id,
          recipientOrganisationId: c.recipientOrganisationId,
          expiresAt: c.expiresAt,
        }));
      const services = (await referrableServices(deps.db, { categories: NEEDS[need.need], q })).filter(
        (s) => s.receiverId !== actor.organisationId,
      );
      const ctx = contextOf(request, `/staff/people/${id}/refer`);
      const status = extra.problems?.length ? 400 : 200;
      return send(
        reply,
        ReferPage({ ctx, actor, person, needId, need: need.need, q, services, consents, ...extra }),
        status,
      );
    };

    app.get(
      '/staff/people/:id/refer',
      {
        config: { policy: sendReferrals },
        schema: { ...hidden, params: ZId, querystring: ZLang.extend({ need: z.uuid(), q: text(100) }) },
      },
      async (request, reply) =>
        referPage(request, reply, request.params.id, request.query.need, request.query.q),
    );

    app.post(
      '/staff/people/:id/refer',
      {
        config: { policy: sendReferrals },
        schema: {
          ...hidden,
          params: ZId,
          querystring: ZLang,
          body: z.strictObject({
            ...csrf,
            needId: z.uuid(),
            serviceId: z.string().trim().min(1).max(200),
            share: z.union([z.literal('pseudonymous'), z.uuid()]),
            send: z.enum(['now', 'draft']).default('now'),
            q: text(100),
          }),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { id } = request.params;
        const b = request.body;
        const pseudonymous = b.share === 'pseudonymous';
        let created: Awaited<ReturnType<typeof createReferral>>;
        try {
          created = await createReferral(
            deps,
            actor,
            {
              personId: id,
              serviceId: b.serviceId,
              needId: b.needId,
              pseudonymous,
              ...(pseudonymous ? {} : { consentId: b.share }),
              ...(b.send === 'draft' ? { draft: true } : {}),
            },
            ctxOf(request),
          );
        } catch (error) {
          const refused = formError(error);
          if (!refused) throw error;
          return referPage(request, reply, id, b.needId, b.q, {
            choice: { serviceId: b.serviceId, share: b.share, send: b.send },
            problems: [{ field: `share-${b.serviceId}`, key: `error.code.${refused.code}` }],
          });
        }
        if (!created.disclosureCode) return redirect(request, reply, `/staff/referrals/${created.id}`);
        // The one-time code is shown once, here: no redirect (the referral page never shows it again).
        const referral = await readReferral(deps, actor, created.id, ctxOf(request));
        return send(
          reply,
          ReferralPage({
            ctx: contextOf(request, `/staff/referrals/${created.id}`),
            actor,
            referral,
            disclosureCode: created.disclosureCode,
          }),
          201,
        );
      },
    );

    // ---- A referral ----

    const referralPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      problems: FormProblem[] = [],
    ) => {
      const actor = actorOf(request);
      const referral = await readReferral(deps, actor, id, ctxOf(request));
      return send(
        reply,
        ReferralPage({ ctx: contextOf(request, `/staff/referrals/${id}`), actor, referral, problems }),
        problems.length > 0 ? 400 : 200,
      );
    };

    app.get(
      '/staff/referrals/:id',
      { config: { policy: readReferrals }, schema: { ...hidden, params: ZId, querystring: ZLang } },
      async (request, reply) => referralPage(request, reply, request.params.id),
    );

    app.post(
      '/staff/referrals/:id/status',
      {
        config: { policy: moveReferrals },
        schema: {
          ...hidden,
          params: ZId,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, status: z.enum(REFERRAL_STATES), reason: text(2000) }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { status } = request.body;
        const reason = request.body.reason.trim();
        const field = `reason-${status}`;
        if (reason.length > 500)
          return referralPage(request, reply, id, [{ field, key: 'staff.referral.reasonTooLong' }]);
        try {
          await changeReferralStatus(
            deps,
            actorOf(request),
            id,
            { status, ...(reason ? { reason } : {}) },
            ctxOf(request),
          );
        } catch (error) {
          const refused = formError(error);
          if (!refused) throw error;
          const at = refused.code === 'REASON_REQUIRED' ? field : 'moves-title';
          return referralPage(request, reply, id, [{ field: at, key: `error.code.${refused.code}` }]);
        }
        return redirect(request, reply, `/staff/referrals/${id}`);
      },
    );

    app.post(
      '/staff/referrals/:id/disclose',
      {
        config: {
          policy: moveReferrals,
          rateLimit: codeGuessRateLimit(
            deps.codeRateLimitPerMinute ?? DISCLOSURE_RATE_LIMIT_PER_MINUTE,
            'disclosure',
          ),
        },
        schema: {
          ...hidden,
          params: ZId,
          querystring: ZLang,
          body: z.strictObject({ ...csrf, code: text(40) }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const code = request.body.code.trim();
        if (!code)
          return referralPage(request, reply, id, [{ field: 'code', key: 'error.code.CODE_INVALID' }]);
        try {
          await discloseIdentity(deps, actorOf(request), id, code, ctxOf(request));
        } catch (error) {
          const refused = formError(error);
          if (!refused) throw error;
          return referralPage(request, reply, id, [{ field: 'code', key: `error.code.${refused.code}` }]);
        }
        return redirect(request, reply, `/staff/referrals/${id}`);
      },
    );

    // ---- The organisation's boxes ----

    app.get(
      '/staff/referrals',
      {
        config: { policy: readReferrals },
        schema: {
          ...hidden,
          querystring: ZLang.extend({
            box: z.enum(['sent', 'received']).default('received'),
            // An empty choice of the filter form means every state.
            state: z
              .union([z.enum(REFERRAL_STATES), z.literal('')])
              .optional()
              .transform((s) => s || undefined),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            done: z.literal('capacity').optional(),
          }),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { box, state, page, done } = request.query;
        const list = await listReferrals(deps, actor, { box, page, ...(state ? { state } : {}) });
        return send(
          reply,
          ReferralsDashboardPage({
            ctx: contextOf(request),
            actor,
            summary: await summariseReferrals(deps, actor),
            list,
            box,
            state,
            states: REFERRAL_STATES,
            done,
          }),
        );
      },
    );

    // ---- Capacity of the organisation's own services ----

    const capacityPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      failed?: { serviceId: string; values: CapacityValues; problems: FormProblem[] },
    ) => {
      const actor = actorOf(request);
      const services = await servicesOfOrganisation(deps.db, actor.organisationId);
      return send(
        reply,
        CapacityPage({
          ctx: contextOf(request, '/staff/services/capacity'),
          actor,
          services,
          failed,
          problems: failed?.problems ?? [],
        }),
        failed ? 400 : 200,
      );
    };

    app.get(
      '/staff/services/capacity',
      { config: { policy: manageCapacity }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => capacityPage(request, reply),
    );

    app.post(
      '/staff/services/capacity/:id',
      {
        config: { policy: manageCapacity },
        schema: {
          ...hidden,
          params: z.object({ id: z.string().trim().min(1).max(200) }),
          querystring: ZLang,
          body: z.strictObject({
            ...csrf,
            accepting: text(10),
            weeklyPlaces: text(20),
            waitingDays: text(20),
          }),
        },
      },
      async (request, reply) => {
        const serviceId = request.params.id;
        const values: CapacityValues = {
          accepting: request.body.accepting === 'yes',
          weeklyPlaces: request.body.weeklyPlaces.trim(),
          waitingDays: request.body.waitingDays.trim(),
        };
        const problems: FormProblem[] = [];
        const number = (field: 'weeklyPlaces' | 'waitingDays', max: number) => {
          const v = values[field];
          if (v === '') return null;
          const n = /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
          if (Number.isNaN(n) || n > max)
            problems.push({ field: `${field}-${serviceId}`, key: `staff.capacity.invalid.${field}` });
          return n;
        };
        const weeklyPlaces = number('weeklyPlaces', 100_000);
        const waitingDays = number('waitingDays', 3650);
        if (problems.length > 0) return capacityPage(request, reply, { serviceId, values, problems });
        await setCapacity(
          deps,
          actorOf(request),
          serviceId,
          { accepting: values.accepting, weeklyPlaces, waitingDays },
          ctxOf(request),
        );
        return redirect(request, reply, '/staff/referrals?done=capacity');
      },
    );
  };
}

/** The "Referrals" section of the person page: only for their own organisation (the sender of referrals). */
export function referralsSection(db: Executor): PersonSection {
  return async ({ ctx, actor, person }) => {
    if (person.access !== 'owner') return null;
    return PersonReferralsSection({
      ctx,
      person,
      referrals: await referralsOfPerson(db, person.id, actor.organisationId),
    });
  };
}
