import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { AppError, notFound } from '../../http/errors.ts';
import type { Role, StaffActor } from '../../http/policy.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail, type OutboxWorker } from '../notify/index.ts';
import { hashPassword } from './accounts.passwords.ts';
import * as repo from './accounts.repo.ts';
import { invitations } from './accounts.schema.ts';
import {
  type AccountsDeps,
  auditActorOf,
  checkPassword,
  EMAIL,
  enrolmentOf,
  insertNewUser,
  newSecondFactor,
  normaliseEmail,
  type ProvisionedUser,
  type RequestContext,
  sha256,
} from './accounts.service.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationDeps extends AccountsDeps {
  outbox: OutboxWorker;
  publicBaseUrl: string;
  /** The language of invitation emails. */
  locale: string;
}

/** Roles an organisation admin may hand out; the deployment-wide ones are for a city admin to give. */
const ORG_ADMIN_MAY_INVITE: readonly Role[] = [
  'org_admin',
  'caseworker',
  'partner_editor',
  'analyst',
  'complaint_handler',
];

const hashInvitationToken = (token: string) => sha256(`arrival-invitation:${token}`);

/** The page a link in an invitation email opens. */
export const invitationPath = (token: string) => `/staff/invitations/${token}`;

/**
 * Invites someone by email to an organisation in a role: the invitation and its email are written in one
 * transaction, and the email is sent after commit. A city admin may invite to any organisation; an
 * organisation admin only to their own (another gives the same 404 as a missing one), and not as city admin
 * or auditor (403).
 */
export async function inviteUser(
  deps: InvitationDeps,
  actor: StaffActor,
  organisationId: string,
  input: { email: string; role: Role },
  ctx: RequestContext,
): Promise<{ id: string; email: string; role: Role; expiresAt: Date }> {
  if (actor.role !== 'city_admin' && actor.organisationId !== organisationId) throw notFound();
  const organisation = await repo.findOrganisationById(deps.db, organisationId);
  if (!organisation) throw notFound();
  if (actor.role !== 'city_admin' && !ORG_ADMIN_MAY_INVITE.includes(input.role))
    throw new AppError('FORBIDDEN', 403);
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email)) throw new AppError('EMAIL_INVALID', 400);

  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const row = {
    id: randomUUID(),
    tokenHash: hashInvitationToken(token),
    email,
    organisationId,
    role: input.role,
    invitedBy: actor.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
  };
  await deps.db.transaction(async (tx) => {
    if (await repo.findUserByEmail(tx, email)) throw new AppError('EMAIL_TAKEN', 409);
    await tx.insert(invitations).values(row);
    await enqueueEmail(tx, now, {
      to: email,
      template: 'invitation',
      locale: deps.locale,
      params: {
        organisation: organisation.name,
        link: `${deps.publicBaseUrl}${invitationPath(token)}`,
        days: INVITATION_TTL_MS / 86_400_000,
      },
    });
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'invitation.created',
      objectType: 'invitation',
      objectId: row.id,
      requestId: ctx.requestId,
    });
  });
  deps.outbox.kick();
  return { id: row.id, email, role: input.role, expiresAt: row.expiresAt };
}

/** What an invitation link leads to, if it can still be accepted (for the page that asks for a password). */
export async function findOpenInvitation(deps: AccountsDeps, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw notFound();
  const [found] = await deps.db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, hashInvitationToken(token)))
    .limit(1);
  if (!found) throw notFound();
  if (found.acceptedAt) throw new AppError('INVITATION_USED', 410);
  if (found.expiresAt <= deps.clock.now()) throw new AppError('INVITATION_EXPIRED', 410);
  const organisation = await repo.findOrganisationById(deps.db, found.organisationId);
  return { invitation: found, organisationName: organisation?.name ?? '' };
}

/**
 * Accepts an invitation: creates the user with the chosen password and their membership, once. A used,
 * expired or unknown link, a weak password or a taken email is refused and changes nothing (one transaction;
 * the invitation is claimed with a conditional update so two tabs cannot both use it).
 */
export async function acceptInvitation(
  deps: AccountsDeps,
  input: { token: string; password: string },
  ctx: RequestContext,
): Promise<ProvisionedUser & { email: string }> {
  const { invitation } = await findOpenInvitation(deps, input.token);
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const factor = newSecondFactor(invitation.role);
  const userId = randomUUID();
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (await repo.findUserByEmail(tx, invitation.email)) throw new AppError('EMAIL_TAKEN', 409);
    await insertNewUser(tx, now, deps.keyring, {
      userId,
      email: invitation.email,
      passwordHash,
      organisationId: invitation.organisationId,
      role: invitation.role,
      secret: factor.secret,
      recoveryCodes: factor.recoveryCodes,
      actor: null,
      requestId: ctx.requestId,
    });
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedUserId: userId })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (claimed.length !== 1) throw new AppError('INVITATION_USED', 410);
    await recordAudit(tx, {
      at: now,
      actor: { userId, organisationId: invitation.organisationId, role: invitation.role },
      action: 'invitation.accepted',
      objectType: 'invitation',
      objectId: invitation.id,
      requestId: ctx.requestId,
    });
  });
  const totp = enrolmentOf(deps.issuer, invitation.email, factor);
  return {
    userId,
    organisationId: invitation.organisationId,
    email: invitation.email,
    ...(totp ? { totp } : {}),
  };
}
