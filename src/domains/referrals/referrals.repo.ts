import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { organisations } from '../accounts/index.ts';
import { consents } from '../consent/index.ts';
import { hsdsService } from '../directory/index.ts';
import { REFERRAL_STATES, type ReferralState } from './referrals.machine.ts';
import { referralEvents, referrals, serviceCapacity } from './referrals.schema.ts';

export type ReferralRow = typeof referrals.$inferSelect;
export type ReferralEventRow = typeof referralEvents.$inferSelect;
export type CapacityRow = typeof serviceCapacity.$inferSelect;

export interface ServiceRow {
  id: string;
  name: string;
  organizationId: string | null;
}

export async function findService(db: Executor, id: string): Promise<ServiceRow | undefined> {
  const [row] = await db
    .select({ id: hsdsService.id, name: hsdsService.name, organizationId: hsdsService.organizationId })
    .from(hsdsService)
    .where(eq(hsdsService.id, id));
  return row ? { ...row, name: row.name ?? '' } : undefined;
}

/**
 * The Arrival organisation that receives referrals to a service: the one linked to the service's HSDS
 * organization (the first one linked, should two claim the same HSDS organization). The rule is the SQL function
 * `referral_receiver_of` (migration `referral_context`), which `referral_context` uses too.
 */
export async function findReceiverOf(
  db: Executor,
  service: ServiceRow,
): Promise<{ id: string; name: string } | undefined> {
  if (!service.organizationId) return undefined;
  const [row] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, sql`referral_receiver_of(${service.organizationId})`));
  return row;
}

export async function findOrganisation(db: Executor, id: string): Promise<{ id: string; name: string }> {
  const [row] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, id));
  return row ?? { id, name: '' };
}

export async function findCapacity(db: Executor, serviceId: string): Promise<CapacityRow | undefined> {
  const [row] = await db.select().from(serviceCapacity).where(eq(serviceCapacity.serviceId, serviceId));
  return row;
}

export async function saveCapacity(db: Executor, row: typeof serviceCapacity.$inferInsert): Promise<void> {
  const { serviceId: _key, ...changes } = row;
  await db
    .insert(serviceCapacity)
    .values(row)
    .onConflictDoUpdate({ target: serviceCapacity.serviceId, set: changes });
}

/** The INSERT of a referral (not run: `writeTogether` writes it with the rows of its creation). */
export function referralInsert(db: Executor, row: typeof referrals.$inferInsert) {
  return db.insert(referrals).values(row);
}

export async function findReferral(db: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id));
  return row;
}

/** Locks the referral for the rest of the transaction: two moves never interleave. */
export async function findReferralForUpdate(db: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id)).for('update');
  return row;
}

export async function updateReferral(
  db: Executor,
  id: string,
  values: Partial<typeof referrals.$inferInsert>,
): Promise<void> {
  await db.update(referrals).set(values).where(eq(referrals.id, id));
}

/** The INSERT of an event: await it, or write it with others through `writeTogether`. */
export function eventInsert(db: Executor, row: typeof referralEvents.$inferInsert) {
  return db.insert(referralEvents).values(row);
}

export async function listEvents(db: Executor, referralId: string) {
  return (
    db
      .select({ event: referralEvents, organisationName: organisations.name })
      .from(referralEvents)
      .leftJoin(organisations, eq(organisations.id, referralEvents.actorOrganisationId))
      .where(eq(referralEvents.referralId, referralId))
      // Moves made in one transaction share a time; along every path of the machine the states come in the order
      // of REFERRAL_STATES, so that order breaks the tie.
      .orderBy(
        asc(referralEvents.at),
        asc(
          sql`array_position(array[${sql.join(
            REFERRAL_STATES.map((s) => sql`${s}`),
            sql`, `,
          )}]::text[], ${referralEvents.toState})`,
        ),
      )
  );
}

/**
 * Email addresses of the active staff of an organisation who handle referrals (admins and caseworkers): the SQL
 * function `referral_handler_emails` (migration `referral_context`), which `referral_context` uses too.
 */
export async function referralHandlersOf(db: Executor, organisationId: string): Promise<string[]> {
  const [row] = await queryRows<{ emails: string[] }>(
    db,
    sql`select referral_handler_emails(${organisationId}::uuid) as emails`,
  );
  return row?.emails ?? [];
}

/** What `createReferral` checks, and the head of the audit chain it appends to (see `findReferralContext`). */
export interface ReferralContext {
  /** The person's organisation; undefined when there is no such person (nothing else is read then). */
  organisationId: string | undefined;
  needFound: boolean;
  serviceId: string | undefined;
  /** The organisation that receives referrals to the service, if any. */
  receiverId: string | undefined;
  consent:
    | {
        personId: string;
        recipientOrganisationId: string;
        purpose: string;
        expiresAt: Date;
        revokedAt: Date | null;
      }
    | undefined;
  /** Whether the service takes referrals now; undefined when its organisation has not said (which means yes). */
  accepting: boolean | undefined;
  /** Whom to email about a new referral. */
  handlers: string[];
  auditHead: { seq: number; hash: string } | undefined;
}

interface ContextRow extends Record<string, unknown> {
  organisation_id: string | null;
  need_found: boolean | null;
  service_id: string | null;
  receiver_id: string | null;
  consent_person_id: string | null;
  consent_recipient_id: string | null;
  consent_purpose: string | null;
  consent_expires_at: string | Date | null;
  consent_revoked_at: string | Date | null;
  accepting: boolean | null;
  handlers: string[] | null;
  head_seq: string | number | null;
  head_hash: string | null;
}

const dateOf = (value: string | Date) => (value instanceof Date ? value : new Date(value));

/**
 * Everything `createReferral` checks, in one round trip (the SQL function `referral_context`, migration of the
 * same name): it locks the person's row first (an erasure of the person waits for the referral, or the referral
 * finds no person), reads the need, the service, its receiver, the consent, the service's capacity and whom to
 * email, and last locks the audit chain for the rest of the transaction and reads its head.
 */
export async function findReferralContext(
  tx: Executor,
  input: { personId: string; needId?: string | undefined; serviceId: string; consentId?: string | undefined },
): Promise<ReferralContext> {
  const [row] = await queryRows<ContextRow>(
    tx,
    sql`select * from referral_context(${input.personId}::uuid, ${input.needId ?? null}::uuid,
      ${input.serviceId}::text, ${input.consentId ?? null}::uuid)`,
  );
  if (!row) throw new Error('referral_context returned no row');
  return {
    organisationId: row.organisation_id ?? undefined,
    needFound: row.need_found === true,
    serviceId: row.service_id ?? undefined,
    receiverId: row.receiver_id ?? undefined,
    consent:
      row.consent_person_id && row.consent_recipient_id && row.consent_purpose && row.consent_expires_at
        ? {
            personId: row.consent_person_id,
            recipientOrganisationId: row.consent_recipient_id,
            purpose: row.consent_purpose,
            expiresAt: dateOf(row.consent_expires_at),
            revokedAt: row.consent_revoked_at === null ? null : dateOf(row.consent_revoked_at),
          }
        : undefined,
    accepting: row.accepting ?? undefined,
    handlers: row.handlers ?? [],
    auditHead:
      row.head_seq === null || row.head_hash === null
        ? undefined
        : { seq: Number(row.head_seq), hash: row.head_hash },
  };
}

const AWAITING: ReferralState[] = ['sent', 'received'];
const OPEN: ReferralState[] = ['sent', 'received', 'accepted', 'in_progress'];

/**
 * What a receiving organisation may see at all (firewall rule 5): sent referrals (never drafts) whose consent
 * is in force, or that are pseudonymous and rely on no consent.
 */
function visibleToReceiver(organisationId: string, now: Date): SQL {
  const consentInForce = sql`exists (select 1 from ${consents} c where c.id = ${referrals.consentId}
    and c.revoked_at is null and c.expires_at > ${now})`;
  return and(
    eq(referrals.receiverOrganisationId, organisationId),
    sql`${referrals.state} <> 'draft'`,
    or(and(isNull(referrals.consentId), eq(referrals.pseudonymous, true)), consentInForce),
  ) as SQL;
}

function boxFilter(box: 'sent' | 'received', organisationId: string, now: Date): SQL {
  return box === 'sent'
    ? eq(referrals.senderOrganisationId, organisationId)
    : visibleToReceiver(organisationId, now);
}

const sender = alias(organisations, 'sender');
const receiver = alias(organisations, 'receiver');

export async function listReferrals(
  db: Executor,
  query: { box: 'sent' | 'received'; organisationId: string; state?: ReferralState | undefined },
  now: Date,
  page: { limit: number; offset: number },
) {
  const where = and(
    boxFilter(query.box, query.organisationId, now),
    query.state ? eq(referrals.state, query.state) : undefined,
  );
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(referrals).where(where);
  const rows = await db
    .select({
      referral: referrals,
      serviceName: hsdsService.name,
      senderName: sender.name,
      receiverName: receiver.name,
    })
    .from(referrals)
    .innerJoin(sender, eq(sender.id, referrals.senderOrganisationId))
    .innerJoin(receiver, eq(receiver.id, referrals.receiverOrganisationId))
    .leftJoin(hsdsService, eq(hsdsService.id, referrals.serviceId))
    .where(where)
    .orderBy(desc(referrals.createdAt), desc(referrals.id))
    .limit(page.limit)
    .offset(page.offset);
  return { total: Number(count?.n ?? 0), rows };
}

/** Open, overdue and completed referrals of one box (dashboards). */
export async function countReferrals(
  db: Executor,
  box: 'sent' | 'received',
  organisationId: string,
  now: Date,
  overdueBefore: Date,
): Promise<{ open: number; overdue: number; completed: number }> {
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${inArray(referrals.state, OPEN)})::int`,
      overdue: sql<number>`count(*) filter (where ${and(
        inArray(referrals.state, AWAITING),
        lt(referrals.sentAt, overdueBefore),
      )})::int`,
      completed: sql<number>`count(*) filter (where ${eq(referrals.state, 'completed')})::int`,
    })
    .from(referrals)
    .where(boxFilter(box, organisationId, now));
  return {
    open: Number(row?.open ?? 0),
    overdue: Number(row?.overdue ?? 0),
    completed: Number(row?.completed ?? 0),
  };
}

/** Referrals still waiting for the receiver that were sent before `before` (the daily checks). */
export async function awaitingSince(
  db: Executor,
  before: Date,
  options: { notEscalated: boolean; limit: number },
): Promise<string[]> {
  const rows = await db
    .select({ id: referrals.id })
    .from(referrals)
    .where(
      and(
        inArray(referrals.state, AWAITING),
        lt(referrals.sentAt, before),
        options.notEscalated ? isNull(referrals.escalatedAt) : undefined,
      ),
    )
    .orderBy(asc(referrals.sentAt))
    .limit(options.limit);
  return rows.map((r) => r.id);
}
