import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Tx } from '../../db/driver.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Role, StaffActor } from '../../http/policy.ts';
import { type AuditActor, recordAudit } from '../audit/index.ts';
import type { Keyring } from '../people/index.ts';
import { hashPassword, passwordProblem } from './accounts.passwords.ts';
import * as repo from './accounts.repo.ts';
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  sealTotpSecret,
  totpUri,
} from './accounts.totp.ts';

/** Roles that can see personal data must use a second factor; analysts and directory editors cannot see any. */
export const ROLES_WITHOUT_PERSONAL_DATA: readonly Role[] = ['analyst', 'partner_editor'];
export const roleNeedsTotp = (role: Role) => !ROLES_WITHOUT_PERSONAL_DATA.includes(role);

export interface AccountsDeps {
  db: Db;
  clock: Clock;
  /** Shown as the issuer in authenticator apps: the city's name. */
  issuer: string;
  /** The deployment's keys: TOTP secrets are stored sealed under them. */
  keyring: Keyring;
}

/** Where a request came from and which one it was: for the audit row. */
export interface RequestContext {
  requestId?: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

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
    await insertNewUser(tx, now, deps.keyring, {
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
  keyring: Keyring,
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
    totpSecret: input.secret === null ? null : sealTotpSecret(keyring, userId, input.secret),
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
