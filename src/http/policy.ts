import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Deny by default (firewall rule 6): every route declares who may call it, in its domain's `*.policy.ts`,
 * and the app refuses to start when one does not. Staff policies (roles, organisations) build on this type.
 */
export interface Policy {
  /** A stable name, listed in the authorization matrix. */
  readonly name: string;
  /** `public` routes need no session; they declare `security: []` in OpenAPI and are rate limited. */
  readonly audience: 'public' | 'staff';
  /** Answers whether this request may reach the handler; a refusal is a 401/403/404 raised inside. */
  authorize(request: FastifyRequest): Promise<void> | void;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: Policy;
  }
}

/** Anyone may call it: public pages, the open HSDS API, health checks. */
export const publicAccess: Policy = {
  name: 'public',
  audience: 'public',
  authorize() {},
};

export class MissingPolicyError extends Error {
  constructor(method: string | string[], url: string) {
    super(`Route ${String(method)} ${url} declares no policy (config.policy). Every route must have one.`);
    this.name = 'MissingPolicyError';
  }
}

/** Refuses to register a route without a policy, and runs the policy before validation and the handler. */
export function enforcePolicies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    if (!policy) throw new MissingPolicyError(route.method, route.url);
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
    await policy.authorize(request);
  });
}
