import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../http/errors.ts';
import { actorOf, publicAccess } from '../../http/policy.ts';
import { passwordGuessRateLimit } from '../../http/rate-limit-store.ts';
import type { Ui } from '../../ui/index.ts';
import {
  AcceptInvitationPage,
  EnrolmentPage,
  LoginPage,
  OrganisationPage,
  RecoveryCodesPage,
  SessionsPage,
  StaffHomePage,
} from './accounts.pages.tsx';
import { acceptInvitationPolicy, logInPolicy, manageMembers, ownSession } from './accounts.policy.ts';
import { countUnusedRecoveryCodes } from './accounts.repo.ts';
import { type AccountsRouteDeps, clearSessionCookie, logInAndSetCookie } from './accounts.routes.ts';
import { ZRole } from './accounts.schema.ts';
import {
  disableUser,
  listOrganisationMembers,
  listOrganisations,
  regenerateRecoveryCodes,
} from './accounts.service.ts';
import { acceptInvitation, findOpenInvitation, inviteUser } from './invitations.service.ts';
import { endOwnSession, listOwnSessions, logOut } from './sessions.service.ts';
import { safeNext, staffHref } from './staff-links.ts';
import { staffPageTools } from './staff-page-tools.ts';

const hidden = { hide: true } as const;
const ZIdParams = z.object({ id: z.uuid() });
const ZTokenParams = z.object({ token: z.string().max(100) });
const ZLang = z.object({ lang: z.string().max(10).optional() });

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The staff pages under `/staff/` (server-rendered, no JavaScript needed), over the same services as the API. */
export function staffPageRoutes(deps: AccountsRouteDeps & { ui: Ui }): FastifyPluginAsyncZod {
  const { ui } = deps;
  return async (app) => {
    const { contextOf, send } = staffPageTools(app, ui);
    const to = (request: FastifyRequest, path: string) => staffHref(contextOf(request).locale, path);

    app.get('/staff', { config: { policy: publicAccess }, schema: hidden }, async (_request, reply) =>
      reply.redirect('/staff/', 301),
    );

    // The login form has no session to tie a CSRF token to, so it uses a double-submit cookie: a random value
    // in a SameSite=Strict cookie that the form must echo. Another site can neither read nor set it, so it
    // cannot log a visitor into an account of its choosing (login CSRF).
    const loginCsrfCookie = deps.cookie.secure ? '__Host-arrival_login_csrf' : 'arrival_login_csrf';
    const issueLoginCsrf = (request: FastifyRequest, reply: FastifyReply): string => {
      const existing = request.cookies[loginCsrfCookie];
      if (existing && /^[A-Za-z0-9_-]{22}$/.test(existing)) return existing;
      const token = randomBytes(16).toString('base64url');
      reply.setCookie(loginCsrfCookie, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.cookie.secure,
      });
      return token;
    };

    app.get(
      '/staff/login',
      {
        config: { policy: publicAccess },
        schema: { ...hidden, querystring: ZLang.extend({ next: z.string().max(500).optional() }) },
      },
      async (request, reply) => {
        const csrf = issueLoginCsrf(request, reply);
        return send(reply, LoginPage({ ctx: contextOf(request), next: safeNext(request.query.next), csrf }));
      },
    );

    app.post(
      '/staff/login',
      {
        config: {
          policy: logInPolicy,
          rateLimit: passwordGuessRateLimit(deps.loginRateLimitPerMinute ?? 30, 'login'),
        },
        schema: {
          ...hidden,
          querystring: ZLang,
          body: z.object({
            email: z.string().trim().max(254),
            password: z.string().max(1024),
            totp: z.string().trim().max(32).optional(),
            next: z.string().max(500).optional(),
            _csrf: z.string().max(100).optional(),
          }),
        },
      },
      async (request, reply) => {
        const { email, password, totp, next, _csrf } = request.body;
        const ctx = contextOf(request);
        const expected = request.cookies[loginCsrfCookie];
        if (!expected || !_csrf || !sameToken(expected, _csrf)) {
          const csrf = issueLoginCsrf(request, reply);
          return send(
            reply,
            LoginPage({ ctx, next: safeNext(next), error: 'CSRF_INVALID', email, csrf }),
            403,
          );
        }
        try {
          await logInAndSetCookie(deps, request, reply, { email, password, ...(totp ? { totp } : {}) });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return send(
            reply,
            LoginPage({ ctx, next: safeNext(next), error: error.code, email, csrf: expected }),
            error.status,
          );
        }
        // Only a path of the staff area: a `next` pointing anywhere else goes to the staff home.
        return reply.redirect(staffHref(ctx.locale, safeNext(next)), 303);
      },
    );

    app.post(
      '/staff/logout',
      { config: { policy: ownSession }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => {
        await logOut(deps, actorOf(request), { requestId: request.id });
        clearSessionCookie(reply, deps.cookie);
        return reply.redirect(to(request, '/staff/login'), 303);
      },
    );

    app.get(
      '/staff/',
      { config: { policy: ownSession }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) =>
        send(reply, StaffHomePage({ ctx: contextOf(request), actor: actorOf(request) })),
    );

    app.get(
      '/staff/sessions',
      { config: { policy: ownSession }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => {
        const actor = actorOf(request);
        const sessions = await listOwnSessions(deps, actor);
        return send(reply, SessionsPage({ ctx: contextOf(request), actor, sessions }));
      },
    );

    app.post(
      '/staff/sessions/:id/end',
      { config: { policy: ownSession }, schema: { ...hidden, params: ZIdParams, querystring: ZLang } },
      async (request, reply) => {
        await endOwnSession(deps, actorOf(request), request.params.id, { requestId: request.id });
        return reply.redirect(to(request, '/staff/sessions'), 303);
      },
    );

    app.get(
      '/staff/recovery-codes',
      { config: { policy: ownSession }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => {
        const actor = actorOf(request);
        const unused = await countUnusedRecoveryCodes(deps.db, actor.userId);
        return send(reply, RecoveryCodesPage({ ctx: contextOf(request), actor, unused }));
      },
    );

    app.post(
      '/staff/recovery-codes',
      { config: { policy: ownSession }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => {
        const actor = actorOf(request);
        const fresh = await regenerateRecoveryCodes(deps, actor, { requestId: request.id });
        return send(
          reply,
          RecoveryCodesPage({ ctx: contextOf(request), actor, unused: fresh.length, fresh }),
        );
      },
    );

    const organisationPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      organisationId: string,
      extra: { invited?: string; error?: string; status?: number } = {},
    ) => {
      const actor = actorOf(request);
      const { organisation, members } = await listOrganisationMembers(deps, actor, organisationId);
      const organisations = actor.role === 'city_admin' ? await listOrganisations(deps.db) : [];
      return send(
        reply,
        OrganisationPage({ ctx: contextOf(request), actor, organisation, members, organisations, ...extra }),
        extra.status,
      );
    };

    app.get(
      '/staff/organisation',
      { config: { policy: manageMembers }, schema: { ...hidden, querystring: ZLang } },
      async (request, reply) => organisationPage(request, reply, actorOf(request).organisationId),
    );

    app.get(
      '/staff/organisations/:id',
      { config: { policy: manageMembers }, schema: { ...hidden, params: ZIdParams, querystring: ZLang } },
      async (request, reply) => organisationPage(request, reply, request.params.id),
    );

    app.post(
      '/staff/organisations/:id/invitations',
      {
        config: { policy: manageMembers },
        schema: {
          ...hidden,
          params: ZIdParams,
          querystring: ZLang,
          body: z.object({ email: z.string().trim().max(254), role: ZRole }),
        },
      },
      async (request, reply) => {
        try {
          const invited = await inviteUser(deps, actorOf(request), request.params.id, request.body, {
            requestId: request.id,
          });
          return organisationPage(request, reply, request.params.id, { invited: invited.email });
        } catch (error) {
          // Refusals about the input are shown on the form; a foreign organisation stays a 404.
          if (!(error instanceof AppError) || error.status === 404) throw error;
          return organisationPage(request, reply, request.params.id, {
            error: error.code,
            status: error.status,
          });
        }
      },
    );

    app.post(
      '/staff/users/:id/disable',
      {
        config: { policy: manageMembers },
        schema: {
          ...hidden,
          params: ZIdParams,
          querystring: ZLang,
          body: z.object({ organisationId: z.uuid() }),
        },
      },
      async (request, reply) => {
        await disableUser(deps, actorOf(request), request.params.id, { requestId: request.id });
        return reply.redirect(to(request, `/staff/organisations/${request.body.organisationId}`), 303);
      },
    );

    app.get(
      '/staff/invitations/:token',
      { config: { policy: publicAccess }, schema: { ...hidden, params: ZTokenParams, querystring: ZLang } },
      async (request, reply) => {
        const { invitation, organisationName } = await findOpenInvitation(deps, request.params.token);
        return send(
          reply,
          AcceptInvitationPage({
            ctx: contextOf(request),
            token: request.params.token,
            organisationName,
            email: invitation.email,
          }),
        );
      },
    );

    app.post(
      '/staff/invitations/:token',
      {
        config: {
          policy: acceptInvitationPolicy,
          rateLimit: passwordGuessRateLimit(deps.loginRateLimitPerMinute ?? 30, 'invitation'),
        },
        schema: {
          ...hidden,
          params: ZTokenParams,
          querystring: ZLang,
          body: z.object({ password: z.string().max(1024) }),
        },
      },
      async (request, reply) => {
        const ctx = contextOf(request);
        const { token } = request.params;
        const { invitation, organisationName } = await findOpenInvitation(deps, token);
        try {
          const accepted = await acceptInvitation(
            deps,
            { token, password: request.body.password },
            { requestId: request.id },
          );
          return send(reply, EnrolmentPage({ ctx, totp: accepted.totp }), 201);
        } catch (error) {
          if (!(error instanceof AppError) || error.status !== 400) throw error;
          return send(
            reply,
            AcceptInvitationPage({
              ctx,
              token,
              organisationName,
              email: invitation.email,
              error: error.code,
            }),
            400,
          );
        }
      },
    );
  };
}
