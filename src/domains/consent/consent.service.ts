import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../../clock.ts';
import type { Executor, Tx } from '../../db/driver.ts';
import { AppError } from '../../http/errors.ts';
import type { StaffActor } from '../../http/policy.ts';
import { organisations } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import {
  auditActorOf,
  formatArrivalCode,
  type Keyring,
  messageLocale,
  newArrivalCode,
  type PeopleDeps,
  parseArrivalCode,
  people,
  queuePersonEmail,
  type RequestContext,
  refuse,
  type ShareableField,
  vaultOf,
} from '../people/index.ts';
import { type ConsentPurpose, consents } from './consent.schema.ts';

export type ConsentDeps = Pick<PeopleDeps, 'db' | 'clock' | 'keyring' | 'messages'>;

export type ConsentRow = typeof consents.$inferSelect;
export type ConsentState = 'active' | 'expired' | 'revoked';

/** A consent may last at most this long; a longer one must be asked again. */
export const MAX_CONSENT_DAYS = 730;
const DAY_MS = 86_400_000;

export function consentState(consent: Pick<ConsentRow, 'revokedAt' | 'expiresAt'>, now: Date): ConsentState {
  if (consent.revokedAt) return 'revoked';
  return consent.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export interface ConsentInput {
  recipientOrganisationId: string;
  fields: ShareableField[];
  purpose: ConsentPurpose;
  expiresAt: Date;
  /** How it was explained: the language used and whether an interpreter helped. */
  explainedIn?: string | undefined;
  interpreter?: boolean | undefined;
  /** Also email the receipt to the person's address on file. */
  sendReceipt?: boolean | undefined;
}

/**
 * Records a person's consent (firewall rule 5), attested by the member of staff who asked for it, and returns
 * the receipt code the person takes away (printed on the slip; only its keyed HMAC is stored).
 */
export async function createConsent(
  deps: ConsentDeps,
  actor: StaffActor,
  personId: string,
  input: ConsentInput,
  ctx: RequestContext,
): Promise<{ id: string; receiptCode: string; expiresAt: Date }> {
  const now = deps.clock.now();
  if (input.expiresAt.getTime() <= now.getTime()) throw new AppError('CONSENT_EXPIRY_PAST', 400);
  if (input.expiresAt.getTime() > now.getTime() + MAX_CONSENT_DAYS * DAY_MS)
    throw new AppError('CONSENT_EXPIRY_TOO_LATE', 400);
  const result = await deps.db.transaction(async (tx) => {
    const [person] = await tx.select().from(people).where(eq(people.id, personId)).for('update');
    if (!person || person.organisationId !== actor.organisationId) return undefined;
    const [recipient] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.id, input.recipientOrganisationId));
    if (!recipient) throw new AppError('UNKNOWN_ORGANISATION', 400);
    const id = randomUUID();
    // A receipt code no consent holds yet (40 random bits: a repeat is rare, but the unique index would refuse it).
    let code = newArrivalCode();
    while (await findConsentByReceipt(tx, deps.keyring, code)) code = newArrivalCode();
    const vault = vaultOf(deps.keyring, person);
    await tx.insert(consents).values({
      id,
      personId,
      organisationId: actor.organisationId,
      recipientOrganisationId: input.recipientOrganisationId,
      purpose: input.purpose,
      fields: [...new Set(input.fields)],
      expiresAt: input.expiresAt,
      attestedBy: actor.userId,
      attested: true,
      explanation: vault.seal(`consent:${id}`, {
        language: input.explainedIn ?? null,
        interpreter: input.interpreter ?? false,
      }),
      receiptIndex: deps.keyring.blindIndex('receipt-code', code),
      createdAt: now,
    });
    await consentAudit(tx, deps, actor, 'consent.created', id, input.purpose, ctx);
    const email = input.sendReceipt && person.email ? vault.open<string>('email', person.email) : undefined;
    if (email && deps.messages) {
      const languages = person.languages ? vault.open<string[]>('languages', person.languages) : [];
      const locale = messageLocale(
        input.explainedIn ? [input.explainedIn, ...languages] : languages,
        deps.messages.locales,
        deps.messages.defaultLocale,
      );
      const [named] = await tx
        .select({ name: organisations.name })
        .from(organisations)
        .where(eq(organisations.id, input.recipientOrganisationId));
      await queuePersonEmail(tx, deps, vault, personId, {
        to: email,
        template: 'consent_receipt',
        locale,
        params: {
          code: formatArrivalCode(code),
          organisation: named?.name ?? '',
          until: input.expiresAt.toISOString().slice(0, 10),
          url: `${deps.messages.publicBaseUrl}/${locale}/my-data`,
        },
      });
    }
    return { id, receiptCode: formatArrivalCode(code), expiresAt: input.expiresAt, queued: Boolean(email) };
  });
  if (!result) return refuse(deps, actor, 'person', personId, ctx);
  if (result.queued) deps.messages?.kick();
  return { id: result.id, receiptCode: result.receiptCode, expiresAt: result.expiresAt };
}

async function consentAudit(
  tx: Tx,
  deps: { clock: Clock },
  actor: StaffActor | null,
  action: string,
  consentId: string,
  purpose: string,
  ctx: RequestContext,
) {
  await recordAudit(tx, {
    at: deps.clock.now(),
    actor: actor ? auditActorOf(actor) : null,
    action,
    objectType: 'consent',
    objectId: consentId,
    purpose,
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
}

async function revokeRow(
  tx: Tx,
  deps: { clock: Clock },
  consent: ConsentRow,
  via: 'person' | 'staff',
  actor: StaffActor | null,
  ctx: RequestContext,
): Promise<Date> {
  if (consent.revokedAt) return consent.revokedAt;
  const at = deps.clock.now();
  await tx.update(consents).set({ revokedAt: at, revokedVia: via }).where(eq(consents.id, consent.id));
  await consentAudit(tx, deps, actor, 'consent.revoked', consent.id, consent.purpose, ctx);
  return at;
}

/** Staff of the recording organisation revoke a consent (the person asked them to): access ends at once. */
export async function revokeConsentByStaff(
  deps: ConsentDeps,
  actor: StaffActor,
  consentId: string,
  ctx: RequestContext,
): Promise<{ id: string; revokedAt: Date }> {
  const result = await deps.db.transaction(async (tx) => {
    const [consent] = await tx
      .select()
      .from(consents)
      .where(and(eq(consents.id, consentId), eq(consents.organisationId, actor.organisationId)))
      .for('update');
    if (!consent) return undefined;
    return { id: consent.id, revokedAt: await revokeRow(tx, deps, consent, 'staff', actor, ctx) };
  });
  return result ?? refuse(deps, actor, 'consent', consentId, ctx);
}

/** The consent a receipt code names, if the code is well-formed and known. */
export async function findConsentByReceipt(
  db: Executor,
  keyring: Keyring,
  receiptCode: string,
): Promise<ConsentRow | undefined> {
  const code = parseArrivalCode(receiptCode);
  if (!code) return undefined;
  const [consent] = await db
    .select()
    .from(consents)
    .where(eq(consents.receiptIndex, keyring.blindIndex('receipt-code', code)));
  return consent;
}

/** The person revokes with their receipt code (public, rate limited; an unknown code is 404 like any other). */
export async function revokeConsentByPerson(
  deps: ConsentDeps,
  consent: ConsentRow,
  tx: Tx,
  ctx: RequestContext,
): Promise<Date> {
  return revokeRow(tx, deps, consent, 'person', null, ctx);
}

export async function listConsentsOfPerson(db: Executor, personId: string): Promise<ConsentRow[]> {
  return db.select().from(consents).where(eq(consents.personId, personId)).orderBy(consents.createdAt);
}

/**
 * The consent a referral relies on, checked: it belongs to the person, names the receiving organisation, and
 * is in force. A refusal says which rule failed (stable codes, 409: the consent exists but does not allow it).
 */
export function checkConsentForReferral(
  consent: Pick<ConsentRow, 'personId' | 'recipientOrganisationId' | 'revokedAt' | 'expiresAt'> | undefined,
  personId: string,
  receiverOrganisationId: string,
  now: Date,
): void {
  if (!consent || consent.personId !== personId) throw new AppError('CONSENT_NOT_FOUND', 404);
  if (consent.recipientOrganisationId !== receiverOrganisationId)
    throw new AppError('CONSENT_OTHER_RECIPIENT', 409);
  const state = consentState(consent, now);
  if (state === 'revoked') throw new AppError('CONSENT_REVOKED', 409);
  if (state === 'expired') throw new AppError('CONSENT_EXPIRED', 409);
}

export async function findConsent(db: Executor, id: string): Promise<ConsentRow | undefined> {
  const [consent] = await db.select().from(consents).where(eq(consents.id, id));
  return consent;
}
