import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/driver.ts';
import type { Role } from '../../http/policy.ts';
import {
  loginThrottle,
  memberships,
  organisations,
  recoveryCodes,
  sessions,
  users,
} from './accounts.schema.ts';

export type UserRow = typeof users.$inferSelect;
export type OrganisationRow = typeof organisations.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function findOrganisationByName(
  db: Executor,
  name: string,
): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.name, name)).limit(1);
  return row;
}

export async function findOrganisationById(db: Executor, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id)).limit(1);
  return row;
}

export async function listOrganisations(db: Executor): Promise<OrganisationRow[]> {
  return db.select().from(organisations).orderBy(asc(organisations.name));
}

export interface MembershipView {
  organisationId: string;
  organisationName: string;
  role: Role;
}

/** A user's memberships, by organisation name. */
export async function listMemberships(db: Executor, userId: string): Promise<MembershipView[]> {
  return db
    .select({
      organisationId: memberships.organisationId,
      organisationName: organisations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name));
}

export interface MemberView {
  userId: string;
  email: string;
  role: Role;
  disabled: boolean;
}

export async function listMembers(db: Executor, organisationId: string): Promise<MemberView[]> {
  const rows = await db
    .select({ userId: users.id, email: users.email, role: memberships.role, disabledAt: users.disabledAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organisationId, organisationId))
    .orderBy(asc(users.email));
  return rows.map(({ disabledAt, ...r }) => ({ ...r, disabled: disabledAt !== null }));
}

export async function isMember(db: Executor, userId: string, organisationId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)))
    .limit(1);
  return row !== undefined;
}

export async function insertOrganisation(tx: Tx, row: OrganisationRow): Promise<void> {
  await tx.insert(organisations).values(row);
}

export async function insertUser(tx: Tx, row: typeof users.$inferInsert): Promise<void> {
  await tx.insert(users).values(row);
}

export async function insertMembership(tx: Tx, row: typeof memberships.$inferInsert): Promise<void> {
  await tx.insert(memberships).values(row);
}

export async function insertRecoveryCodes(tx: Tx, userId: string, hashes: string[]): Promise<void> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (hashes.length) await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
}

/** Marks a recovery code used; false when it is unknown or was used before (checked in one statement). */
export async function useRecoveryCode(tx: Tx, userId: string, codeHash: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, codeHash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.count ?? 0;
}

/** Stores the TOTP step just accepted, unless a later or equal one was stored meanwhile (a replay). */
export async function advanceTotpStep(tx: Tx, userId: string, step: number): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length === 1;
}

/** Sets a (sealed) TOTP secret, as when a user enrols again; the used-step memory starts over. */
export async function setTotpSecret(tx: Tx, userId: string, sealed: string): Promise<void> {
  await tx.update(users).set({ totpSecret: sealed, totpLastStep: null }).where(eq(users.id, userId));
}

/** Replaces a plaintext TOTP secret by its sealed form, only if it is still that plaintext. */
export async function sealLegacyTotpSecret(
  tx: Tx,
  userId: string,
  plaintext: string,
  sealed: string,
): Promise<void> {
  await tx
    .update(users)
    .set({ totpSecret: sealed })
    .where(and(eq(users.id, userId), eq(users.totpSecret, plaintext)));
}

export async function setUserDisabled(tx: Tx, userId: string, at: Date): Promise<void> {
  await tx.update(users).set({ disabledAt: at }).where(eq(users.id, userId));
}

// ---- sessions ----

export async function insertSession(tx: Tx, row: SessionRow): Promise<void> {
  await tx.insert(sessions).values(row);
}

export interface LiveSession {
  session: SessionRow;
  email: string;
  disabledAt: Date | null;
  organisationName: string;
}

export async function findSessionByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<LiveSession | undefined> {
  const [row] = await db
    .select({
      session: sessions,
      email: users.email,
      disabledAt: users.disabledAt,
      organisationName: organisations.name,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, sessions.organisationId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.endedAt)))
    .limit(1);
  return row;
}

export async function touchSession(db: Executor, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
}

export async function endSession(db: Executor, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

export async function endSessionsOfUser(db: Executor, userId: string, at: Date): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** A user's sessions that have not ended and were used after `activeSince`, newest first. */
export async function listLiveSessions(
  db: Executor,
  userId: string,
  activeSince: Date,
): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.lastSeenAt, activeSince)))
    .orderBy(sql`${sessions.createdAt} desc`);
}

// ---- login throttle ----

export async function findThrottle(db: Executor, key: string) {
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).limit(1);
  return row;
}

/**
 * Counts one failed login for `key` in one statement (concurrent failures all count): the count starts again
 * when the first failure is older than `windowStart`. Returns the count.
 */
export async function countFailure(db: Executor, key: string, now: Date, windowStart: Date): Promise<number> {
  const stale = sql`${loginThrottle.firstFailureAt} < ${windowStart.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, firstFailureAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${stale} then 1 else ${loginThrottle.failures} + 1 end`,
        firstFailureAt: sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${loginThrottle.firstFailureAt} end`,
      },
    })
    .returning({ failures: loginThrottle.failures });
  return row?.failures ?? 1;
}

export async function lockLogin(db: Executor, key: string, until: Date): Promise<void> {
  await db.update(loginThrottle).set({ lockedUntil: until }).where(eq(loginThrottle.key, key));
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
