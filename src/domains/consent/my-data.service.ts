import { asc, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/driver.ts';
import { notFound } from '../../http/errors.ts';
import { organisations } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { hsdsService } from '../directory/index.ts';
import {
  erasureRequests,
  type PeopleDeps,
  type PersonRow,
  parseArrivalCode,
  people,
  type RequestContext,
  requestErasure,
} from '../people/index.ts';
import { referrals } from '../referrals/referrals.schema.ts';
import { type ConsentPurpose, consents } from './consent.schema.ts';
import {
  type ConsentRow,
  consentState,
  findConsentByReceipt,
  revokeConsentByPerson,
} from './consent.service.ts';

/**
 * What a person sees on /{lang}/my-data with the Arrival code or a consent receipt code they hold: the
 * consents they gave and the referrals made for them — never the fields themselves (a lost slip must not
 * give away what they told us).
 */
export interface MyData {
  consents: {
    id: string;
    recipient: string;
    purpose: ConsentPurpose;
    fields: string[];
    createdAt: string;
    expiresAt: string;
    state: 'active' | 'expired' | 'revoked';
    revokedAt?: string;
  }[];
  referrals: {
    id: string;
    service: string;
    organisation: string;
    state: string;
    createdAt: string;
    updatedAt: string;
  }[];
  erasureDueAt?: string;
}

/** The person a code names (their Arrival code, or a consent receipt), or nothing. */
async function personOfCode(tx: Tx, deps: PeopleDeps, code: string): Promise<PersonRow | undefined> {
  const canonical = parseArrivalCode(code);
  if (!canonical) return undefined;
  const [byCode] = await tx
    .select()
    .from(people)
    .where(eq(people.codeIndex, deps.keyring.blindIndex('person-code', canonical)));
  if (byCode) return byCode;
  const consent = await findConsentByReceipt(tx, deps.keyring, canonical);
  if (!consent) return undefined;
  const [owner] = await tx.select().from(people).where(eq(people.id, consent.personId));
  return owner;
}

async function myDataOfPerson(db: Executor, person: PersonRow, now: Date): Promise<MyData> {
  const given = await db
    .select({ consent: consents, recipient: organisations.name })
    .from(consents)
    .innerJoin(organisations, eq(organisations.id, consents.recipientOrganisationId))
    .where(eq(consents.personId, person.id))
    .orderBy(asc(consents.createdAt));
  const made = await db
    .select({
      id: referrals.id,
      state: referrals.state,
      createdAt: referrals.createdAt,
      updatedAt: referrals.updatedAt,
      organisation: organisations.name,
      service: hsdsService.name,
    })
    .from(referrals)
    .innerJoin(organisations, eq(organisations.id, referrals.receiverOrganisationId))
    .leftJoin(hsdsService, eq(hsdsService.id, referrals.serviceId))
    .where(eq(referrals.personId, person.id))
    .orderBy(asc(referrals.createdAt));
  const [erasure] = await db
    .select({ dueAt: erasureRequests.dueAt })
    .from(erasureRequests)
    .where(eq(erasureRequests.personId, person.id));
  const dueAt = erasure?.dueAt;
  return {
    consents: given.map(({ consent, recipient }) => consentView(consent, recipient, now)),
    referrals: made.map((r) => ({
      id: r.id,
      service: r.service ?? '',
      organisation: r.organisation,
      state: r.state,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    ...(dueAt ? { erasureDueAt: dueAt.toISOString() } : {}),
  };
}

function consentView(consent: ConsentRow, recipient: string, now: Date): MyData['consents'][number] {
  return {
    id: consent.id,
    recipient,
    purpose: consent.purpose,
    fields: consent.fields,
    createdAt: consent.createdAt.toISOString(),
    expiresAt: consent.expiresAt.toISOString(),
    state: consentState(consent, now),
    ...(consent.revokedAt ? { revokedAt: consent.revokedAt.toISOString() } : {}),
  };
}

async function auditPublic(tx: Tx, deps: PeopleDeps, action: string, personId: string, ctx: RequestContext) {
  await recordAudit(tx, {
    at: deps.clock.now(),
    actor: null,
    action,
    objectType: 'person',
    objectId: personId,
    purpose: 'my_data',
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
}

/** The person's view with their code (audited); an unknown code is 404 like a missing page. */
export async function myData(deps: PeopleDeps, code: string, ctx: RequestContext): Promise<MyData> {
  return deps.db.transaction(async (tx) => {
    const person = await personOfCode(tx, deps, code);
    if (!person) throw notFound();
    await auditPublic(tx, deps, 'my_data.viewed', person.id, ctx);
    return myDataOfPerson(tx, person, deps.clock.now());
  });
}

/**
 * Revokes a consent: with its receipt code, or with the person's Arrival code and the consent's id. The
 * recipient's access ends in the same transaction. Revoking twice changes nothing.
 */
export async function revokeMyConsent(
  deps: PeopleDeps,
  by: { receiptCode: string } | { code: string; consentId: string },
  ctx: RequestContext,
): Promise<{ id: string; revokedAt: string }> {
  return deps.db.transaction(async (tx) => {
    let consent: ConsentRow | undefined;
    if ('receiptCode' in by) {
      consent = await findConsentByReceipt(tx, deps.keyring, by.receiptCode);
    } else {
      const person = await personOfCode(tx, deps, by.code);
      const [found] = person ? await tx.select().from(consents).where(eq(consents.id, by.consentId)) : [];
      consent = found && person && found.personId === person.id ? found : undefined;
    }
    if (!consent) throw notFound();
    const revokedAt = await revokeConsentByPerson(deps, consent, tx, ctx);
    return { id: consent.id, revokedAt: revokedAt.toISOString() };
  });
}

/** The person asks to be erased; the city has `erasureDays` to confirm, then retention erases anyway. */
export async function requestMyErasure(
  deps: PeopleDeps,
  code: string,
  ctx: RequestContext,
): Promise<{ dueAt: string }> {
  return deps.db.transaction(async (tx) => {
    const person = await personOfCode(tx, deps, code);
    if (!person) throw notFound();
    const dueAt = await requestErasure(tx, deps, person.id, ctx);
    return { dueAt: dueAt.toISOString() };
  });
}
