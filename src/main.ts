import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { verifyAuditLog } from './domains/audit/index.ts';
import { describeError } from './http/errors.ts';
import { loadCatalogues } from './i18n/index.ts';
import { createLogger } from './logger.ts';
import { openRuntime } from './runtime.ts';
import { startServer } from './server.ts';

/** Exit codes: 0 done, 1 failed (bad configuration, data directory in use, …), 2 wrong usage. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function config(): Config {
  return loadConfig(process.env);
}

async function start(options: { demoDefault?: boolean }): Promise<void> {
  // `npm start` loads the demo city unless the caller set ARRIVAL_DEMO (an explicit 0 wins).
  if (options.demoDefault && process.env.ARRIVAL_DEMO === undefined) process.env.ARRIVAL_DEMO = '1';
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel });
  const server = await startServer(cfg, logger);
  console.log(`Arrival is running at ${server.url}`);
  if (cfg.publicBaseUrl !== server.url.replace(/\/$/, ''))
    console.log(`Public address: ${cfg.publicBaseUrl}/`);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: stop waiting for open connections.
      process.exit(EXIT_FAILED);
    }
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_FAILED);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function migrate(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel });
  const runtime = await openRuntime(cfg, logger);
  await runtime.close();
  console.log('Migrations applied.');
}

/** `arrival audit verify`: exit 0 when the chain is intact, 1 naming the first row that breaks it. */
async function auditVerify(): Promise<void> {
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel });
  const runtime = await openRuntime(cfg, logger);
  try {
    const verdict = await verifyAuditLog(runtime.database.db);
    if (verdict.intact) {
      console.log(`audit log intact: ${verdict.length} rows, head ${verdict.head}`);
    } else {
      console.log(`audit log broken at seq ${verdict.brokenAtSeq} (${verdict.reason})`);
      process.exitCode = EXIT_FAILED;
    }
  } finally {
    await runtime.close();
  }
}

function listLocales(): void {
  const catalogues = loadCatalogues(config().defaultLocale);
  for (const c of catalogues.all()) {
    console.log(
      `${c.locale}\t${c.dir}\t${c.reviewed ? 'reviewed' : 'machine-drafted, needs review'}\t${c.name}`,
    );
  }
}

export function buildCli(): Command {
  const program = new Command('arrival')
    .description('Arrival: the one-stop shop a city runs for its newcomers.')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('start')
    .description('Start the web server (migrates first)')
    .option('--demo-default', 'load the demo city unless ARRIVAL_DEMO is set (used by npm start)')
    .action(start);
  program.command('migrate').description('Apply pending database migrations').action(migrate);
  program
    .command('audit')
    .description('Audit log tools')
    .command('verify')
    .description('Recompute the audit hash chain: exit 0 intact, 1 broken (naming the first bad row)')
    .action(auditVerify);
  program
    .command('locales')
    .description('List the languages and whether each was reviewed')
    .action(listLocales);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
      // 'commander.help' is the usage shown because no command was given.
      // Commander has already printed what was wrong, followed by the usage.
      process.exit(EXIT_USAGE);
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(`arrival: ${error.message}`);
      process.exit(EXIT_FAILED);
    }
    // Only what is safe to show: a database error's message can hold SQL and its parameters.
    const { type, code, message } = describeError(error);
    console.error(`arrival: failed (${[type, code, message].filter(Boolean).join(': ')})`);
    process.exit(EXIT_FAILED);
  }
}

await main(process.argv);
