import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Clock } from '../../clock.ts';
import type { Tx } from '../../db/driver.ts';
import { writeTogether } from '../../db/together.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { StaffActor } from '../../http/policy.ts';
import { type AuditEntry, auditRowInsert, nextAuditRow, recordAudit } from '../audit/index.ts';
import { type ConsentRow, checkConsentForReferral, findConsent } from '../consent/index.ts';
import { emailsInsert } from '../notify/index.ts';
import {
  auditActorOf,
  formatArrivalCode,
  newArrivalCode,
  type PeopleDeps,
  type PersonRow,
  parseArrivalCode,
  personNeeds,
  type RequestContext,
  refuse,
  vaultOf,
} from '../people/index.ts';
import { checkTransition, isClosed, type ReferralState } from './referrals.machine.ts';
import { handlerEmails, notifyOrganisation, type ReferralCheckDeps } from './referrals.notify.ts';
import * as repo from './referrals.repo.ts';
import type { TReferralCreate, TReferralStatus, TReferralView } from './referrals.schema.ts';
import { findPerson, receiverMaySee, referralView, type Side, sealReason } from './referrals.view.ts';

export interface ReferralDeps extends PeopleDeps, ReferralCheckDeps {}

export const DAY_MS = 86_400_000;

/** A refusal of access to an object: audited and answered as a missing one (after the transaction rolled back). */
class Denied extends Error {
  constructor(
    readonly objectType: 'person' | 'referral',
    readonly objectId: string,
  ) {
    super('denied');
  }
}

/**
 * Runs a use case; what it refuses changes nothing (its transaction rolled back) and leaves an audit row: an
 * access refusal as `<type>.access_denied` and a 404, a rule's refusal as `<action>.<code>` with its code.
 */
async function refusalsAudited<T>(
  deps: ReferralDeps,
  actor: StaffActor,
  refused: { action: string; objectType: string; objectId: string },
  ctx: RequestContext,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Denied) return refuse(deps, actor, error.objectType, error.objectId, ctx);
    if (error instanceof AppError && error.status < 500) {
      await deps.db.transaction((tx) =>
        recordAudit(tx, {
          at: deps.clock.now(),
          actor: auditActorOf(actor),
          action: `${refused.action}.${error.code.toLowerCase()}`,
          objectType: refused.objectType,
          objectId: refused.objectId,
          purpose: 'referral',
          ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
        }),
      );
    }
    throw error;
  }
}

function auditEntry(
  deps: { clock: Clock },
  actor: StaffActor | null,
  action: string,
  referralId: string,
  ctx: RequestContext,
): AuditEntry {
  return {
    at: deps.clock.now(),
    actor: actor ? auditActorOf(actor) : null,
    action,
    objectType: 'referral',
    objectId: referralId,
    purpose: 'referral',
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  };
}

async function audit(
  tx: Tx,
  deps: { clock: Clock },
  actor: StaffActor | null,
  action: string,
  referralId: string,
  ctx: RequestContext,
): Promise<void> {
  await recordAudit(tx, auditEntry(deps, actor, action, referralId, ctx));
}

/** A move of the machine, written down: the new state, its event (with the sealed reason) and its times. */
async function recordMove(
  tx: Tx,
  deps: { clock: Clock; keyring: PeopleDeps['keyring'] },
  referral: repo.ReferralRow,
  person: PersonRow | undefined,
  to: ReferralState,
  by: { actor: StaffActor | null; reason?: string | undefined },
): Promise<repo.ReferralRow> {
  const now = deps.clock.now();
  const eventId = randomUUID();
  const vault = by.reason && person ? vaultOf(deps.keyring, person) : undefined;
  await repo.eventInsert(tx, {
    id: eventId,
    referralId: referral.id,
    at: now,
    actorUserId: by.actor?.userId ?? null,
    actorOrganisationId: by.actor?.organisationId ?? null,
    fromState: referral.state,
    toState: to,
    reason: vault && by.reason ? sealReason(vault, eventId, by.reason) : null,
  });
  const changes: Partial<repo.ReferralRow> = {
    state: to,
    updatedAt: now,
    ...(to === 'sent' ? { sentAt: now } : {}),
    ...(to === 'received' ? { receivedAt: now } : {}),
    ...(isClosed(to) ? { closedAt: now, disclosureIndex: null } : {}),
    ...(vault && by.reason ? { reason: sealReason(vault, referral.id, by.reason) } : {}),
  };
  await repo.updateReferral(tx, referral.id, changes);
  return { ...referral, ...changes };
}

/** The need a sent referral answers is marked `referred` for the organisation that recorded it. */
function needReferred(tx: Tx, needId: string, at: Date) {
  return tx
    .update(personNeeds)
    .set({ progress: 'referred', updatedAt: at })
    .where(eq(personNeeds.id, needId));
}

/** The consent purposes that allow sending a referral. */
const REFERRAL_PURPOSES: ReadonlySet<string> = new Set(['referral', 'case_coordination']);

/**
 * What must hold to send a referral (at creation, or when a draft is sent): the consent it relies on is the
 * person's, names the receiver, is for referrals and in force; and the service takes referrals now (`accepting`
 * undefined: the receiver has not said, which means yes).
 */
function checkSendable(
  now: Date,
  referral: { personId: string; receiverOrganisationId: string; consentId: string | null },
  consent: repo.ReferralContext['consent'],
  accepting: boolean | undefined,
): void {
  if (referral.consentId) {
    checkConsentForReferral(consent, referral.personId, referral.receiverOrganisationId, now);
    // Firewall rule 5: consent is per purpose. A referral, or coordinating the person's case between
    // organisations (which is what a referral does), allows one; one given for follow-up does not.
    if (!consent || !REFERRAL_PURPOSES.has(consent.purpose)) throw new AppError('CONSENT_OTHER_PURPOSE', 409);
  }
  if (accepting === false) throw new AppError('SERVICE_NOT_ACCEPTING', 409);
}

/**
 * `POST /api/v1/referrals`: refers a person of the caller's organisation to a service of the directory. It goes
 * to the Arrival organisation linked to the service's HSDS organization, whose staff are emailed a link (and
 * nothing about the person). A pseudonymous referral returns the one-time code the person will show there.
 *
 * Two statements in one transaction, because this is the helpdesk's busiest write (see bench/people.ts): one
 * read of everything checked that also locks the person and the audit chain (`findReferralContext`), and one
 * that writes the referral, its first event, the need's progress, the emails and the audit row together.
 */
export async function createReferral(
  deps: ReferralDeps,
  actor: StaffActor,
  input: TReferralCreate,
  ctx: RequestContext,
): Promise<{ id: string; state: ReferralState; disclosureCode?: string }> {
  const refused = { action: 'referral.create_refused', objectType: 'person', objectId: input.personId };
  const created = await refusalsAudited(deps, actor, refused, ctx, () =>
    deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const found = await repo.findReferralContext(tx, input);
      if (found.organisationId !== actor.organisationId) throw new Denied('person', input.personId);
      if (input.needId && !found.needFound) throw notFound();
      const { serviceId, receiverId } = found;
      if (!serviceId) throw notFound();
      if (!receiverId) throw new AppError('SERVICE_NOT_REFERRABLE', 409);
      if (receiverId === actor.organisationId) throw new AppError('SERVICE_OWN_ORGANISATION', 409);
      if (!input.pseudonymous && !input.consentId) throw new AppError('CONSENT_REQUIRED', 400);
      const consentId = input.consentId ?? null;
      const referral = { personId: input.personId, receiverOrganisationId: receiverId, consentId };
      checkSendable(now, referral, found.consent, found.accepting);

      const state: ReferralState = input.draft ? 'draft' : 'sent';
      const id = randomUUID();
      const code = input.pseudonymous ? newArrivalCode() : undefined;
      const sent = state === 'sent';
      const emails = sent ? found.handlers : [];
      const auditRow = nextAuditRow(auditEntry(deps, actor, 'referral.created', id, ctx), found.auditHead);
      await writeTogether(tx, [
        repo.referralInsert(tx, {
          ...referral,
          id,
          needId: input.needId ?? null,
          serviceId,
          senderOrganisationId: actor.organisationId,
          pseudonymous: input.pseudonymous,
          state,
          disclosureIndex: code ? deps.keyring.blindIndex('disclosure-code', code) : null,
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
          sentAt: sent ? now : null,
        }),
        repo.eventInsert(tx, {
          id: randomUUID(),
          referralId: id,
          at: now,
          actorUserId: actor.userId,
          actorOrganisationId: actor.organisationId,
          fromState: null,
          toState: state,
        }),
        sent && input.needId ? needReferred(tx, input.needId, now) : undefined,
        emails.length
          ? emailsInsert(tx, now, handlerEmails(deps, emails, 'referral_received', id))
          : undefined,
        auditRowInsert(tx, auditRow),
      ]);
      return { id, state, ...(code ? { disclosureCode: formatArrivalCode(code) } : {}) };
    }),
  );
  if (created.state === 'sent') deps.outbox?.kick();
  return created;
}

interface Opened {
  referral: repo.ReferralRow;
  person: PersonRow;
  side: Side;
  consent: ConsentRow | undefined;
}

/**
 * A referral the caller's organisation takes part in, locked, with its person and the caller's side; anything
 * else — another organisation's, a draft for the receiver, one whose consent ended — is refused as missing.
 * The receiver's first look moves a sent referral to received (the machine gives that move to the receiver).
 */
async function openReferral(tx: Tx, deps: ReferralDeps, actor: StaffActor, id: string, ctx: RequestContext) {
  const referral = await repo.findReferralForUpdate(tx, id);
  if (!referral) throw new Denied('referral', id);
  const person = await findPerson(tx, referral.personId);
  if (!person) throw new Denied('referral', id);
  const consent = referral.consentId ? await findConsent(tx, referral.consentId) : undefined;
  const now = deps.clock.now();
  let side: Side;
  if (referral.senderOrganisationId === actor.organisationId) side = 'sender';
  else if (referral.receiverOrganisationId === actor.organisationId && receiverMaySee(referral, consent, now))
    side = 'receiver';
  else throw new Denied('referral', id);
  let opened: Opened = { referral, person, side, consent };
  if (side === 'receiver' && referral.state === 'sent') {
    opened = { ...opened, referral: await recordMove(tx, deps, referral, person, 'received', { actor }) };
    await audit(tx, deps, actor, 'referral.received', id, ctx);
  }
  return opened;
}

async function viewAudited(
  tx: Tx,
  deps: ReferralDeps,
  actor: StaffActor,
  opened: Opened,
  ctx: RequestContext,
) {
  await audit(tx, deps, actor, 'referral.read', opened.referral.id, ctx);
  return referralView(tx, deps.keyring, opened.referral, opened.person, opened.side, opened.consent);
}

/** `GET /api/v1/referrals/{id}`: the referral as the caller's side sees it; the read is audited. */
export async function readReferral(
  deps: ReferralDeps,
  actor: StaffActor,
  id: string,
  ctx: RequestContext,
): Promise<TReferralView> {
  const refused = { action: 'referral.read_refused', objectType: 'referral', objectId: id };
  return refusalsAudited(deps, actor, refused, ctx, () =>
    deps.db.transaction(async (tx) =>
      viewAudited(tx, deps, actor, await openReferral(tx, deps, actor, id, ctx), ctx),
    ),
  );
}

const TRANSITION_STATUS = { INVALID_TRANSITION: 409, NOT_YOUR_MOVE: 409, REASON_REQUIRED: 400 } as const;

/**
 * `POST /api/v1/referrals/{id}/status`: one side moves the referral along the machine. The other side is
 * emailed a link when the move is news to it: a draft sent, an answer or a result from the receiver, a
 * cancellation by the sender.
 */
export async function changeReferralStatus(
  deps: ReferralDeps,
  actor: StaffActor,
  id: string,
  input: TReferralStatus,
  ctx: RequestContext,
): Promise<TReferralView> {
  const refused = { action: 'referral.move_refused', objectType: 'referral', objectId: id };
  const view = await refusalsAudited(deps, actor, refused, ctx, () =>
    deps.db.transaction(async (tx) => {
      const opened = await openReferral(tx, deps, actor, id, ctx);
      const { referral, side, person } = opened;
      // Asking for `received` on a referral the receiver just opened is no error: it is there.
      if (!(side === 'receiver' && input.status === 'received' && referral.state === 'received')) {
        const refusal = checkTransition(referral.state, input.status, side, input.reason);
        if (refusal) throw new AppError(refusal, TRANSITION_STATUS[refusal]);
        if (input.status === 'sent') {
          const consent = referral.consentId ? await findConsent(tx, referral.consentId) : undefined;
          const capacity = await repo.findCapacity(tx, referral.serviceId);
          checkSendable(deps.clock.now(), referral, consent, capacity?.accepting);
        }
        opened.referral = await recordMove(tx, deps, referral, person, input.status, {
          actor,
          reason: input.reason,
        });
        await audit(tx, deps, actor, `referral.${input.status}`, id, ctx);
        if (input.status === 'sent') {
          if (referral.needId) await needReferred(tx, referral.needId, deps.clock.now());
          await notifyOrganisation(tx, deps, referral.receiverOrganisationId, 'referral_received', id);
        } else if (input.status !== 'received') {
          // The receiver hears of the sender's move only if it may see the referral (never of a cancelled draft,
          // nor once the consent ended): the link would lead nowhere.
          const tell =
            side === 'receiver'
              ? referral.senderOrganisationId
              : receiverMaySee(referral, opened.consent, deps.clock.now())
                ? referral.receiverOrganisationId
                : undefined;
          if (tell) await notifyOrganisation(tx, deps, tell, 'referral_updated', id);
        }
      }
      return viewAudited(tx, deps, actor, opened, ctx);
    }),
  );
  deps.outbox?.kick();
  return view;
}

/**
 * `POST /api/v1/referrals/{id}/disclose`: the person shows their one-time code at the service, which lifts the
 * pseudonym for the receiver. The code works once, while the referral is open; every attempt is audited.
 */
export async function discloseIdentity(
  deps: ReferralDeps,
  actor: StaffActor,
  id: string,
  code: string,
  ctx: RequestContext,
): Promise<TReferralView> {
  const refused = { action: 'referral.disclosure_refused', objectType: 'referral', objectId: id };
  return refusalsAudited(deps, actor, refused, ctx, () =>
    deps.db.transaction(async (tx) => {
      const opened = await openReferral(tx, deps, actor, id, ctx);
      const { referral } = opened;
      if (opened.side !== 'receiver') throw new AppError('NOT_YOUR_MOVE', 409);
      const canonical = parseArrivalCode(code);
      const presented = canonical ? deps.keyring.blindIndex('disclosure-code', canonical) : undefined;
      // Closing a referral forgets its code, and a code works once: both leave no index to match.
      if (!referral.disclosureIndex || presented !== referral.disclosureIndex)
        throw new AppError('CODE_INVALID', 400);
      const now = deps.clock.now();
      const changes = { identityDisclosedAt: now, disclosureIndex: null, updatedAt: now };
      await repo.updateReferral(tx, referral.id, changes);
      opened.referral = { ...referral, ...changes };
      await audit(tx, deps, actor, 'referral.identity_disclosed', id, ctx);
      return viewAudited(tx, deps, actor, opened, ctx);
    }),
  );
}
