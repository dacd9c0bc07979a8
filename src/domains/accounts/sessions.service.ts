import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Tx } from '../../db/driver.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Role, StaffActor } from '../../http/policy.ts';
import { recordAudit } from '../audit/index.ts';
import type { Keyring } from '../people/index.ts';
import { verifyPassword } from './accounts.passwords.ts';
import * as repo from './accounts.repo.ts';
import {
  type AccountsDeps,
  auditActorOf,
  normaliseEmail,
  type RequestContext,
  roleNeedsTotp,
  sha256,
} from './accounts.service.ts';
import {
  checkTotp,
  hashRecoveryCode,
  normaliseRecoveryCode,
  openTotpSecret,
  sealTotpSecret,
} from './accounts.totp.ts';

/** Logins, second factors and sessions: how a member of staff gets in, stays in and gets out. */

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** Failed logins for one account name within the window that lock it. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_MS = 15 * 60 * 1000;
// Writing last_seen_at on every request would turn each read into a write; a minute of slack is enough.
const TOUCH_AFTER_MS = 60 * 1000;

/** The CSRF token of a session, derived from its token so that it needs no storage. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('arrival-csrf-v1').digest('base64url');
}

export const hashSessionToken = (token: string) => sha256(`arrival-session:${token}`);

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
      const secondFactorOk = await acceptSecondFactor(tx, deps.keyring, active, input.totp ?? '', now);
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

function openStoredSecret(keyring: Keyring, userId: string, stored: string) {
  try {
    return openTotpSecret(keyring, userId, stored);
  } catch {
    return undefined;
  }
}

/** A 6-digit TOTP code (each accepted once) or an unused recovery code (then used up). */
async function acceptSecondFactor(
  tx: Tx,
  keyring: Keyring,
  user: repo.UserRow,
  code: string,
  now: Date,
): Promise<boolean> {
  // A value that does not open (copied from another account, or sealed under another master key) matches no
  // code: the login fails like a wrong code, and a recovery code still works.
  const opened = user.totpSecret ? openStoredSecret(keyring, user.id, user.totpSecret) : undefined;
  if (opened) {
    const { secret, legacy } = opened;
    const step = checkTotp(secret, code, now, user.totpLastStep);
    if (step !== undefined) {
      if (!(await repo.advanceTotpStep(tx, user.id, step))) return false;
      // A secret from before secrets were sealed is sealed now, with the write that records the step.
      if (legacy)
        await repo.sealLegacyTotpSecret(tx, user.id, secret, sealTotpSecret(keyring, user.id, secret));
      return true;
    }
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
