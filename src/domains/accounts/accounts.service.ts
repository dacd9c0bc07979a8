import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Tx } from '../../db/driver.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Role, StaffActor } from '../../http/policy.ts';
import { type AuditActor, recordAudit } from '../audit/index.ts';
import { hashPassword, passwordProblem, verifyPassword } from './accounts.passwords.ts';
import * as repo from './accounts.repo.ts';
import {
  checkTotp,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  totpUri,
} from './accounts.totp.ts';

/** Roles that can see personal data must use a second factor; analysts and directory editors cannot see any. */
export const ROLES_WITHOUT_PERSONAL_DATA: readonly Role[] = ['analyst', 'partner_editor'];
export const roleNeedsTotp = (role: Role) => !ROLES_WITHOUT_PERSONAL_DATA.includes(role);

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** Failed logins for one account name within the window that lock it. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_MS = 15 * 60 * 1000;
// Writing last_seen_at on every request would turn each read into a write; a minute of slack is enough.
const TOUCH_AFTER_MS = 60 * 1000;

export interface AccountsDeps {
  db: Db;
  clock: Clock;
  /** Shown as the issuer in authenticator apps: the city's name. */
  issuer: string;
}

/** Where a request came from and which one it was: for the audit row. */
export interface RequestContext {
  requestId?: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The CSRF token of a session, derived from its token so that it needs no storage. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('arrival-csrf-v1').digest('base64url');
}

export const hashSessionToken = (token: string) => sha256(`arrival-session:${token}`);

export const auditActorOf = (actor: StaffActor | null): AuditActor | null =>
  actor ? { userId: actor.userId, organisationId: actor.organisationId, role: actor.role } : null;

// ---- provisioning (CLI, invitations) ----

export interface ProvisionInput {
  email: string;
  password: string;
  organisationName: string;
  role: Role;
  hsdsOrganizationId?: string;
}

export interface ProvisionedUser {
  userId: string;
  organisationId: string;
  /** Present when the role needs a second factor: what the new user enrols in an authenticator app. */
  totp?: { uri: string; recoveryCodes: string[] };
}

export function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError(problem, 400);
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Creates a user with one membership, creating the organisation when missing (`arrival create-user`). Where the
 * role needs TOTP, a secret and recovery codes are made now and returned once.
 */
export async function provisionUser(
  deps: AccountsDeps,
  input: ProvisionInput,
  by: { actor: StaffActor | null; requestId?: string } = { actor: null },
): Promise<ProvisionedUser> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) throw new AppError('EMAIL_INVALID', 400);
  checkPassword(input.password);
  const name = input.organisationName.trim();
  if (!name || name.length > 200) throw new AppError('VALIDATION_FAILED', 400);
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  const { secret, recoveryCodes: codes } = newSecondFactor(input.role);
  const userId = randomUUID();

  const organisationId = await deps.db.transaction(async (tx) => {
    if (await repo.findUserByEmail(tx, email)) throw new AppError('EMAIL_TAKEN', 409);
    const actor = auditActorOf(by.actor);
    let organisation = await repo.findOrganisationByName(tx, name);
    if (!organisation) {
      organisation = {
        id: randomUUID(),
        name,
        hsdsOrganizationId: input.hsdsOrganizationId ?? null,
        createdAt: now,
      };
      await repo.insertOrganisation(tx, organisation);
      await recordAudit(tx, {
        at: now,
        actor,
        action: 'organisation.created',
        objectType: 'organisation',
        objectId: organisation.id,
        requestId: by.requestId,
      });
    }
    await insertNewUser(tx, now, {
      userId,
      email,
      passwordHash,
      organisationId: organisation.id,
      role: input.role,
      secret,
      recoveryCodes: codes,
      actor,
      requestId: by.requestId,
    });
    return organisation.id;
  });
  const totp = enrolmentOf(deps.issuer, email, { secret, recoveryCodes: codes });
  return { userId, organisationId, ...(totp ? { totp } : {}) };
}

/** A new user's second factor, made when the role needs one: shown to them once. */
export function newSecondFactor(role: Role): { secret: string | null; recoveryCodes: string[] } {
  return roleNeedsTotp(role)
    ? { secret: newTotpSecret(), recoveryCodes: newRecoveryCodes() }
    : { secret: null, recoveryCodes: [] };
}

export function enrolmentOf(
  issuer: string,
  email: string,
  factor: { secret: string | null; recoveryCodes: string[] },
): ProvisionedUser['totp'] | undefined {
  return factor.secret
    ? { uri: totpUri(factor.secret, email, issuer), recoveryCodes: factor.recoveryCodes }
    : undefined;
}

/** Writes a new user, their membership and recovery codes, and audits both, inside the caller's transaction. */
export async function insertNewUser(
  tx: Tx,
  now: Date,
  input: {
    userId: string;
    email: string;
    passwordHash: string;
    organisationId: string;
    role: Role;
    secret: string | null;
    recoveryCodes: string[];
    actor: AuditActor | null;
    requestId?: string;
  },
): Promise<void> {
  const { userId, actor, requestId } = input;
  await repo.insertUser(tx, {
    id: userId,
    email: input.email,
    passwordHash: input.passwordHash,
    totpSecret: input.secret,
    createdAt: now,
  });
  await repo.insertMembership(tx, {
    userId,
    organisationId: input.organisationId,
    role: input.role,
    createdAt: now,
  });
  await repo.insertRecoveryCodes(
    tx,
    userId,
    input.recoveryCodes.map((c) => hashRecoveryCode(normaliseRecoveryCode(c) ?? c)),
  );
  await recordAudit(tx, {
    at: now,
    actor,
    action: 'user.created',
    objectType: 'user',
    objectId: userId,
    requestId,
  });
  await recordAudit(tx, {
    at: now,
    actor,
    action: 'membership.granted',
    objectType: 'membership',
    objectId: `${input.organisationId}:${userId}:${input.role}`,
    requestId,
  });
}

// ---- login ----

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
  organisationId?: string;
}

export interface LoggedIn {
  token: string;
  actor: StaffActor;
}

/** Refused logins: 401 (credentials, second factor) or 429 (locked, with the seconds to wait). */
export class LoginRefused extends AppError {
  constructor(
    code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'TOTP_INVALID' | 'ACCOUNT_LOCKED',
    readonly retryAfterSeconds?: number,
  ) {
    super(code, code === 'ACCOUNT_LOCKED' ? 429 : 401);
  }
}

/**
 * Checks an email, password and (where the role needs it) a TOTP or recovery code, and opens a new session.
 * Unknown accounts and wrong passwords get the same answer after the same work (a dummy hash is checked), and
 * both count towards the same lockout. Every failure and success is audited.
 */
export async function logIn(deps: AccountsDeps, input: LoginInput, ctx: RequestContext): Promise<LoggedIn> {
  const { db, clock } = deps;
  const email = normaliseEmail(input.email);
  const key = sha256(`arrival-login:${email}`);
  const now = clock.now();

  const throttle = await repo.findThrottle(db, key);
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    // Every attempt while locked (even with the right password) keeps the lock for the full period.
    const until = new Date(now.getTime() + LOCKOUT_MS);
    await db.transaction(async (tx) => {
      await repo.lockLogin(tx, key, until);
      await recordAudit(tx, { at: now, actor: null, action: 'auth.login_locked', requestId: ctx.requestId });
    });
    throw new LoginRefused('ACCOUNT_LOCKED', LOCKOUT_MS / 1000);
  }

  const user = await repo.findUserByEmail(db, email);
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  const active = user && user.disabledAt === null ? user : undefined;

  const fail = async (code: 'INVALID_CREDENTIALS' | 'TOTP_INVALID'): Promise<never> => {
    const failures = await db.transaction(async (tx) => {
      const count = await repo.countFailure(tx, key, now, new Date(now.getTime() - FAILURE_WINDOW_MS));
      if (count >= MAX_FAILURES) await repo.lockLogin(tx, key, new Date(now.getTime() + LOCKOUT_MS));
      await recordAudit(tx, {
        at: now,
        actor: null,
        action: 'auth.login_failed',
        ...(user ? { objectType: 'user', objectId: user.id } : {}),
        requestId: ctx.requestId,
      });
      return count;
    });
    if (failures >= MAX_FAILURES) throw new LoginRefused('ACCOUNT_LOCKED', LOCKOUT_MS / 1000);
    throw new LoginRefused(code);
  };

  if (!active || !passwordOk) return fail('INVALID_CREDENTIALS');

  const memberships = await repo.listMemberships(db, active.id);
  const needsTotp = active.totpSecret !== null || memberships.some((m) => roleNeedsTotp(m.role));
  if (needsTotp && !input.totp) throw new LoginRefused('TOTP_REQUIRED');
  const chosen = input.organisationId
    ? memberships.find((m) => m.organisationId === input.organisationId)
    : memberships[0];
  if (!chosen) return fail('INVALID_CREDENTIALS');

  const opened = await db.transaction(async (tx) => {
    if (needsTotp) {
      const secondFactorOk = await acceptSecondFactor(tx, active, input.totp ?? '', now);
      if (!secondFactorOk) return undefined;
    }
    await repo.clearThrottle(tx, key);
    return openSession(tx, now, { id: active.id, email: active.email }, chosen, ctx);
  });
  if (!opened) return fail('TOTP_INVALID');
  return opened;
}

/**
 * Opens a new session (a fresh random token: a session id is never taken from the browser, so it cannot be
 * fixed by someone else) and audits the login, inside the caller's transaction.
 */
export async function openSession(
  tx: Tx,
  now: Date,
  user: { id: string; email: string },
  membership: repo.MembershipView,
  ctx: RequestContext,
): Promise<LoggedIn> {
  const token = randomBytes(32).toString('base64url');
  const sessionId = randomUUID();
  await repo.insertSession(tx, {
    id: sessionId,
    tokenHash: hashSessionToken(token),
    userId: user.id,
    organisationId: membership.organisationId,
    role: membership.role,
    createdAt: now,
    lastSeenAt: now,
    endedAt: null,
  });
  await recordAudit(tx, {
    at: now,
    actor: { userId: user.id, organisationId: membership.organisationId, role: membership.role },
    action: 'auth.login',
    objectType: 'session',
    objectId: sessionId,
    requestId: ctx.requestId,
  });
  return {
    token,
    actor: {
      sessionId,
      userId: user.id,
      email: user.email,
      organisationId: membership.organisationId,
      organisationName: membership.organisationName,
      role: membership.role,
      csrfToken: csrfTokenFor(token),
    },
  };
}

/** A 6-digit TOTP code (each accepted once) or an unused recovery code (then used up). */
async function acceptSecondFactor(tx: Tx, user: repo.UserRow, code: string, now: Date): Promise<boolean> {
  if (user.totpSecret) {
    const step = checkTotp(user.totpSecret, code, now, user.totpLastStep);
    if (step !== undefined) return repo.advanceTotpStep(tx, user.id, step);
  }
  const recovery = normaliseRecoveryCode(code);
  if (!recovery) return false;
  return repo.useRecoveryCode(tx, user.id, hashRecoveryCode(recovery), now);
}

// ---- sessions ----

/**
 * The staff member behind a session token, if the session is live: not ended, used within the idle timeout,
 * younger than the absolute timeout, and its user not disabled. A session found too old is ended here.
 */
export async function resolveSession(deps: AccountsDeps, token: string): Promise<StaffActor | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const found = await repo.findSessionByTokenHash(deps.db, hashSessionToken(token));
  if (!found) return undefined;
  const now = deps.clock.now();
  const { session } = found;
  const idle = now.getTime() - session.lastSeenAt.getTime() > IDLE_TIMEOUT_MS;
  const old = now.getTime() - session.createdAt.getTime() > ABSOLUTE_TIMEOUT_MS;
  if (idle || old || found.disabledAt !== null) {
    await deps.db.transaction(async (tx) => {
      if (await repo.endSession(tx, session.id, now)) {
        await recordAudit(tx, {
          at: now,
          actor: null,
          action: idle ? 'auth.session_idle_timeout' : old ? 'auth.session_expired' : 'auth.session_ended',
          objectType: 'session',
          objectId: session.id,
        });
      }
    });
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS)
    await repo.touchSession(deps.db, session.id, now);
  return {
    sessionId: session.id,
    userId: session.userId,
    email: found.email,
    organisationId: session.organisationId,
    organisationName: found.organisationName,
    role: session.role,
    csrfToken: csrfTokenFor(token),
  };
}

export async function logOut(deps: AccountsDeps, actor: StaffActor, ctx: RequestContext): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await repo.endSession(tx, actor.sessionId, now);
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'auth.logout',
      objectType: 'session',
      objectId: actor.sessionId,
      requestId: ctx.requestId,
    });
  });
}

export interface SessionView {
  id: string;
  organisationId: string;
  role: Role;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

export async function listOwnSessions(deps: AccountsDeps, actor: StaffActor): Promise<SessionView[]> {
  const now = deps.clock.now();
  const rows = await repo.listLiveSessions(deps.db, actor.userId, new Date(now.getTime() - IDLE_TIMEOUT_MS));
  return rows
    .filter((s) => now.getTime() - s.createdAt.getTime() <= ABSOLUTE_TIMEOUT_MS)
    .map((s) => ({
      id: s.id,
      organisationId: s.organisationId,
      role: s.role,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      current: s.id === actor.sessionId,
    }));
}

/** Ends one of the actor's own sessions; another user's session gives the same 404 as a missing one. */
export async function endOwnSession(
  deps: AccountsDeps,
  actor: StaffActor,
  sessionId: string,
  ctx: RequestContext,
): Promise<void> {
  const now = deps.clock.now();
  const own = (await listOwnSessions(deps, actor)).some((s) => s.id === sessionId);
  if (!own) throw notFound();
  await deps.db.transaction(async (tx) => {
    await repo.endSession(tx, sessionId, now);
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'auth.session_ended',
      objectType: 'session',
      objectId: sessionId,
      requestId: ctx.requestId,
    });
  });
}

// ---- administration ----

/**
 * May `actor` manage `userId`? A city admin may manage anyone; an organisation admin only members of their own
 * organisation. Anyone else, or a user out of reach, gets the same 404 as a missing one.
 */
async function assertManages(deps: AccountsDeps, actor: StaffActor, userId: string): Promise<repo.UserRow> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw notFound();
  if (actor.role === 'city_admin') return user;
  if (actor.role === 'org_admin' && (await repo.isMember(deps.db, userId, actor.organisationId))) return user;
  throw notFound();
}

/** Disables a user: every session of theirs ends at once, and they can no longer log in. */
export async function disableUser(
  deps: AccountsDeps,
  actor: StaffActor,
  userId: string,
  ctx: RequestContext,
): Promise<void> {
  const user = await assertManages(deps, actor, userId);
  if (user.id === actor.userId) throw new AppError('CANNOT_DISABLE_SELF', 409);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await repo.setUserDisabled(tx, user.id, now);
    await repo.endSessionsOfUser(tx, user.id, now);
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'user.disabled',
      objectType: 'user',
      objectId: user.id,
      requestId: ctx.requestId,
    });
  });
}

/** Members of an organisation: a city admin sees any; an organisation admin only their own (else 404). */
export async function listOrganisationMembers(deps: AccountsDeps, actor: StaffActor, organisationId: string) {
  if (actor.role !== 'city_admin' && actor.organisationId !== organisationId) throw notFound();
  const organisation = await repo.findOrganisationById(deps.db, organisationId);
  if (!organisation) throw notFound();
  return { organisation, members: await repo.listMembers(deps.db, organisationId) };
}

export { listOrganisations } from './accounts.repo.ts';
export { passwordProblem };

/** Creates an organisation (names are unique: a second one with the same name → 409). */
export async function createOrganisation(
  deps: AccountsDeps,
  actor: StaffActor,
  input: { name: string; hsdsOrganizationId?: string },
  ctx: RequestContext,
): Promise<{ id: string; name: string; hsdsOrganizationId: string | null }> {
  const now = deps.clock.now();
  const row = {
    id: randomUUID(),
    name: input.name,
    hsdsOrganizationId: input.hsdsOrganizationId ?? null,
    createdAt: now,
  };
  await deps.db.transaction(async (tx) => {
    if (await repo.findOrganisationByName(tx, input.name)) throw new AppError('ORGANISATION_EXISTS', 409);
    await repo.insertOrganisation(tx, row);
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'organisation.created',
      objectType: 'organisation',
      objectId: row.id,
      requestId: ctx.requestId,
    });
  });
  return { id: row.id, name: row.name, hsdsOrganizationId: row.hsdsOrganizationId };
}

/** Replaces the actor's recovery codes with ten new ones, returned once; the old ones stop working. */
export async function regenerateRecoveryCodes(
  deps: AccountsDeps,
  actor: StaffActor,
  ctx: RequestContext,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await repo.insertRecoveryCodes(
      tx,
      actor.userId,
      codes.map((c) => hashRecoveryCode(normaliseRecoveryCode(c) ?? c)),
    );
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'user.recovery_codes_replaced',
      objectType: 'user',
      objectId: actor.userId,
      requestId: ctx.requestId,
    });
  });
  return codes;
}
