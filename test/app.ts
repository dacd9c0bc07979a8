import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import { buildApp } from '../src/app.ts';
import { type Clock, fixedClock } from '../src/clock.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { freshDatabase, type TestDatabase } from '../src/db/testing.ts';
import { loadCatalogues } from '../src/i18n/index.ts';
import { createLogger } from '../src/logger.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** The app's clock: it stands still until a test moves it. */
  clock: ReturnType<typeof fixedClock>;
  /** Every log line the app wrote, as text: tests assert what must never appear in logs. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database of the suite's driver, driven through `app.inject()`.
 * `extend` may add routes before the app is ready (e.g. a route that fails on purpose).
 */
export async function buildTestApp(
  options: {
    env?: NodeJS.ProcessEnv;
    extend?: (app: FastifyInstance) => void;
    clock?: ReturnType<typeof fixedClock>;
    loginRateLimitPerMinute?: number;
    rateLimitPerMinute?: number;
    codeRateLimitPerMinute?: number;
    mailTransport?: Transporter;
  } = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({ ARRIVAL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), ...options.env });
  let captured = '';
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      captured += String(chunk);
      callback();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const clock = options.clock ?? fixedClock(new Date('2026-03-02T09:00:00.000Z'));
  const app = await buildApp({
    config,
    database,
    catalogues: loadCatalogues(config.defaultLocale),
    logger,
    clock: clock as Clock,
    loginRateLimitPerMinute: options.loginRateLimitPerMinute ?? 1000,
    ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    ...(options.codeRateLimitPerMinute ? { codeRateLimitPerMinute: options.codeRateLimitPerMinute } : {}),
    // Tests send mail by calling app.outbox.flush(), never on a timer.
    outboxPollMs: 0,
    ...(options.mailTransport ? { mailTransport: options.mailTransport } : {}),
  });
  options.extend?.(app);
  await app.ready();
  return {
    app,
    database,
    config,
    clock,
    logs: () => captured,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
