import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Staff roles. Every role but `analyst` (aggregates only) and `partner_editor` (the public directory) can see
 * personal data, and so must use a second factor.
 */
export const ROLES = [
  'city_admin',
  'org_admin',
  'caseworker',
  'partner_editor',
  'analyst',
  'complaint_handler',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** The member of staff behind a request to a staff route, resolved from the session cookie. */
export interface StaffActor {
  sessionId: string;
  userId: string;
  email: string;
  organisationId: string;
  organisationName: string;
  role: Role;
  /** What state-changing requests of this session must carry (`x-csrf-token` or a `_csrf` form field). */
  csrfToken: string;
}

/** Finds the live session of a request, if any (the accounts domain provides it). */
export type ActorResolver = (request: FastifyRequest) => Promise<StaffActor | undefined>;

/**
 * Deny by default (firewall rule 6): every route declares who may call it, in its domain's `*.policy.ts`,
 * and the app refuses to start when one does not.
 */
export interface Policy {
  /** A stable name, listed in the authorization matrix. */
  readonly name: string;
  /** `public` routes need no session; they declare `security: []` in OpenAPI and are rate limited. */
  readonly audience: 'public' | 'staff';
  /** For staff routes: the roles that may call it at all. Which objects they may touch is the service's call. */
  readonly roles?: readonly Role[];
  /**
   * Answers whether this request may reach the handler; a refusal is a 401/403/404 raised inside. For staff
   * routes it runs after the session was found and the CSRF token checked, with the actor.
   */
  authorize(request: FastifyRequest, actor: StaffActor | undefined): Promise<void> | void;
}

/** One registered route and its policy: the authorization matrix test walks these. */
export interface RouteEntry {
  method: string;
  url: string;
  policy: Policy;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: Policy;
  }
  interface FastifyInstance {
    /** Every route registered so far, with its policy (HEAD twins of GET routes left out). */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    /** Set for staff routes once the policy let the request through. */
    actor?: StaffActor;
  }
}

/** Anyone may call it: public pages, the open HSDS API, health checks. */
export const publicAccess: Policy = {
  name: 'public',
  audience: 'public',
  authorize() {},
};

/** Staff in one of `roles` may call it; anyone else on staff gets 403, anyone without a session 401. */
export function staffPolicy(name: string, roles: readonly Role[]): Policy {
  return {
    name,
    audience: 'staff',
    roles,
    authorize(_request, actor) {
      if (!actor || !roles.includes(actor.role)) throw new AppError('FORBIDDEN', 403);
    },
  };
}

/** The actor of a staff route's request (the policy hook has set it; this only narrows the type). */
export function actorOf(request: FastifyRequest): StaffActor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 401);
  return request.actor;
}

export class MissingPolicyError extends Error {
  constructor(method: string | string[], url: string) {
    super(`Route ${String(method)} ${url} declares no policy (config.policy). Every route must have one.`);
    this.name = 'MissingPolicyError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token a request carries: the `x-csrf-token` header (JSON API) or a `_csrf` form field (pages). */
function presentedCsrfToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Refuses to register a route without a policy, and runs the policy before validation and the handler. For
 * staff routes it first finds the session (401 without one) and, on a state-changing method, checks the CSRF
 * token (403 `CSRF_INVALID`). This runs in preValidation, after the body is parsed, so form fields are there.
 */
export function enforcePolicies(app: FastifyInstance, options: { resolveActor: ActorResolver }): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    if (!policy) throw new MissingPolicyError(route.method, route.url);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, policy });
    }
    // The OpenAPI security of an operation follows from its policy, so the two cannot disagree.
    route.schema = {
      ...route.schema,
      security: policy.audience === 'public' ? [] : [{ session: [] }],
    };
  });
  app.addHook('preValidation', async (request) => {
    // The not-found handler is no route: there is nothing to protect.
    if (request.is404) return;
    const policy = request.routeOptions.config.policy;
    if (!policy) throw new MissingPolicyError(request.method, request.url);
    if (policy.audience === 'staff') {
      const actor = await options.resolveActor(request);
      if (!actor) throw new AppError('UNAUTHENTICATED', 401);
      if (!SAFE_METHODS.has(request.method)) {
        const presented = presentedCsrfToken(request);
        if (!presented || !sameToken(presented, actor.csrfToken)) throw new AppError('CSRF_INVALID', 403);
      }
      request.actor = actor;
    }
    await policy.authorize(request, request.actor);
  });
}
