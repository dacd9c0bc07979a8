import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../http/errors.ts';
import { actorOf } from '../../http/policy.ts';
import { codeGuessRateLimit } from '../../http/rate-limit-store.ts';
import { readCapacity, setCapacity } from './capacity.service.ts';
import { listReferrals, summariseReferrals } from './referrals.lists.ts';
import {
  DISCLOSURE_RATE_LIMIT_PER_MINUTE,
  manageCapacity,
  moveReferrals,
  readCapacity as readCapacityPolicy,
  readReferrals,
  sendReferrals,
} from './referrals.policy.ts';
import {
  ZCapacity,
  ZCapacityUpdate,
  ZDisclosure,
  ZReferralCreate,
  ZReferralCreated,
  ZReferralList,
  ZReferralListQuery,
  ZReferralStatus,
  ZReferralSummary,
  ZReferralView,
  ZServiceIdParams,
} from './referrals.schema.ts';
import {
  changeReferralStatus,
  createReferral,
  discloseIdentity,
  type ReferralDeps,
  readReferral,
} from './referrals.service.ts';

const errors = {
  400: ZErrorBody,
  401: ZErrorBody,
  403: ZErrorBody,
  404: ZErrorBody,
  409: ZErrorBody,
  429: ZErrorBody,
};
const ZId = z.object({ id: z.uuid() });
const tags = ['referrals'];

/** Closed-loop referrals between organisations, and the capacity of the services they go to. */
export function referralRoutes(
  deps: ReferralDeps,
  options: { codeRateLimitPerMinute?: number | undefined } = {},
): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/referrals',
      {
        config: { policy: sendReferrals },
        schema: {
          tags,
          summary: 'Refer a person of your organisation to a service of the directory',
          description:
            'The referral goes to the Arrival organisation linked to the service’s HSDS organization; its ' +
            'staff get an email with a link and nothing about the person. A named referral needs the person’s ' +
            'consent (purpose `referral`, recipient the receiving organisation, in force): without one it is ' +
            '400 `CONSENT_REQUIRED`. A pseudonymous one shows the receiver needs, languages and urgency only, ' +
            'until the person shows the one-time `disclosureCode` returned here (once).',
          body: ZReferralCreate,
          response: { 201: ZReferralCreated, ...errors },
        },
      },
      async (request, reply) => {
        const created = await createReferral(deps, actorOf(request), request.body, { requestId: request.id });
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/api/v1/referrals',
      {
        config: { policy: readReferrals },
        schema: {
          tags,
          summary: 'Your organisation’s sent or received referrals, newest first (no personal data)',
          querystring: ZReferralListQuery,
          response: { 200: ZReferralList, ...errors },
        },
      },
      async (request) => listReferrals(deps, actorOf(request), request.query),
    );

    app.get(
      '/api/v1/referrals/summary',
      {
        config: { policy: readReferrals },
        schema: {
          tags,
          summary: 'Dashboard: open, overdue and completed referrals, sent and received',
          description: 'Overdue: waiting for the receiver longer than the city’s acknowledgement time.',
          response: { 200: ZReferralSummary, ...errors },
        },
      },
      async (request) => summariseReferrals(deps, actorOf(request)),
    );

    app.get(
      '/api/v1/referrals/:id',
      {
        config: { policy: readReferrals },
        schema: {
          tags,
          summary: 'A referral, as your side sees it (the read is audited)',
          description:
            'Both sides see every change with time and organisation. The receiver sees it while its consent ' +
            'is in force (404 once it is revoked or expired, as for a missing one); its first look marks it ' +
            '`received`.',
          params: ZId,
          response: { 200: ZReferralView, ...errors },
        },
      },
      async (request) => readReferral(deps, actorOf(request), request.params.id, { requestId: request.id }),
    );

    app.post(
      '/api/v1/referrals/:id/status',
      {
        config: { policy: moveReferrals },
        schema: {
          tags,
          summary: 'Move a referral to another state',
          description:
            'The sender sends and cancels; the receiver accepts, declines, works on and closes it. A move the ' +
            'machine does not have is 409 `INVALID_TRANSITION`, the other side’s move 409 `NOT_YOUR_MOVE`; ' +
            'declining and closing as not completed need a `reason` (400 `REASON_REQUIRED`).',
          params: ZId,
          body: ZReferralStatus,
          response: { 200: ZReferralView, ...errors },
        },
      },
      async (request) =>
        changeReferralStatus(deps, actorOf(request), request.params.id, request.body, {
          requestId: request.id,
        }),
    );

    app.post(
      '/api/v1/referrals/:id/disclose',
      {
        config: {
          policy: moveReferrals,
          rateLimit: codeGuessRateLimit(
            options.codeRateLimitPerMinute ?? DISCLOSURE_RATE_LIMIT_PER_MINUTE,
            'disclosure',
          ),
        },
        schema: {
          tags,
          summary: 'The person showed their one-time code at the service: lift the pseudonym (receiver only)',
          description: 'A wrong code is 400 `CODE_INVALID`. Rate limited; every attempt is audited.',
          params: ZId,
          body: ZDisclosure,
          response: { 200: ZReferralView, ...errors },
        },
      },
      async (request) =>
        discloseIdentity(deps, actorOf(request), request.params.id, request.body.code, {
          requestId: request.id,
        }),
    );

    app.get(
      '/api/v1/services/:id/capacity',
      {
        config: { policy: readCapacityPolicy },
        schema: {
          tags,
          summary: 'Whether a service takes referrals now, its places a week and waiting time',
          params: ZServiceIdParams,
          response: { 200: ZCapacity, ...errors },
        },
      },
      async (request) => readCapacity(deps, request.params.id),
    );

    app.put(
      '/api/v1/services/:id/capacity',
      {
        config: { policy: manageCapacity },
        schema: {
          tags,
          summary: 'Say whether your service takes referrals now, and how many and how soon',
          description: 'Only the organisation that receives the service’s referrals; anyone else gets 404.',
          params: ZServiceIdParams,
          body: ZCapacityUpdate,
          response: { 200: ZCapacity, ...errors },
        },
      },
      async (request) =>
        setCapacity(deps, actorOf(request), request.params.id, request.body, { requestId: request.id }),
    );
  };
}
