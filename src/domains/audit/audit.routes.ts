import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/driver.ts';
import { ZErrorBody } from '../../http/errors.ts';
import { requestLocale } from '../../http/locale.ts';
import { actorOf } from '../../http/policy.ts';
import type { Ui } from '../../ui/index.ts';
import { staffHref } from '../accounts/index.ts';
import { AuditPage } from './audit.pages.tsx';
import { readAuditLog } from './audit.policy.ts';
import { ZAuditQuery } from './audit.schema.ts';
import { exportAuditCsv, findAuditEntries } from './audit.service.ts';

export interface AuditRouteDeps {
  db: Db;
  clock: Clock;
  ui: Ui;
}

const ZAuditEntry = z
  .object({
    seq: z.number().int(),
    id: z.uuid(),
    at: z.date(),
    actorUserId: z.uuid().nullable(),
    actorOrganisationId: z.uuid().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    purpose: z.string().nullable(),
    requestId: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const errors = { 400: ZErrorBody, 401: ZErrorBody, 403: ZErrorBody };

export function auditRoutes(deps: AuditRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/audit',
      {
        config: { policy: readAuditLog },
        schema: {
          tags: ['staff'],
          summary:
            'Audit log entries, newest first, filtered by actor, organisation, object, action and date',
          querystring: ZAuditQuery,
          response: {
            200: z.object({ entries: z.array(ZAuditEntry), nextBefore: z.number().int().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => findAuditEntries(deps.db, request.query),
    );

    app.get(
      '/api/v1/audit/export.csv',
      {
        config: { policy: readAuditLog },
        schema: {
          tags: ['staff'],
          summary: 'The filtered audit log as CSV (the export is itself audited)',
          querystring: ZAuditQuery.omit({ before: true, limit: true }),
          produces: ['text/csv'],
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const csv = await exportAuditCsv(deps, actorOf(request), request.query, request.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="audit-log.csv"')
          .header('cache-control', 'no-store')
          .send(csv);
      },
    );

    app.get(
      '/staff/audit',
      {
        config: { policy: readAuditLog },
        schema: { hide: true, querystring: ZAuditQuery.extend({ lang: z.string().max(10).optional() }) },
      },
      async (request, reply) => {
        const { lang: _, ...query } = request.query;
        const { entries, nextBefore } = await findAuditEntries(deps.db, query);
        const locale = requestLocale(request, deps.ui.catalogues);
        const ctx = deps.ui.context(locale, '/', (l) => staffHref(l, '/staff/audit'));
        const { limit: _limit, before: _before, ...filters } = query;
        return reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(deps.ui.render(AuditPage({ ctx, actor: actorOf(request), filters, entries, nextBefore })));
      },
    );
  };
}
