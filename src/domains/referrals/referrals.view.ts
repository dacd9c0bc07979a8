import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/driver.ts';
import { type ConsentRow, consentState } from '../consent/index.ts';
import {
  type Keyring,
  type Need,
  type PersonRow,
  type PersonVault,
  people,
  personNeeds,
  type UrgencyFlag,
  vaultOf,
} from '../people/index.ts';
import { movesFor, type ReferralSide } from './referrals.machine.ts';
import * as repo from './referrals.repo.ts';
import type { TReferralView } from './referrals.schema.ts';

/**
 * Who sees what of a referral (firewall rules 2 and 5):
 * - the sender (the person's recording organisation) sees the person as their owner;
 * - the receiver always sees what the field registry gives a referral's receiver — needs, languages, urgency,
 *   interpreter — and, once the identity is shared (a named referral with consent, or a pseudonymous one after
 *   the person showed their code), the name and the fields of the consent in force.
 * Whether the receiver may see the referral at all is decided before (`receiverMaySee`).
 */

export type Side = Exclude<ReferralSide, 'system'>;

export async function findPerson(
  db: Executor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PersonRow | undefined> {
  const query = db.select().from(people).where(eq(people.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** The receiver sees a referral while it is sent, and its consent (if it has one) is in force. */
export function receiverMaySee(
  referral: repo.ReferralRow,
  consent: ConsentRow | undefined,
  now: Date,
): boolean {
  if (referral.state === 'draft') return false;
  if (referral.consentId) return consent !== undefined && consentState(consent, now) === 'active';
  // A named referral whose consent is gone (deleted by retention) shares nothing any more.
  return referral.pseudonymous;
}

const reasonField = (id: string) => `referral_reason:${id}`;

export function sealReason(vault: PersonVault, id: string, reason: string): string {
  return vault.seal(reasonField(id), reason);
}

function openReason(vault: PersonVault, id: string, sealed: string | null): string | undefined {
  return sealed === null ? undefined : vault.open<string>(reasonField(id), sealed);
}

async function needsOf(
  db: Executor,
  vault: PersonVault,
  personId: string,
  only?: string | null,
): Promise<Need[]> {
  const rows = await db
    .select()
    .from(personNeeds)
    .where(eq(personNeeds.personId, personId))
    .orderBy(asc(personNeeds.createdAt));
  return rows.filter((n) => !only || n.id === only).map((n) => vault.open<Need>(`need:${n.id}`, n.need));
}

async function personPart(
  db: Executor,
  vault: PersonVault,
  person: PersonRow,
  referral: repo.ReferralRow,
  side: Side,
  consent: ConsentRow | undefined,
): Promise<TReferralView['person']> {
  const opened = <T>(field: string, sealed: string | null): T | undefined =>
    sealed === null ? undefined : vault.open<T>(field, sealed);
  const identityDisclosed = !referral.pseudonymous || referral.identityDisclosedAt !== null;
  const shared = new Set<string>(side === 'receiver' && identityDisclosed && consent ? consent.fields : []);
  const owner = side === 'sender';
  const view: TReferralView['person'] = { identityDisclosed };
  const put = <K extends keyof TReferralView['person']>(
    key: K,
    value: TReferralView['person'][K] | undefined,
  ) => {
    if (value !== undefined) view[key] = value;
  };
  // The person showed their one-time code at the service: that shows who they are, by name.
  const disclosedInPerson = referral.pseudonymous && referral.identityDisclosedAt !== null;
  if (owner || shared.has('displayName') || (side === 'receiver' && disclosedInPerson))
    put('displayName', opened<string>('displayName', person.displayName));
  if (owner || shared.has('phone')) put('phone', opened<string>('phone', person.phone));
  if (owner || shared.has('email')) put('email', opened<string>('email', person.email));
  // What a referral's receiver sees even without the identity (fields.ts: audience `referral_receiver`).
  put('languages', opened<string[]>('languages', person.languages));
  put('urgency', opened<UrgencyFlag[]>('urgency', person.urgency));
  put('interpreterNeeded', opened<boolean>('interpreterNeeded', person.interpreterNeeded));
  // The receiver sees the need the referral is about; all of them only as owner or when consented.
  const allNeeds = owner || shared.has('needs') || !referral.needId;
  put('needs', await needsOf(db, vault, person.id, allNeeds ? null : referral.needId));
  return view;
}

/** The referral as `side` sees it; the caller has checked that it may, and audits the read. */
export async function referralView(
  db: Executor,
  keyring: Keyring,
  referral: repo.ReferralRow,
  person: PersonRow,
  side: Side,
  consent: ConsentRow | undefined,
): Promise<TReferralView> {
  const vault = vaultOf(keyring, person);
  const service = (await repo.findService(db, referral.serviceId)) ?? { id: referral.serviceId, name: '' };
  const events = await repo.listEvents(db, referral.id);
  const reason = openReason(vault, referral.id, referral.reason);
  return {
    id: referral.id,
    state: referral.state,
    side,
    pseudonymous: referral.pseudonymous,
    service: { id: service.id, name: service.name },
    sender: await repo.findOrganisation(db, referral.senderOrganisationId),
    receiver: await repo.findOrganisation(db, referral.receiverOrganisationId),
    createdAt: referral.createdAt.toISOString(),
    updatedAt: referral.updatedAt.toISOString(),
    ...(referral.sentAt ? { sentAt: referral.sentAt.toISOString() } : {}),
    ...(referral.escalatedAt ? { escalatedAt: referral.escalatedAt.toISOString() } : {}),
    ...(referral.closedAt ? { closedAt: referral.closedAt.toISOString() } : {}),
    ...(reason ? { reason } : {}),
    ...(consent
      ? { consent: { id: consent.id, fields: consent.fields, expiresAt: consent.expiresAt.toISOString() } }
      : {}),
    person: await personPart(db, vault, person, referral, side, consent),
    events: events.map(({ event, organisationName }) => {
      const why = openReason(vault, event.id, event.reason);
      return {
        at: event.at.toISOString(),
        ...(event.fromState ? { from: event.fromState } : {}),
        to: event.toState,
        ...(event.actorOrganisationId
          ? { organisation: { id: event.actorOrganisationId, name: organisationName ?? '' } }
          : {}),
        ...(why ? { reason: why } : {}),
      };
    }),
    moves: movesFor(referral.state, side),
  };
}
