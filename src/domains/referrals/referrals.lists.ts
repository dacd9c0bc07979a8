import { AppError } from '../../http/errors.ts';
import type { StaffActor } from '../../http/policy.ts';
import * as repo from './referrals.repo.ts';
import type { TReferralList, TReferralListQuery, TReferralSummary } from './referrals.schema.ts';
import { DAY_MS, type ReferralDeps } from './referrals.service.ts';

/** The organisation's boxes and dashboard: states, services, organisations and dates, nothing personal. */

const PER_PAGE = 25;

/** `GET /api/v1/referrals`: the caller's organisation's sent or received referrals, newest first. */
export async function listReferrals(
  deps: ReferralDeps,
  actor: StaffActor,
  query: TReferralListQuery,
): Promise<TReferralList> {
  const now = deps.clock.now();
  const overdueBefore = new Date(now.getTime() - deps.referralAckDays * DAY_MS);
  const { total, rows } = await repo.listReferrals(
    deps.db,
    { box: query.box, organisationId: actor.organisationId, state: query.state },
    now,
    { limit: PER_PAGE, offset: (query.page - 1) * PER_PAGE },
  );
  const totalPages = Math.max(1, Math.ceil(total / PER_PAGE));
  if (total > 0 && query.page > totalPages) throw new AppError('VALIDATION_FAILED', 400);
  return {
    items: rows.map(({ referral: r, serviceName, senderName, receiverName }) => ({
      id: r.id,
      state: r.state,
      pseudonymous: r.pseudonymous,
      service: { id: r.serviceId, name: serviceName ?? '' },
      sender: { id: r.senderOrganisationId, name: senderName },
      receiver: { id: r.receiverOrganisationId, name: receiverName },
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      ...(r.sentAt ? { sentAt: r.sentAt.toISOString() } : {}),
      overdue:
        (r.state === 'sent' || r.state === 'received') && r.sentAt !== null && r.sentAt < overdueBefore,
    })),
    page: query.page,
    perPage: PER_PAGE,
    totalItems: total,
    totalPages,
  };
}

/** `GET /api/v1/referrals/summary`: the organisation's dashboard counts. */
export async function summariseReferrals(deps: ReferralDeps, actor: StaffActor): Promise<TReferralSummary> {
  const now = deps.clock.now();
  const overdueBefore = new Date(now.getTime() - deps.referralAckDays * DAY_MS);
  return {
    sent: await repo.countReferrals(deps.db, 'sent', actor.organisationId, now, overdueBefore),
    received: await repo.countReferrals(deps.db, 'received', actor.organisationId, now, overdueBefore),
  };
}
