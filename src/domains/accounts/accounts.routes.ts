import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZErrorBody } from '../../http/errors.ts';
import { actorOf, type StaffActor } from '../../http/policy.ts';
import { passwordGuessRateLimit } from '../../http/rate-limit-store.ts';
import {
  acceptInvitationPolicy,
  createOrganisations,
  logInPolicy,
  manageMembers,
  ownSession,
  viewOrganisations,
} from './accounts.policy.ts';
import { ZInvitationAccept, ZInvitationCreate, ZLogin, ZRole, ZSessionInfo } from './accounts.schema.ts';
import {
  createOrganisation,
  disableUser,
  listOrganisationMembers,
  listOrganisations,
} from './accounts.service.ts';
import { acceptInvitation, type InvitationDeps, inviteUser } from './invitations.service.ts';
import {
  endOwnSession,
  LoginRefused,
  listOwnSessions,
  logIn,
  logOut,
  resolveSession,
} from './sessions.service.ts';

export interface SessionCookie {
  /** `__Host-arrival_session` over https, `arrival_session` over plain http (a `__Host-` cookie needs Secure). */
  name: string;
  secure: boolean;
}

export function sessionCookieFor(publicBaseUrl: string): SessionCookie {
  const secure = publicBaseUrl.startsWith('https:');
  return { name: secure ? '__Host-arrival_session' : 'arrival_session', secure };
}

export interface AccountsRouteDeps extends InvitationDeps {
  cookie: SessionCookie;
  /** Login attempts per source address per minute (on top of the per-account lockout). */
  loginRateLimitPerMinute?: number;
}

const sessionInfo = (actor: StaffActor) => ({
  user: { id: actor.userId, email: actor.email },
  organisation: { id: actor.organisationId, name: actor.organisationName },
  role: actor.role,
  csrfToken: actor.csrfToken,
});

const errors = { 400: ZErrorBody, 401: ZErrorBody, 403: ZErrorBody, 404: ZErrorBody, 429: ZErrorBody };
const ZIdParams = z.object({ id: z.uuid() });
const ZOrganisation = z
  .object({ id: z.uuid(), name: z.string(), hsdsOrganizationId: z.string().nullable() })
  .meta({ id: 'Organisation' });

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https; ends with the browser. */
export function setSessionCookie(reply: FastifyReply, cookie: SessionCookie, token: string): void {
  reply.setCookie(cookie.name, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookie.secure });
}

export function clearSessionCookie(reply: FastifyReply, cookie: SessionCookie): void {
  reply.clearCookie(cookie.name, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookie.secure });
}

/** Logs in and sets the cookie; any session the browser had before ends (no session fixation). */
export async function logInAndSetCookie(
  deps: AccountsRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  input: z.infer<typeof ZLogin>,
): Promise<StaffActor> {
  try {
    const previous = request.cookies[deps.cookie.name];
    const { token, actor } = await logIn(deps, input, { requestId: request.id });
    if (previous) {
      const old = await resolveSession(deps, previous);
      if (old) await logOut(deps, old, { requestId: request.id });
    }
    setSessionCookie(reply, deps.cookie, token);
    return actor;
  } catch (error) {
    if (error instanceof LoginRefused && error.retryAfterSeconds)
      reply.header('retry-after', String(error.retryAfterSeconds));
    throw error;
  }
}

export function accountsRoutes(deps: AccountsRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/auth/login',
      {
        config: {
          policy: logInPolicy,
          rateLimit: passwordGuessRateLimit(deps.loginRateLimitPerMinute ?? 30, 'login'),
        },
        schema: {
          tags: ['staff'],
          summary: 'Log in: sets the session cookie and returns the CSRF token for later requests',
          description:
            'Roles that can see personal data need `totp` (a 6-digit code, accepted once, or a recovery code): ' +
            'without it the answer is 401 `TOTP_REQUIRED`. Repeated failures lock the account: 429 ' +
            '`ACCOUNT_LOCKED` with `Retry-After`, even for the right password.',
          body: ZLogin,
          response: { 200: ZSessionInfo, ...errors },
        },
      },
      async (request, reply) => sessionInfo(await logInAndSetCookie(deps, request, reply, request.body)),
    );

    app.post(
      '/api/v1/auth/logout',
      {
        config: { policy: ownSession },
        schema: {
          tags: ['staff'],
          summary: 'Log out: ends this session',
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await logOut(deps, actorOf(request), { requestId: request.id });
        clearSessionCookie(reply, deps.cookie);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/session',
      {
        config: { policy: ownSession },
        schema: {
          tags: ['staff'],
          summary: 'The current session: who, for which organisation, in which role, and its CSRF token',
          response: { 200: ZSessionInfo, ...errors },
        },
      },
      async (request) => sessionInfo(actorOf(request)),
    );

    app.get(
      '/api/v1/auth/sessions',
      {
        config: { policy: ownSession },
        schema: {
          tags: ['staff'],
          summary: 'My open sessions',
          response: {
            200: z.object({
              sessions: z.array(
                z.object({
                  id: z.uuid(),
                  organisationId: z.uuid(),
                  role: ZRole,
                  createdAt: z.date(),
                  lastSeenAt: z.date(),
                  current: z.boolean(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({ sessions: await listOwnSessions(deps, actorOf(request)) }),
    );

    app.delete(
      '/api/v1/auth/sessions/:id',
      {
        config: { policy: ownSession },
        schema: {
          tags: ['staff'],
          summary: 'End one of my sessions',
          params: ZIdParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await endOwnSession(deps, actorOf(request), request.params.id, { requestId: request.id });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/organisations',
      {
        config: { policy: viewOrganisations },
        schema: {
          tags: ['staff'],
          summary: 'Every organisation',
          response: { 200: z.object({ organisations: z.array(ZOrganisation) }), ...errors },
        },
      },
      async () => ({
        organisations: (await listOrganisations(deps.db)).map(({ createdAt: _, ...o }) => o),
      }),
    );

    app.post(
      '/api/v1/organisations',
      {
        config: { policy: createOrganisations },
        schema: {
          tags: ['staff'],
          summary:
            'Create an organisation (a city unit or a partner), optionally linked to an HSDS organization',
          body: z.object({
            name: z.string().trim().min(1).max(200),
            hsdsOrganizationId: z.string().trim().min(1).max(200).optional(),
          }),
          response: { 201: ZOrganisation, 409: ZErrorBody, ...errors },
        },
      },
      async (request, reply) => {
        const created = await createOrganisation(deps, actorOf(request), request.body, {
          requestId: request.id,
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/organisations/:id/members',
      {
        config: { policy: manageMembers },
        schema: {
          tags: ['staff'],
          summary: 'Members of an organisation and their roles',
          params: ZIdParams,
          response: {
            200: z.object({
              organisation: ZOrganisation,
              members: z.array(
                z.object({ userId: z.uuid(), email: z.string(), role: ZRole, disabled: z.boolean() }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { organisation, members } = await listOrganisationMembers(
          deps,
          actorOf(request),
          request.params.id,
        );
        const { createdAt: _, ...org } = organisation;
        return { organisation: org, members };
      },
    );

    app.post(
      '/api/v1/users/:id/disable',
      {
        config: { policy: manageMembers },
        schema: {
          tags: ['staff'],
          summary: 'Disable a user: all their sessions end at once',
          params: ZIdParams,
          response: { 204: z.null(), 409: ZErrorBody, ...errors },
        },
      },
      async (request, reply) => {
        await disableUser(deps, actorOf(request), request.params.id, { requestId: request.id });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/organisations/:id/invitations',
      {
        config: { policy: manageMembers },
        schema: {
          tags: ['staff'],
          summary:
            'Invite someone by email to join an organisation in a role (a single-use link, valid 7 days)',
          params: ZIdParams,
          body: ZInvitationCreate,
          response: {
            201: z.object({ id: z.uuid(), email: z.string(), role: ZRole, expiresAt: z.date() }),
            409: ZErrorBody,
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const created = await inviteUser(deps, actorOf(request), request.params.id, request.body, {
          requestId: request.id,
        });
        return reply.status(201).send(created);
      },
    );

    app.post(
      '/api/v1/invitations/accept',
      {
        config: {
          policy: acceptInvitationPolicy,
          rateLimit: passwordGuessRateLimit(deps.loginRateLimitPerMinute ?? 30, 'invitation'),
        },
        schema: {
          tags: ['staff'],
          summary: 'Accept an invitation: choose a password; get the TOTP enrolment where the role needs it',
          description:
            'An unknown token → 404 `NOT_FOUND`; a used one → 410 `INVITATION_USED`; an expired one → 410 ' +
            '`INVITATION_EXPIRED`. A refused request changes nothing.',
          body: ZInvitationAccept,
          response: {
            201: z.object({
              userId: z.uuid(),
              organisationId: z.uuid(),
              email: z.string(),
              totp: z.object({ uri: z.string(), recoveryCodes: z.array(z.string()) }).optional(),
            }),
            409: ZErrorBody,
            410: ZErrorBody,
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const accepted = await acceptInvitation(deps, request.body, { requestId: request.id });
        return reply.status(201).send(accepted);
      },
    );
  };
}
