import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import nodemailer, { type Transporter } from 'nodemailer';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/driver.ts';
import {
  type AccountsDeps,
  accountsRoutes,
  loginRedirect,
  resolveSession,
  sessionCookieFor,
  staffPageRoutes,
  warmUpPasswordChecks,
} from './domains/accounts/index.ts';
import { auditRoutes, registerAuditMetrics } from './domains/audit/index.ts';
import { consentRoutes, myDataPageRoutes } from './domains/consent/index.ts';
import { directoryPageRoutes, hsdsRoutes, watchDirectoryVersion } from './domains/directory/index.ts';
import { helpdeskPageRoutes, referralPageRoutes, referralsSection } from './domains/helpdesk/index.ts';
import { homeRoutes } from './domains/home/index.ts';
import { createOutboxWorker, type OutboxWorker } from './domains/notify/index.ts';
import {
  createKeyring,
  type PeopleDeps,
  peopleRoutes,
  privacyRoutes,
  privateMessageOpener,
} from './domains/people/index.ts';
import { type ReferralDeps, referralRoutes } from './domains/referrals/index.ts';
import { describeError, registerErrorHandling } from './http/errors.ts';
import { requestLocale, wantsHtml } from './http/locale.ts';
import { observabilityRoutes } from './http/observability.ts';
import { openApiRoutes, registerOpenApi } from './http/openapi.tsx';
import { enforcePolicies, publicAccess } from './http/policy.ts';
import { GroupedRateLimitStore } from './http/rate-limit-store.ts';
import type { Catalogues } from './i18n/index.ts';
import { createPdfRenderer, type PdfRenderer } from './pdf/index.ts';
import {
  type Assets,
  BadRequestPage,
  createUi,
  loadAssets,
  NotFoundPage,
  ProblemPage,
  ServerErrorPage,
} from './ui/index.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  catalogues: Catalogues;
  logger: FastifyBaseLogger;
  clock?: Clock;
  assets?: Assets;
  /** Renders PDFs (the welcome kit); one is made, and closed with the app, when not given. */
  pdf?: PdfRenderer;
  /** Where email goes; by default a transport for SMTP_URL, or none (messages wait in the outbox). */
  mailTransport?: Transporter;
  /** How often the outbox looks for due retries (ms; default 30 s; 0 = only after commits and by hand). */
  outboxPollMs?: number;
  /** Requests allowed per source address per minute, all routes together (default 300). */
  rateLimitPerMinute?: number;
  /**
   * Tries of a code a person holds (public /api/v1/my-data…, a referral's disclosure code) per source address
   * per minute (default 10).
   */
  codeRateLimitPerMinute?: number;
  /** Login attempts allowed per source address per minute (default 30). */
  loginRateLimitPerMinute?: number;
  /** Process-wide metrics (CPU, memory, event loop); off in tests, which build many apps in one process. */
  collectProcessMetrics?: boolean;
  /**
   * The deployment key that wraps each person's data key (the runtime resolves it); else the config's. Without
   * either, a throwaway key is made and a warning logged: what is stored then cannot be read after a restart.
   */
  masterKey?: Buffer;
}

export const APP_VERSION = '0.1.0';
/** Request bodies above this are refused with 413 PAYLOAD_TOO_LARGE before they are parsed. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds the whole HTTP application from explicit dependencies: no globals, no singletons. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, catalogues } = deps;
  const clock = deps.clock ?? systemClock;
  const assets = deps.assets ?? loadAssets();
  const ui = createUi({ catalogues, assets, city: config.cityName });
  const pdf = deps.pdf ?? createPdfRenderer();

  const app = Fastify({
    loggerInstance: deps.logger,
    // Our own onResponse hook writes one line per request, without the query string.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    // Accept a caller's request id (e.g. from a proxy) only when it is plain; otherwise make one.
    // (With requestIdHeader set, Fastify would take any header value as it is.)
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Metrics: one registry per app, so tests and several apps in one process never share counters.
  const metrics = new Registry();
  if (deps.collectProcessMetrics) collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({
    name: 'arrival_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  });
  registerAuditMetrics(metrics, database.db);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    // One line per request: the route pattern, never the query string (it can carry what a person typed).
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  let masterKey = deps.masterKey ?? config.masterKey;
  if (!masterKey) {
    app.log.warn('No master key given: using a throwaway one, so personal data will not survive a restart');
    masterKey = randomBytes(32);
  }
  // One keyring for the app: people's data keys, blind indexes, and staff TOTP secrets.
  const keyring = createKeyring(masterKey);
  const accounts: AccountsDeps = { db: database.db, clock, issuer: config.cityName, keyring };
  await warmUpPasswordChecks();
  const mailTransport =
    deps.mailTransport ?? (config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined);
  if (!mailTransport) app.log.warn('SMTP_URL is not set: emails (invitations) wait in the outbox');
  const outbox = createOutboxWorker({
    openPrivate: privateMessageOpener({ db: database.db, keyring }),
    db: database.db,
    clock,
    catalogues,
    transport: mailTransport,
    from: config.mailFrom,
    pollMs: deps.outboxPollMs ?? 30_000,
    onError: (error) => app.log.error({ error: describeError(error) }, 'outbox delivery failed'),
  });
  app.addHook('onClose', () => outbox.stop());
  app.decorate('outbox', outbox);
  const sessionCookie = sessionCookieFor(config.publicBaseUrl);
  enforcePolicies(app, {
    resolveActor: async (request) => {
      const token = request.cookies[sessionCookie.name];
      return token ? resolveSession(accounts, token) : undefined;
    },
  });
  await registerOpenApi(app, { publicBaseUrl: config.publicBaseUrl, version: APP_VERSION });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
      },
    },
    // Cross-origin isolation would break links to maps and partner sites; the rest of helmet's defaults stay.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.publicBaseUrl.startsWith('https:'),
  });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(rateLimit, {
    global: true,
    // Routes of one `groupId` share a counter (code guesses across every route that takes a code).
    store: GroupedRateLimitStore,
    max: deps.rateLimitPerMinute ?? 300,
    timeWindow: '1 minute',
    // The rate-limit plugin's own 429 body is replaced by our error handler's.
    errorResponseBuilder: (_request, context) => {
      const error = new Error('rate limited') as Error & { statusCode: number };
      error.statusCode = context.statusCode;
      return error;
    },
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  registerErrorHandling(app, {
    wantsHtml,
    json: (request, error) => {
      const t = catalogues.translator(requestLocale(request, catalogues));
      return {
        error: {
          code: error.code,
          message: t(`error.code.${error.code}`),
          requestId: request.id,
          ...(error.details ? { details: error.details } : {}),
        },
      };
    },
    html: (request, _reply, status, code) => {
      const locale = requestLocale(request, catalogues);
      const ctx = ui.context(locale, '/');
      if (status >= 500) return ui.render(ServerErrorPage({ ctx }));
      if (status === 404) return ui.render(NotFoundPage({ ctx }));
      // Staff see what they can do about a refusal; the public pages say the address was not understood.
      if (request.url.startsWith('/staff')) return ui.render(ProblemPage({ ctx, code }));
      return ui.render(BadRequestPage({ ctx }));
    },
    // A staff page without a session sends the person to the login page, and back after it.
    redirect: (request, status) =>
      status === 401 && request.url.startsWith('/staff/') ? loginRedirect(request.url) : undefined,
  });
  app.get(
    '/assets/:name',
    {
      config: { policy: publicAccess },
      schema: { hide: true, params: z.object({ name: z.string().max(100) }) },
    },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.callNotFound();
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body);
    },
  );

  // The service worker must be served from the root to control pages under every locale.
  const serviceWorker = readFileSync(new URL('./ui/sw.js', import.meta.url));
  app.get('/sw.js', { config: { policy: publicAccess }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('service-worker-allowed', '/')
      .send(serviceWorker),
  );

  await app.register(observabilityRoutes({ database, metrics }));
  await app.register(
    accountsRoutes({
      ...accounts,
      cookie: sessionCookie,
      loginRateLimitPerMinute: deps.loginRateLimitPerMinute,
      outbox,
      publicBaseUrl: config.publicBaseUrl,
      locale: config.defaultLocale,
    }),
  );
  await app.register(
    staffPageRoutes({
      ...accounts,
      ui,
      cookie: sessionCookie,
      loginRateLimitPerMinute: deps.loginRateLimitPerMinute,
      outbox,
      publicBaseUrl: config.publicBaseUrl,
      locale: config.defaultLocale,
    }),
  );
  await app.register(auditRoutes({ db: database.db, clock, ui }));
  const people: PeopleDeps = {
    db: database.db,
    clock,
    keyring,
    erasureGraceDays: config.erasureDays,
    messages: {
      publicBaseUrl: config.publicBaseUrl,
      locales: catalogues.locales,
      defaultLocale: config.defaultLocale,
      kick: () => outbox.kick(),
    },
  };
  await app.register(peopleRoutes(people));
  await app.register(consentRoutes(people, { codeRateLimitPerMinute: deps.codeRateLimitPerMinute }));
  await app.register(privacyRoutes({ ui }));
  await app.register(
    myDataPageRoutes({
      ...people,
      ui,
      timeZone: config.timeZone,
      codeRateLimitPerMinute: deps.codeRateLimitPerMinute,
    }),
  );
  await app.register(
    helpdeskPageRoutes({
      ...people,
      ui,
      publicBaseUrl: config.publicBaseUrl,
      personSections: [referralsSection(people.db)],
    }),
  );
  const referralDeps: ReferralDeps = {
    ...people,
    outbox,
    publicBaseUrl: config.publicBaseUrl,
    locale: config.defaultLocale,
    referralAckDays: config.referralAckDays,
    referralExpiryDays: config.referralExpiryDays,
  };
  await app.register(referralRoutes(referralDeps, { codeRateLimitPerMinute: deps.codeRateLimitPerMinute }));
  await app.register(
    referralPageRoutes({ ...referralDeps, ui, codeRateLimitPerMinute: deps.codeRateLimitPerMinute }),
  );
  await app.register(homeRoutes({ ui, emergencyNumber: config.emergencyNumber }));
  await app.register(
    directoryPageRoutes({
      db: database.db,
      ui,
      clock,
      pdf,
      timeZone: config.timeZone,
      publicBaseUrl: config.publicBaseUrl,
      emergencyNumber: config.emergencyNumber,
    }),
  );
  if (!deps.pdf) app.addHook('onClose', () => pdf.close());
  await app.register(
    hsdsRoutes({
      db: database.db,
      publicBaseUrl: config.publicBaseUrl,
      locales: catalogues.locales,
      version: await watchDirectoryVersion(database),
    }),
  );
  await app.register(openApiRoutes(ui));

  app.decorate('clock', clock);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    clock: Clock;
    outbox: OutboxWorker;
  }
}
