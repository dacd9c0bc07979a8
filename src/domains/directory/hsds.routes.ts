import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { count, ilike } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/driver.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { readHsdsApi } from './directory.policy.ts';
import { type CachedAnswer, createAnswerCache, type DirectoryVersion } from './hsds.cache.ts';
import type { HsdsRow } from './hsds.flatten.ts';
import { loadFullServices } from './hsds.read.ts';
import { hsdsTable, rowsWhere, toHsds } from './hsds.rows.ts';
import { HSDS_DIR, HSDS_VERSION } from './hsds.schemas.ts';
import { MAX_QUERY_LENGTH, searchServices } from './search.ts';

export interface HsdsApiDeps {
  db: Db;
  publicBaseUrl: string;
  locales: readonly string[];
  /** The directory's content version, which keys the cache of searches and services. */
  version: DirectoryVersion;
}

const MAX_PER_PAGE = 100;

const ZPaging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(25),
};
const ZSearch = z.string().trim().max(MAX_QUERY_LENGTH).optional();
const ZId = z.object({ id: z.string().min(1).max(100) });
/** An HSDS record: the official schemas (vendor/hsds) are the contract; tests validate responses against them. */
const ZRecord = z.looseObject({ id: z.string() });
const ZPage = z.object({
  total_items: z.number().int(),
  total_pages: z.number().int(),
  page_number: z.number().int(),
  size: z.number().int(),
  first_page: z.boolean(),
  last_page: z.boolean(),
  empty: z.boolean(),
  contents: z.array(ZRecord),
});
const ZErrorRef = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

function page(
  contents: HsdsRow[],
  total: number,
  pageNumber: number,
  perPage: number,
): z.infer<typeof ZPage> {
  const totalPages = Math.ceil(total / perPage);
  if (total > 0 && pageNumber > totalPages) throw new AppError('VALIDATION_FAILED', 400);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: pageNumber,
    size: contents.length,
    first_page: pageNumber === 1,
    last_page: pageNumber >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** Public, cacheable answers: a strong ETag of the body, and a conditional GET gets 304. */
function cacheable<T>(request: FastifyRequest, reply: FastifyReply, body: T): T | undefined {
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=60').header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === etag) {
    reply.code(304);
    return undefined;
  }
  return body;
}

/** Sends an answer from the cache (its bytes as they are, not serialised again), or 304 to a conditional GET. */
function sendCached(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer) {
  reply
    .header('etag', answer.etag)
    .header('cache-control', 'public, max-age=60')
    .header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === answer.etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(answer.body);
}

/** JSON bytes of a response, checked against its schema as Fastify's serializer would (fastify-type-provider-zod). */
function encodeJson<T extends z.ZodType>(schema: T, body: z.input<T>): Buffer {
  return Buffer.from(JSON.stringify(z.encode(schema, body as z.output<T>)));
}

async function listTable(
  db: Db,
  table: string,
  search: string | undefined,
  pageNumber: number,
  perPage: number,
) {
  const t = hsdsTable(table) as ReturnType<typeof hsdsTable> & { name?: never };
  const nameColumn = (t as unknown as Record<string, Parameters<typeof ilike>[0]>).name;
  const where =
    search && nameColumn ? ilike(nameColumn, `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined;
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(t).where(where);
  const rows = (await db
    .select()
    .from(t)
    .where(where)
    .orderBy(t.id)
    .limit(perPage)
    .offset((pageNumber - 1) * perPage)) as Record<string, unknown>[];
  return { total: Number(total), rows: rows.map((r) => toHsds(table, r)) };
}

/** HSDS 3.0 API (vendor/hsds/openapi.json) under /api/hsds. */
export function hsdsRoutes(deps: HsdsApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  // Searches and services are public and the same for everyone: answered from memory until the directory changes.
  const cache = createAnswerCache(deps.version);
  const ZLang = z.enum(deps.locales as [string, ...string[]]).optional();
  const common = { config: { policy: readHsdsApi }, schema: { tags: ['HSDS 3.0'] } } as const;
  const openapi = JSON.parse(readFileSync(path.join(HSDS_DIR, 'openapi.json'), 'utf8')) as Record<
    string,
    unknown
  >;

  return async (app) => {
    const root = {
      ...common,
      schema: {
        ...common.schema,
        summary: 'About this HSDS API',
        response: { 200: z.object({ version: z.string(), profile: z.url(), openapi_url: z.url() }) },
      },
    };
    const about = async () => ({
      version: HSDS_VERSION,
      profile: `${deps.publicBaseUrl}/api/hsds/profile`,
      openapi_url: `${deps.publicBaseUrl}/api/hsds/openapi.json`,
    });
    app.get('/api/hsds', root, about);
    app.get('/api/hsds/', { ...root, schema: { ...root.schema, hide: true } }, about);

    app.get('/api/hsds/openapi.json', { ...common, schema: { ...common.schema, hide: true } }, async () => ({
      ...openapi,
      servers: [{ url: `${deps.publicBaseUrl}/api/hsds` }],
    }));

    app.get(
      '/api/hsds/profile',
      { ...common, schema: { ...common.schema, summary: 'The Arrival profile of HSDS 3.0' } },
      async () => ({
        name: 'Arrival',
        base: `HSDS ${HSDS_VERSION}`,
        description:
          'HSDS 3.0 with one addition: status-safety labels are attributes whose taxonomy_term belongs to the ' +
          'taxonomy "arrival-access" (no-id-required, free-of-charge, no-status-questions, ' +
          'no-sharing-with-enforcement, interpreter-available, walk-in, anonymous-ok, women-only, lgbtiq-safe, ' +
          'families-children). Text is served in the language asked for with ?lang= where a translation exists.',
      }),
    );

    app.get(
      '/api/hsds/services',
      {
        ...common,
        schema: {
          ...common.schema,
          summary: 'Search and list services (paged)',
          querystring: z.object({
            search: ZSearch,
            ...ZPaging,
            taxonomy_term_id: z.string().max(100).optional(),
            organization_id: z.string().max(100).optional(),
            modified_after: z.iso.datetime({ offset: true }).optional(),
            lang: ZLang,
          }),
          response: { 200: ZPage, 400: ZErrorRef },
        },
      },
      async (request, reply) => {
        const q = request.query;
        // The validated query (defaults filled in, the search trimmed) is the key: equal requests share it.
        const answer = await cache.answer(`services ${JSON.stringify(q)}`, async () => {
          const result = await searchServices(db, {
            q: q.search,
            locale: q.lang,
            categories: q.taxonomy_term_id ? [q.taxonomy_term_id] : undefined,
            organizationId: q.organization_id,
            modifiedAfter: q.modified_after,
            page: q.page,
            perPage: q.per_page,
          });
          const services = await loadFullServices(db, result.ids, q.lang);
          return encodeJson(ZPage, page(services, result.total, q.page, q.per_page));
        });
        return sendCached(request, reply, answer);
      },
    );

    app.get(
      '/api/hsds/services/:id',
      {
        ...common,
        schema: {
          ...common.schema,
          summary: 'One full service',
          params: ZId,
          querystring: z.object({ lang: ZLang }),
          response: { 200: ZRecord, 404: ZErrorRef },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { lang } = request.query;
        const answer = await cache.answer(`service ${JSON.stringify([id, lang])}`, async () => {
          const [service] = await loadFullServices(db, [id], lang);
          if (!service) throw notFound();
          return encodeJson(ZRecord, service);
        });
        return sendCached(request, reply, answer);
      },
    );

    for (const [plural, table] of [
      ['organizations', 'organization'],
      ['taxonomies', 'taxonomy'],
      ['taxonomy_terms', 'taxonomy_term'],
    ] as const) {
      app.get(
        `/api/hsds/${plural}`,
        {
          ...common,
          schema: {
            ...common.schema,
            summary: `List ${plural} (paged)`,
            querystring: z.object({ search: ZSearch, ...ZPaging }),
            response: { 200: ZPage, 400: ZErrorRef },
          },
        },
        async (request, reply) => {
          const { search, page: p, per_page } = request.query;
          const { total, rows } = await listTable(db, table, search, p, per_page);
          return cacheable(request, reply, page(rows, total, p, per_page));
        },
      );
      app.get(
        `/api/hsds/${plural}/:id`,
        {
          ...common,
          schema: {
            ...common.schema,
            summary: `One ${table}`,
            params: ZId,
            response: { 200: ZRecord, 404: ZErrorRef },
          },
        },
        async (request, reply) => {
          const [row] = await rowsWhere(db, table, 'id', [request.params.id]);
          if (!row) throw notFound();
          return cacheable(request, reply, row);
        },
      );
    }

    const withLocation = async (sals: HsdsRow[]) => {
      const locations = await rowsWhere(
        db,
        'location',
        'id',
        sals.map((s) => String(s.location_id)),
      );
      const byId = new Map(locations.map((l) => [l.id, l]));
      return sals.map((s) => {
        const location = byId.get(String(s.location_id));
        return location ? { ...s, location } : s;
      });
    };

    app.get(
      '/api/hsds/service_at_locations',
      {
        ...common,
        schema: {
          ...common.schema,
          summary: 'List services at locations (paged)',
          querystring: z.object({ search: ZSearch, ...ZPaging }),
          response: { 200: ZPage, 400: ZErrorRef },
        },
      },
      async (request, reply) => {
        const { search, page: p, per_page } = request.query;
        const { total, rows } = await listTable(db, 'service_at_location', undefined, p, per_page);
        const filtered = search
          ? await rowsWhere(
              db,
              'service_at_location',
              'service_id',
              (await searchServices(db, { q: search, page: 1, perPage: 100 })).ids,
            )
          : rows;
        return cacheable(
          request,
          reply,
          page(await withLocation(filtered), search ? filtered.length : total, p, per_page),
        );
      },
    );

    app.get(
      '/api/hsds/service_at_locations/:id',
      {
        ...common,
        schema: {
          ...common.schema,
          summary: 'One service at a location',
          params: ZId,
          response: { 200: ZRecord, 404: ZErrorRef },
        },
      },
      async (request, reply) => {
        const [row] = await withLocation(
          await rowsWhere(db, 'service_at_location', 'id', [request.params.id]),
        );
        if (!row) throw notFound();
        return cacheable(request, reply, row);
      },
    );
  };
}
