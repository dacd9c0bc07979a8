import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Database } from '../db/driver.ts';
import { AppError } from './errors.ts';
import { publicAccess } from './policy.ts';

const ZHealth = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** `/healthz` (the process is up), `/readyz` (database reachable and migrated), `/metrics` (Prometheus). */
export function observabilityRoutes(deps: { database: Database; metrics: Registry }): FastifyPluginAsyncZod {
  return async (app) => {
    const common = { policy: publicAccess, rateLimit: false } as const;
    app.get(
      '/healthz',
      {
        config: common,
        schema: {
          tags: ['operations'],
          summary: 'The process is up',
          security: [],
          response: { 200: ZHealth },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        config: common,
        schema: {
          tags: ['operations'],
          summary: 'The database is reachable and every migration is applied',
          security: [],
          response: { 200: ZHealth },
        },
      },
      async () => {
        if (!(await deps.database.isReady())) throw new AppError('SERVICE_UNAVAILABLE', 503);
        return { status: 'ok' as const };
      },
    );

    app.get(
      '/metrics',
      {
        config: common,
        schema: {
          tags: ['operations'],
          summary: 'Metrics in the Prometheus text format',
          security: [],
          produces: ['text/plain'],
        },
      },
      async (_request, reply) => {
        reply.type(deps.metrics.contentType);
        return deps.metrics.metrics();
      },
    );
  };
}
