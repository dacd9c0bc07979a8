import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { classifyError, notFound } from '../../http/errors.ts';
import { codeGuessRateLimit } from '../../http/rate-limit-store.ts';
import type { Ui } from '../../ui/index.ts';
import { formatArrivalCode, type PeopleDeps, parseArrivalCode } from '../people/index.ts';
import { MY_DATA_RATE_LIMIT_PER_MINUTE, myDataAccess } from './consent.policy.ts';
import { MyDataPage, type MyDataPageProps } from './my-data.pages.tsx';
import { myData, requestMyErasure, revokeMyConsent } from './my-data.service.ts';

export interface MyDataPagesDeps extends PeopleDeps {
  ui: Ui;
  /** IANA time zone of the city, for dates. */
  timeZone: string;
  /** Code lookups per source address per minute: the same limit as `/api/v1/my-data`. */
  codeRateLimitPerMinute?: number | undefined;
}

const ZLocale = z.object({ locale: z.string().max(35) });
// Anything malformed ends on the same "we could not find this code" page as an unknown code (no enumeration).
const ZCode = z.string().max(100);
const ZCodeForm = z.strictObject({ code: ZCode });
const ZRevokeForm = z.strictObject({ code: ZCode, consentId: z.uuid() });

/**
 * `/{lang}/my-data`: the person's own page, plain HTML forms and no JavaScript. There is no session, so no CSRF
 * token either: the code typed in the form is the credential, every POST is rate limited per source like the
 * JSON API, and nothing can be done without it. The code travels only in POST bodies (never in a URL or a log)
 * and every answer is `Cache-Control: no-store`.
 */
export function myDataPageRoutes(deps: MyDataPagesDeps): FastifyPluginAsyncZod {
  const { ui } = deps;
  const rateLimit = codeGuessRateLimit(
    deps.codeRateLimitPerMinute ?? MY_DATA_RATE_LIMIT_PER_MINUTE,
    'my-data',
  );
  const page = (
    reply: FastifyReply,
    locale: string,
    status: number,
    props: Omit<MyDataPageProps, 'ctx' | 'timeZone' | 'erasureDays'>,
  ) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        ui.render(
          MyDataPage({
            ctx: ui.context(locale, '/my-data'),
            timeZone: deps.timeZone,
            erasureDays: deps.erasureGraceDays,
            ...props,
          }),
        ),
      );
  const localeOf = (request: FastifyRequest): string | undefined => {
    const { locale } = request.params as { locale?: unknown };
    return typeof locale === 'string' && ui.catalogues.has(locale) ? locale : undefined;
  };
  /** The page's language; a language we have no catalogue for is the 404 page. */
  const pageLocale = (request: FastifyRequest): string => {
    const locale = localeOf(request);
    if (!locale) throw notFound();
    return locale;
  };
  /** The code as the person should see it again, or '' when it cannot be one. */
  const shownCode = (code: string) => {
    const canonical = parseArrivalCode(code);
    return canonical ? formatArrivalCode(canonical) : '';
  };

  return async (app) => {
    // An unknown or malformed code, a malformed form and too many tries all end on this page, with the form
    // again and a plain message; anything else goes to the app's handler.
    app.setErrorHandler((error, request, reply) => {
      const locale = localeOf(request);
      const { status, code } = classifyError(error);
      const kind =
        code === 'RATE_LIMITED'
          ? 'rateLimited'
          : code === 'NOT_FOUND' || code === 'VALIDATION_FAILED'
            ? 'notFound'
            : undefined;
      if (!locale || !kind) throw error;
      request.log.info({ code, status }, 'request refused');
      if (kind === 'rateLimited' && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
      return page(reply, locale, kind === 'rateLimited' ? 429 : 404, { outcome: { kind } });
    });

    app.get(
      '/:locale/my-data',
      { config: { policy: myDataAccess }, schema: { hide: true, params: ZLocale } },
      async (request, reply) => {
        const locale = pageLocale(request);
        return page(reply, locale, 200, {});
      },
    );

    app.post(
      '/:locale/my-data',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: { hide: true, params: ZLocale, body: ZCodeForm },
      },
      async (request, reply) => {
        const locale = pageLocale(request);
        const { code } = request.body;
        const data = await myData(deps, code, { requestId: request.id });
        return page(reply, locale, 200, { found: { code: shownCode(code), data } });
      },
    );

    app.post(
      '/:locale/my-data/revoke',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: { hide: true, params: ZLocale, body: ZRevokeForm },
      },
      async (request, reply) => {
        const locale = pageLocale(request);
        const { code, consentId } = request.body;
        const ctx = { requestId: request.id };
        const revoked = await revokeMyConsent(deps, { code, consentId }, ctx);
        const data = await myData(deps, code, ctx);
        const recipient = data.consents.find((c) => c.id === revoked.id)?.recipient ?? '';
        return page(reply, locale, 200, {
          outcome: { kind: 'revoked', recipient },
          found: { code: shownCode(code), data },
        });
      },
    );

    app.post(
      '/:locale/my-data/erasure',
      {
        config: { policy: myDataAccess, rateLimit },
        schema: { hide: true, params: ZLocale, body: ZCodeForm },
      },
      async (request, reply) => {
        const locale = pageLocale(request);
        const { code } = request.body;
        const ctx = { requestId: request.id };
        const { dueAt } = await requestMyErasure(deps, code, ctx);
        const data = await myData(deps, code, ctx);
        return page(reply, locale, 200, {
          outcome: { kind: 'erasure', dueAt },
          found: { code: shownCode(code), data },
        });
      },
    );
  };
}
