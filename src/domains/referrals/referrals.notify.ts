import type { Clock } from '../../clock.ts';
import type { Db, Tx } from '../../db/driver.ts';
import { type EmailMessage, emailsInsert } from '../notify/index.ts';
import * as repo from './referrals.repo.ts';

/** What the daily checks need (`runReferralChecks`): no keys, only the clock, the database and the outbox. */
export interface ReferralCheckDeps {
  db: Db;
  clock: Clock;
  /** Links in notification emails point here (`/staff/referrals/{id}`). */
  publicBaseUrl: string;
  /** The language of notification emails. */
  locale: string;
  /** Waiting for the receiver longer than this escalates to the sender (config `referralAckDays`). */
  referralAckDays: number;
  /** Waiting for the receiver longer than this expires the referral (config `referralExpiryDays`). */
  referralExpiryDays: number;
  /** Asked to send soon after a commit that queued email; without it, the outbox's own timer sends them. */
  outbox?: { kick(): void } | undefined;
}

/** The staff page of a referral: what every notification links to (no personal data in any email). */
export const referralLink = (deps: { publicBaseUrl: string }, id: string) =>
  `${deps.publicBaseUrl}/staff/referrals/${id}`;

export type ReferralTemplate = 'referral_received' | 'referral_updated' | 'referral_escalated';

/** The emails about a referral to staff who handle referrals: a link, nothing about the person. */
export function handlerEmails(
  deps: Pick<ReferralCheckDeps, 'publicBaseUrl' | 'locale'>,
  recipients: string[],
  template: ReferralTemplate,
  referralId: string,
  params: Record<string, string | number> = {},
): EmailMessage[] {
  const link = referralLink(deps, referralId);
  return recipients.map((to) => ({ to, template, locale: deps.locale, params: { link, ...params } }));
}

/** Emails every active admin and caseworker of an organisation, in the transaction of the change. */
export async function notifyOrganisation(
  tx: Tx,
  deps: ReferralCheckDeps,
  organisationId: string,
  template: ReferralTemplate,
  referralId: string,
  params: Record<string, string | number> = {},
): Promise<number> {
  const recipients = await repo.referralHandlersOf(tx, organisationId);
  if (recipients.length)
    await emailsInsert(tx, deps.clock.now(), handlerEmails(deps, recipients, template, referralId, params));
  return recipients.length;
}
