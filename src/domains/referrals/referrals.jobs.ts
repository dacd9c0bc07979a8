import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/index.ts';
import { awaitsReceiver } from './referrals.machine.ts';
import { notifyOrganisation, type ReferralCheckDeps } from './referrals.notify.ts';
import * as repo from './referrals.repo.ts';
import { DAY_MS } from './referrals.service.ts';

export interface ReferralCheckReport {
  escalated: number;
  expired: number;
}

const BATCH = 200;

/**
 * The daily checks of referrals waiting for their receiver (the schedule runs it next to retention):
 * - waiting longer than `referralExpiryDays`: the system expires it (event, audit, the sender is told);
 * - waiting longer than `referralAckDays` and not escalated yet: the sender's staff are emailed a link.
 * Each referral is handled in its own transaction, re-checked under a lock, so running it twice (or on two
 * nodes at once) changes nothing more.
 */
export async function runReferralChecks(deps: ReferralCheckDeps): Promise<ReferralCheckReport> {
  const now = deps.clock.now();
  const report: ReferralCheckReport = { escalated: 0, expired: 0 };
  const expiredBefore = new Date(now.getTime() - deps.referralExpiryDays * DAY_MS);
  const ackBefore = new Date(now.getTime() - deps.referralAckDays * DAY_MS);

  for (let seen = new Set<string>(); ; ) {
    const batch = (
      await repo.awaitingSince(deps.db, expiredBefore, { notEscalated: false, limit: BATCH })
    ).filter((id) => !seen.has(id));
    if (batch.length === 0) break;
    seen = new Set([...seen, ...batch]);
    for (const id of batch) {
      const done = await deps.db.transaction(async (tx) => {
        const referral = await repo.findReferralForUpdate(tx, id);
        if (!referral?.sentAt || !awaitsReceiver(referral.state) || referral.sentAt >= expiredBefore)
          return false;
        const at = deps.clock.now();
        await repo.eventInsert(tx, {
          id: randomUUID(),
          referralId: id,
          at,
          fromState: referral.state,
          toState: 'expired',
        });
        await repo.updateReferral(tx, id, {
          state: 'expired',
          updatedAt: at,
          closedAt: at,
          disclosureIndex: null,
        });
        await recordAudit(tx, {
          at,
          actor: null,
          action: 'referral.expired',
          objectType: 'referral',
          objectId: id,
          purpose: 'referral',
        });
        await notifyOrganisation(tx, deps, referral.senderOrganisationId, 'referral_updated', id);
        return true;
      });
      if (done) report.expired++;
    }
  }

  for (let seen = new Set<string>(); ; ) {
    const batch = (await repo.awaitingSince(deps.db, ackBefore, { notEscalated: true, limit: BATCH })).filter(
      (id) => !seen.has(id),
    );
    if (batch.length === 0) break;
    seen = new Set([...seen, ...batch]);
    for (const id of batch) {
      const done = await deps.db.transaction(async (tx) => {
        const referral = await repo.findReferralForUpdate(tx, id);
        if (
          !referral?.sentAt ||
          !awaitsReceiver(referral.state) ||
          referral.escalatedAt ||
          referral.sentAt >= ackBefore
        )
          return false;
        const at = deps.clock.now();
        await repo.updateReferral(tx, id, { escalatedAt: at });
        await recordAudit(tx, {
          at,
          actor: null,
          action: 'referral.escalated',
          objectType: 'referral',
          objectId: id,
          purpose: 'referral',
        });
        await notifyOrganisation(tx, deps, referral.senderOrganisationId, 'referral_escalated', id, {
          days: deps.referralAckDays,
        });
        return true;
      });
      if (done) report.escalated++;
    }
  }
  if (report.escalated + report.expired > 0) deps.outbox?.kick();
  return report;
}
