import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { loadDemoCityIfEmpty, prepareSearch, publishAccessTaxonomy } from './domains/directory/index.ts';
import { createKeyring } from './domains/people/index.ts';
import { loadCatalogues } from './i18n/index.ts';
import { dailyJobs, type Schedule, type ScheduleOptions, startSchedule } from './jobs.ts';
import { openRuntime, type Runtime } from './runtime.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  runtime: Runtime;
  /** The daily jobs (retention, …): stopped with the server. */
  schedule: Schedule;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** When the daily jobs run (tests make it short or fire it by hand); by default a minute after start, then daily. */
  schedule?: Pick<ScheduleOptions, 'firstDelayMs' | 'intervalMs' | 'timers'>;
}

/** `arrival start`: lock, open and migrate the database, build the app, listen. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const catalogues = loadCatalogues(config.defaultLocale);
  const runtime = await openRuntime(config, logger);
  let app: FastifyInstance | undefined;
  try {
    const drafts = catalogues.all().filter((c) => !c.reviewed);
    if (drafts.length > 0) {
      // Said to whoever runs the city's deployment; the public pages never show it.
      logger.info(
        { locales: drafts.map((c) => c.locale) },
        'Some translations are machine-drafted and not yet reviewed by a native speaker',
      );
    }
    await publishAccessTaxonomy(runtime.database.db, catalogues);
    if (config.demo && (await loadDemoCityIfEmpty(runtime.database.db, catalogues))) {
      logger.info('Loaded the demo city into the empty directory');
    }
    await prepareSearch(runtime.database.db);
    app = await buildApp({
      config,
      database: runtime.database,
      catalogues,
      logger,
      collectProcessMetrics: true,
      masterKey: runtime.masterKey,
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => {});
    await runtime.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  const running = app;
  const schedule = startSchedule({
    ...options.schedule,
    logger,
    // The same clock and deployment key as the app's routes, so the jobs compute with the app's time.
    jobs: dailyJobs({
      people: {
        db: runtime.database.db,
        clock: running.clock,
        keyring: createKeyring(runtime.masterKey),
        erasureGraceDays: config.erasureDays,
      },
      referrals: {
        db: runtime.database.db,
        clock: running.clock,
        publicBaseUrl: config.publicBaseUrl,
        locale: config.defaultLocale,
        referralAckDays: config.referralAckDays,
        referralExpiryDays: config.referralExpiryDays,
        outbox: running.outbox,
      },
    }),
  });
  let stopping: Promise<void> | undefined;
  return {
    url,
    app: running,
    runtime,
    schedule,
    stop() {
      stopping ??= (async () => {
        try {
          await schedule.stop();
          await running.close();
        } finally {
          await runtime.close();
        }
      })();
      return stopping;
    },
  };
}
