import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { PdfRenderError, type PdfRenderer } from '../../pdf/index.ts';
import type { Ui } from '../../ui/index.ts';
import { KIT_SECTIONS, KIT_TAXONOMY } from './demo.ts';
import { SearchPage } from './directory.pages.tsx';
import { viewDirectoryPages } from './directory.policy.ts';
import { ACCESS_LABELS, loadCategories, loadKitServiceIds, loadServiceViews } from './directory.repo.ts';
import { KitPage, type KitSection } from './kit.pages.tsx';
import { kitPdfInput } from './kit.pdf.ts';
import { MAX_QUERY_LENGTH, openState, searchServices } from './search.ts';
import { DetailPage } from './service.pages.tsx';

export interface DirectoryPagesDeps {
  db: Db;
  ui: Ui;
  clock: Clock;
  pdf: PdfRenderer;
  publicBaseUrl: string;
  emergencyNumber: string;
  /** IANA time zone of the city, for "open now". */
  timeZone: string;
}

const PER_PAGE = 10;
const ZLocale = z.object({ locale: z.string().max(35) });
/** A form may send one value or several under the same name. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(item).max(ACCESS_LABELS.length),
  );

const ZSearchQuery = z.object({
  q: z.string().trim().max(MAX_QUERY_LENGTH).optional(),
  category: z.string().max(60).optional(),
  label: many(z.enum(ACCESS_LABELS)),
  language: z
    .string()
    .regex(/^([a-z]{2,3})?$/)
    .optional(),
  open: z.enum(['1', '']).optional(),
  /** Nearest first from a point, `latitude,longitude` (e.g. from a neighbourhood link or the phone's location). */
  near: z
    .string()
    .regex(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/)
    .transform((v) => v.split(',').map(Number) as [number, number])
    .refine(([lat, lon]) => Math.abs(lat) <= 90 && Math.abs(lon) <= 180)
    .optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
});

/** The weekday (RFC 5545 code) and HH:MM now in the city. */
export function cityNow(clock: Clock, timeZone: string): { day: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(clock.now());
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('weekday').slice(0, 2).toUpperCase(), time: `${get('hour')}:${get('minute')}` };
}

/** The welcome kit's sections in their fixed order, each with its services as shown in `locale`. */
export async function kitSections(db: Db, locale: string): Promise<KitSection[]> {
  const ids = await loadKitServiceIds(db, KIT_TAXONOMY);
  const views = new Map(
    (await loadServiceViews(db, [...new Set([...ids.values()].flat())], locale)).map((v) => [v.id, v]),
  );
  return KIT_SECTIONS.map((id) => ({
    id,
    services: (ids.get(id) ?? []).map((sid) => views.get(sid)).filter((v) => v !== undefined),
  }));
}

export function directoryPageRoutes(deps: DirectoryPagesDeps): FastifyPluginAsyncZod {
  const { db, ui } = deps;
  const localeOf = (locale: string) => {
    if (!ui.catalogues.has(locale)) throw notFound();
    return locale;
  };
  return async (app) => {
    app.get(
      '/:locale/services',
      {
        config: { policy: viewDirectoryPages },
        schema: { hide: true, params: ZLocale, querystring: ZSearchQuery },
      },
      async (request, reply) => {
        const locale = localeOf(request.params.locale);
        const query = request.query;
        const filters = {
          q: query.q,
          locale,
          categories: query.category ? [query.category] : undefined,
          labels: query.label,
          languages: query.language ? [query.language] : undefined,
          openAt: query.open === '1' ? cityNow(deps.clock, deps.timeZone) : undefined,
          near: query.near ? { latitude: query.near[0], longitude: query.near[1] } : undefined,
          statuses: ['active', 'temporarily closed'],
          page: query.page,
          perPage: PER_PAGE,
        };
        const [result, categories, languages] = await Promise.all([
          searchServices(db, filters),
          loadCategories(db, locale),
          queryRows<{ code: string }>(
            db,
            sql`select distinct lower(code) as code from hsds_language where service_id is not null and code ~ '^[A-Za-z]{2,3}$' order by 1`,
          ),
        ]);
        if (result.total > 0 && query.page > Math.ceil(result.total / PER_PAGE)) throw notFound();
        const results = await loadServiceViews(db, result.ids, locale);
        const ctx = ui.context(locale, '/services');
        const page = SearchPage({
          ctx,
          query: { ...query, open: query.open === '1', near: query.near?.join(',') },
          categories,
          languages: languages.map((l) => l.code),
          results,
          total: result.total,
          perPage: PER_PAGE,
          ...(result.correctedQuery ? { correctedQuery: result.correctedQuery } : {}),
        });
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'public, max-age=60')
          .send(ui.render(page));
      },
    );

    app.get(
      '/:locale/kit',
      { config: { policy: viewDirectoryPages }, schema: { hide: true, params: ZLocale } },
      async (request, reply) => {
        const locale = localeOf(request.params.locale);
        const sections = await kitSections(db, locale);
        const ctx = ui.context(locale, '/kit');
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(ui.render(KitPage({ ctx, sections })));
      },
    );

    app.get(
      '/:locale/kit.pdf',
      { config: { policy: viewDirectoryPages }, schema: { hide: true, params: ZLocale } },
      async (request, reply) => {
        const locale = localeOf(request.params.locale);
        const ctx = ui.context(locale, '/kit');
        const input = kitPdfInput(ctx, await kitSections(db, locale), {
          url: `${deps.publicBaseUrl}/${locale}/kit`,
          now: deps.clock.now(),
          emergencyNumber: deps.emergencyNumber,
        });
        let pdf: Uint8Array;
        try {
          pdf = await deps.pdf.renderPdf('kit', input);
        } catch (error) {
          if (error instanceof PdfRenderError) {
            request.log.error({ error: { type: 'PdfRenderError', code: error.code } }, 'kit PDF failed');
            throw new AppError('SERVICE_UNAVAILABLE', 503);
          }
          throw error;
        }
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="welcome-kit-${locale}.pdf"`)
          .header('cache-control', 'public, max-age=300')
          .send(Buffer.from(pdf));
      },
    );

    app.get(
      '/:locale/services/:id',
      {
        config: { policy: viewDirectoryPages },
        schema: { hide: true, params: ZLocale.extend({ id: z.string().min(1).max(100) }) },
      },
      async (request, reply) => {
        const locale = localeOf(request.params.locale);
        const [service] = await loadServiceViews(db, [request.params.id], locale);
        if (!service) throw notFound();
        const state = await openState(db, service.id, cityNow(deps.clock, deps.timeZone));
        const ctx = ui.context(locale, `/services/${encodeURIComponent(service.id)}`);
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'public, max-age=60')
          .send(ui.render(DetailPage({ ctx, service, openNow: state.known ? state.open : undefined })));
      },
    );
  };
}
