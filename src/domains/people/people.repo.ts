import { and, asc, eq, gt, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { consents } from '../consent/consent.schema.ts';
import { outbox, PRIVATE_RECIPIENT_PREFIX } from '../notify/index.ts';
import { referralEvents, referrals } from '../referrals/referrals.schema.ts';
import {
  deletionRecords,
  erasureRequests,
  people,
  personNeeds,
  personNotes,
  personVisits,
} from './people.schema.ts';

export type PersonRow = typeof people.$inferSelect;
export type NeedRow = typeof personNeeds.$inferSelect;
export type NoteRow = typeof personNotes.$inferSelect;
export type VisitRow = typeof personVisits.$inferSelect;

export async function insertPerson(db: Executor, row: typeof people.$inferInsert): Promise<void> {
  await db.insert(people).values(row);
}

export async function findPerson(db: Executor, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.id, id));
  return row;
}

/** Locks the person's row for the rest of the transaction (erasure and updates do not interleave). */
export async function findPersonForUpdate(db: Executor, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.id, id)).for('update');
  return row;
}

export async function findPersonByCodeIndex(db: Executor, codeIndex: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.codeIndex, codeIndex));
  return row;
}

/** Returning people of one organisation with this phone or email (blind indexes), newest contact first. */
export async function findPeopleByContactIndex(
  db: Executor,
  organisationId: string,
  index: { phone?: string; email?: string },
): Promise<PersonRow[]> {
  const matches = [
    ...(index.phone ? [eq(people.phoneIndex, index.phone)] : []),
    ...(index.email ? [eq(people.emailIndex, index.email)] : []),
  ];
  if (matches.length === 0) return [];
  return db
    .select()
    .from(people)
    .where(and(eq(people.organisationId, organisationId), or(...matches)))
    .orderBy(sql`${people.lastContactAt} desc`)
    .limit(10);
}

export async function updatePerson(
  db: Executor,
  id: string,
  values: Partial<typeof people.$inferInsert>,
): Promise<void> {
  await db.update(people).set(values).where(eq(people.id, id));
}

export async function listNeeds(db: Executor, personId: string): Promise<NeedRow[]> {
  return db
    .select()
    .from(personNeeds)
    .where(eq(personNeeds.personId, personId))
    .orderBy(asc(personNeeds.createdAt));
}

export async function insertNeeds(db: Executor, rows: (typeof personNeeds.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(personNeeds).values(rows);
}

export async function updateNeed(
  db: Executor,
  personId: string,
  needId: string,
  values: Partial<typeof personNeeds.$inferInsert>,
): Promise<boolean> {
  const updated = await db
    .update(personNeeds)
    .set(values)
    .where(and(eq(personNeeds.id, needId), eq(personNeeds.personId, personId)))
    .returning({ id: personNeeds.id });
  return updated.length > 0;
}

export async function listNotes(db: Executor, personId: string, organisationId: string): Promise<NoteRow[]> {
  return db
    .select()
    .from(personNotes)
    .where(and(eq(personNotes.personId, personId), eq(personNotes.organisationId, organisationId)))
    .orderBy(asc(personNotes.createdAt));
}

export async function insertNote(db: Executor, row: typeof personNotes.$inferInsert): Promise<void> {
  await db.insert(personNotes).values(row);
}

export async function markNoteDone(
  db: Executor,
  personId: string,
  noteId: string,
  at: Date,
): Promise<boolean> {
  const updated = await db
    .update(personNotes)
    .set({ doneAt: at })
    .where(and(eq(personNotes.id, noteId), eq(personNotes.personId, personId), isNull(personNotes.doneAt)))
    .returning({ id: personNotes.id });
  return updated.length > 0;
}

export async function listVisits(db: Executor, personId: string): Promise<VisitRow[]> {
  return db
    .select()
    .from(personVisits)
    .where(eq(personVisits.personId, personId))
    .orderBy(asc(personVisits.at));
}

export async function insertVisit(db: Executor, row: typeof personVisits.$inferInsert): Promise<void> {
  await db.insert(personVisits).values(row);
}

export async function findErasureRequest(db: Executor, personId: string) {
  const [row] = await db.select().from(erasureRequests).where(eq(erasureRequests.personId, personId));
  return row;
}

/** The erasure requests of an organisation's people still waiting for the city, soonest due first. */
export async function listErasureRequests(db: Executor, organisationId: string, limit: number) {
  return db
    .select({
      personId: erasureRequests.personId,
      requestedAt: erasureRequests.requestedAt,
      dueAt: erasureRequests.dueAt,
    })
    .from(erasureRequests)
    .innerJoin(people, eq(people.id, erasureRequests.personId))
    .where(eq(people.organisationId, organisationId))
    .orderBy(asc(erasureRequests.dueAt), asc(erasureRequests.personId))
    .limit(limit);
}

export async function insertErasureRequest(
  db: Executor,
  row: typeof erasureRequests.$inferInsert,
): Promise<void> {
  await db.insert(erasureRequests).values(row).onConflictDoNothing();
}

/** People whose erasure request has come due (`due_at` at or before `now`), oldest first. */
export async function dueErasureRequests(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ personId: erasureRequests.personId })
    .from(erasureRequests)
    .where(lte(erasureRequests.dueAt, now))
    .orderBy(asc(erasureRequests.dueAt))
    .limit(limit);
  return rows.map((r) => r.personId);
}

export async function peopleWithoutContactSince(
  db: Executor,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ id: people.id })
    .from(people)
    .where(lt(people.lastContactAt, before))
    .orderBy(asc(people.lastContactAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

async function countWhere(db: Executor, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, query);
  return Number(row?.n ?? 0);
}

/**
 * Deletes a person and everything about them (rows cascade from `people`), and returns how many rows of each
 * table went. Their wrapped key goes with the `people` row: any copy of their sealed values is unreadable.
 */
export async function deletePersonRows(db: Executor, personId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {
    people: 1,
    person_needs: await countWhere(
      db,
      sql`select count(*) as n from ${personNeeds} where ${personNeeds.personId} = ${personId}`,
    ),
    person_notes: await countWhere(
      db,
      sql`select count(*) as n from ${personNotes} where ${personNotes.personId} = ${personId}`,
    ),
    person_visits: await countWhere(
      db,
      sql`select count(*) as n from ${personVisits} where ${personVisits.personId} = ${personId}`,
    ),
    consents: await countWhere(
      db,
      sql`select count(*) as n from ${consents} where ${consents.personId} = ${personId}`,
    ),
    referrals: await countWhere(
      db,
      sql`select count(*) as n from ${referrals} where ${referrals.personId} = ${personId}`,
    ),
    referral_events: await countWhere(
      db,
      sql`select count(*) as n from ${referralEvents} e join ${referrals} r on r.id = e.referral_id where r.person_id = ${personId}`,
    ),
    erasure_requests: await countWhere(
      db,
      sql`select count(*) as n from ${erasureRequests} where ${erasureRequests.personId} = ${personId}`,
    ),
  };
  // Messages to the person still waiting in the outbox go too (they are sealed under the key that goes now).
  await db.delete(outbox).where(eq(outbox.recipient, `${PRIVATE_RECIPIENT_PREFIX}${personId}`));
  const deleted = await db.delete(people).where(eq(people.id, personId)).returning({ id: people.id });
  if (deleted.length === 0) return {};
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

export async function insertDeletionRecord(
  db: Executor,
  row: typeof deletionRecords.$inferInsert,
): Promise<void> {
  await db.insert(deletionRecords).values(row);
}

/**
 * Retention of rows that outlive their purpose before the person does (fields.ts): notes and visits written
 * before their cutoff, consents that ended (revoked, or expired) before theirs, referrals closed before theirs
 * with their events. Returns how many rows of each table went.
 */
export async function deleteExpiredRecords(
  db: Executor,
  cutoffs: { notes: Date; visits: Date; consents: Date; referrals: Date },
): Promise<Record<string, number>> {
  const notes = await db
    .delete(personNotes)
    .where(lt(personNotes.createdAt, cutoffs.notes))
    .returning({ id: personNotes.id });
  const visits = await db
    .delete(personVisits)
    .where(lt(personVisits.at, cutoffs.visits))
    .returning({ id: personVisits.id });
  const endedConsents = await db
    .delete(consents)
    .where(
      or(
        lt(consents.revokedAt, cutoffs.consents),
        and(isNull(consents.revokedAt), lt(consents.expiresAt, cutoffs.consents)),
      ),
    )
    .returning({ id: consents.id });
  const closed = await db
    .select({ id: referrals.id })
    .from(referrals)
    .where(lt(referrals.closedAt, cutoffs.referrals));
  const closedIds = closed.map((r) => r.id);
  let events = 0;
  let closedReferrals = 0;
  // In slices, so that a year of closed referrals never makes one statement with too many parameters.
  for (let i = 0; i < closedIds.length; i += 1000) {
    const slice = closedIds.slice(i, i + 1000);
    events += (
      await db
        .delete(referralEvents)
        .where(inArray(referralEvents.referralId, slice))
        .returning({ id: referralEvents.id })
    ).length;
    closedReferrals += (
      await db.delete(referrals).where(inArray(referrals.id, slice)).returning({ id: referrals.id })
    ).length;
  }
  const counts: Record<string, number> = {
    person_notes: notes.length,
    person_visits: visits.length,
    consents: endedConsents.length,
    referrals: closedReferrals,
    referral_events: events,
  };
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** Consents of `organisationId` over a person that are in force at `now`. */
export async function activeConsentsFor(db: Executor, personId: string, organisationId: string, now: Date) {
  return db
    .select()
    .from(consents)
    .where(
      and(
        eq(consents.personId, personId),
        eq(consents.recipientOrganisationId, organisationId),
        isNull(consents.revokedAt),
        gt(consents.expiresAt, now),
      ),
    );
}
