import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/driver.ts';
import { memberships, organisations, users } from '../accounts/index.ts';
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
 * organization (the first one linked, should two claim the same HSDS organization).
 */
export async function findReceiverOf(
  db: Executor,
  service: ServiceRow,
): Promise<{ id: string; name: string } | undefined> {
  if (!service.organizationId) return undefined;
  const [row] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.hsdsOrganizationId, service.organizationId))
    .orderBy(asc(organisations.createdAt), asc(organisations.id))
    .limit(1);
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

export async function insertReferral(db: Executor, row: typeof referrals.$inferInsert): Promise<void> {
  await db.insert(referrals).values(row);
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

export async function insertEvent(db: Executor, row: typeof referralEvents.$inferInsert): Promise<void> {
  await db.insert(referralEvents).values(row);
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

/** Email addresses of the active staff of an organisation who handle referrals (admins and caseworkers). */
export async function referralHandlersOf(db: Executor, organisationId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        inArray(memberships.role, ['org_admin', 'caseworker']),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.email));
  return rows.map((r) => r.email);
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
