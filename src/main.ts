import { Command, CommanderError } from 'commander';
import { systemClock } from './clock.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import type { ProvisionedUser } from './domains/accounts/index.ts';
import { AppError, describeError } from './http/errors.ts';
import { ROLES, type Role } from './http/policy.ts';
import { loadCatalogues } from './i18n/index.ts';
import { createLogger } from './logger.ts';
import { openRuntime, type Runtime } from './runtime.ts';

// Each command loads the modules it needs when it runs (the server's, the directory's…): all of them take ~0.5 s
// to load, which a command that needs few of them (an import, a migration) need not wait for.
const directory = () => import('./domains/directory/index.ts');
const people = () => import('./domains/people/index.ts');

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
  const { startServer } = await import('./server.ts');
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

/** Opens (and migrates) the database for one command, and closes it whatever happens. */
async function withRuntime<T>(run: (runtime: Runtime, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel });
  const runtime = await openRuntime(cfg, logger);
  try {
    return await run(runtime, cfg);
  } finally {
    await runtime.close();
  }
}

async function migrate(): Promise<void> {
  await withRuntime(async () => {});
  console.log('Migrations applied.');
}

async function importCommand(
  source: string,
  options: { lang?: string; translation?: boolean; origin: string },
): Promise<void> {
  const { ImportRejected, importHsds, importHsdsTranslations, TRANSLATION_ORIGINS } = await directory();
  if (options.lang && !/^[a-z]{2,3}$/.test(options.lang)) {
    throw new ImportRejected([
      { file: '--lang', row: null, field: 'lang', message: 'must be a language code such as en' },
    ]);
  }
  const origin = TRANSLATION_ORIGINS.find((o) => o === options.origin);
  if (options.translation && (!options.lang || !origin)) {
    console.error(
      `arrival: --translation needs --lang, and --origin one of ${TRANSLATION_ORIGINS.join(', ')}`,
    );
    process.exit(EXIT_USAGE);
  }
  await withRuntime(async (runtime, cfg) => {
    if (options.translation && options.lang && origin) {
      const { translations } = await importHsdsTranslations(runtime.database.db, source, {
        lang: options.lang,
        origin,
      });
      console.log(`Imported ${translations} translated text(s) in ${options.lang} (${origin}).`);
      return;
    }
    const catalogues = loadCatalogues(cfg.defaultLocale);
    const summary = await importHsds(runtime.database.db, source, {
      lang: options.lang,
      locales: catalogues.locales,
      defaultLocale: cfg.defaultLocale,
    });
    console.log(`Imported ${summary.services} service(s).`);
    for (const [table, count] of Object.entries(summary.counts)) console.log(`  ${table}\t${count}`);
  });
}

async function exportCommand(dir: string): Promise<void> {
  const { exportHsds } = await directory();
  await withRuntime(async (runtime) => {
    const counts = await exportHsds(runtime.database.db, dir);
    console.log(`Exported to ${dir}:`);
    for (const [table, count] of Object.entries(counts)) console.log(`  ${table}\t${count}`);
  });
}

async function seedDemoCommand(options: { services?: string; seed: string }): Promise<void> {
  const services = options.services === undefined ? undefined : Number(options.services);
  const seed = Number(options.seed);
  if (
    (services !== undefined && (!Number.isInteger(services) || services < 1 || services > 2_000_000)) ||
    !Number.isInteger(seed)
  ) {
    console.error('arrival: --services must be a whole number from 1 to 2000000, and --seed a whole number');
    process.exit(EXIT_USAGE);
  }
  const { loadDemoCityIfEmpty, seedSyntheticDirectory } = await directory();
  await withRuntime(async (runtime, cfg) => {
    if (services === undefined) {
      const loaded = await loadDemoCityIfEmpty(runtime.database.db, loadCatalogues(cfg.defaultLocale));
      console.log(
        loaded
          ? 'Loaded the demo city.'
          : 'The directory already has services; the demo city was not loaded.',
      );
      return;
    }
    await seedSyntheticDirectory(runtime.database.db, services, seed);
    console.log(`Seeded ${services} synthetic services (seed ${seed}).`);
  });
}

async function auditVerify(): Promise<void> {
  const { verifyAuditLog } = await import('./domains/audit/index.ts');
  await withRuntime(async (runtime) => {
    const verdict = await verifyAuditLog(runtime.database.db);
    if (verdict.intact) {
      console.log(`audit log intact: ${verdict.length} rows, head ${verdict.head}`);
    } else {
      console.log(`audit log broken at seq ${verdict.brokenAtSeq} (${verdict.reason})`);
      process.exitCode = EXIT_FAILED;
    }
  });
}

/** `arrival retention run`: what the daily schedule does (retention, referral checks), now; prints counts only. */
async function retentionRun(): Promise<void> {
  const { createKeyring, describeRetention, runRetention } = await people();
  const { runReferralChecks } = await import('./domains/referrals/index.ts');
  const { describeReferralChecks } = await import('./jobs.ts');
  await withRuntime(async (runtime, cfg) => {
    const report = await runRetention({
      db: runtime.database.db,
      clock: systemClock,
      keyring: createKeyring(runtime.masterKey),
      erasureGraceDays: cfg.erasureDays,
    });
    console.log(describeRetention(report));
    // Referral checks too, as the daily schedule does; their emails wait in the outbox for the server to send.
    const checks = await runReferralChecks({
      db: runtime.database.db,
      clock: systemClock,
      publicBaseUrl: cfg.publicBaseUrl,
      locale: cfg.defaultLocale,
      referralAckDays: cfg.referralAckDays,
      referralExpiryDays: cfg.referralExpiryDays,
    });
    console.log(describeReferralChecks(checks));
  });
}

/** The password piped on stdin (passwords never come from arguments, which other users can see). */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('--password-stdin: pipe the password in, e.g. `printf %s "$PW" | …`');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  // One trailing newline (from echo or a here-string) is not part of the password.
  return text.replace(/\r?\n$/, '');
}

class UsageError extends Error {}

function printProvisioned(email: string, role: Role, organisation: string, created: ProvisionedUser): void {
  console.log(`Created ${email}: ${role} of ${organisation}.`);
  if (created.totp) {
    console.log('Enrol this in an authenticator app (a second factor is required for this role):');
    console.log(created.totp.uri);
    console.log('Recovery codes (each works once; keep them somewhere safe):');
    for (const code of created.totp.recoveryCodes) console.log(code);
  }
}

async function createUser(options: {
  email: string;
  organisation: string;
  role: string;
  passwordStdin?: boolean;
  hsdsOrganizationId?: string;
}): Promise<void> {
  if (!options.passwordStdin) throw new UsageError('--password-stdin is required');
  if (!(ROLES as readonly string[]).includes(options.role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const role = options.role as Role;
  const password = await readPasswordFromStdin();
  const { provisionUser } = await import('./domains/accounts/index.ts');
  const { createKeyring } = await people();
  await withRuntime(async (runtime, cfg) => {
    const created = await provisionUser(
      {
        db: runtime.database.db,
        clock: systemClock,
        issuer: cfg.cityName,
        keyring: createKeyring(runtime.masterKey),
      },
      {
        email: options.email,
        password,
        organisationName: options.organisation,
        role,
        ...(options.hsdsOrganizationId ? { hsdsOrganizationId: options.hsdsOrganizationId } : {}),
      },
    );
    printProvisioned(options.email.trim().toLowerCase(), role, options.organisation.trim(), created);
  });
}

async function createAdmin(options: { email: string; passwordStdin?: boolean }): Promise<void> {
  // The first city admin belongs to the city itself, as an organisation named after it.
  await createUser({ ...options, organisation: config().cityName, role: 'city_admin' });
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
    .command('import-hsds')
    .description(
      'Import HSDS 3.0 services: a JSON file (service, array, or API page) or a tabular package directory',
    )
    .argument('<path>', 'JSON file or directory with datapackage.json and CSV files')
    .option('--lang <lang>', 'language of the text (detected per record when absent)')
    .option('--translation', 'the records are translations (into --lang) of records already in the directory')
    .option(
      '--origin <origin>',
      'with --translation: who translated it (human, partner or machine)',
      'partner',
    )
    .action(importCommand);
  program
    .command('export-hsds')
    .description('Export the directory as an HSDS 3.0 tabular package and services.json')
    .argument('<dir>', 'a new or empty directory')
    .action(exportCommand);
  program
    .command('seed-demo')
    .description('Load the demo city, or with --services a deterministic synthetic directory for benchmarks')
    .option('--services <n>', 'number of synthetic services (in eight languages)')
    .option('--seed <s>', 'random seed', '1')
    .action(seedDemoCommand);
  program
    .command('create-admin')
    .description('Create a city administrator (password on stdin; prints the TOTP enrolment URI)')
    .requiredOption('--email <email>', 'their email address')
    .option('--password-stdin', 'read the password from standard input')
    .action(createAdmin);
  program
    .command('create-user')
    .description('Create a user in an organisation (created if missing); password on stdin')
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--organisation <name>', 'the organisation they act for')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--password-stdin', 'read the password from standard input')
    .option('--hsds-organization-id <id>', 'link a new organisation to this HSDS organization')
    .action(createUser);
  program
    .command('audit')
    .description('Audit log tools')
    .command('verify')
    .description('Recompute the audit hash chain: exit 0 intact, 1 broken (naming the first bad row)')
    .action(auditVerify);
  program
    .command('retention')
    .description('Retention and erasure (the server also runs this daily)')
    .command('run')
    .description(
      'Erase people whose erasure request is due or who had no contact for the registry’s period, and delete ' +
        'records past theirs; leaves deletion records without personal data',
    )
    .action(retentionRun);
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
    if (error instanceof UsageError) {
      console.error(`arrival: ${error.message}`);
      process.exit(EXIT_USAGE);
    }
    if (error instanceof AppError) {
      // A refusal the user can act on (weak password, email taken, …), in plain English with its code.
      const t = loadCatalogues('en').translator('en');
      console.error(`arrival: ${t(error.messageKey)} (${error.code})`);
      process.exit(EXIT_FAILED);
    }
    const { ImportRejected } = await directory();
    if (error instanceof ImportRejected) {
      console.error(`arrival: ${error.message}`);
      for (const p of error.problems) {
        console.error(`  ${p.file}${p.row === null ? '' : `:${p.row}`}  ${p.field}  ${p.message}`);
      }
      process.exit(EXIT_FAILED);
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(`arrival: ${error.message}`);
      process.exit(EXIT_FAILED);
    }
    // Only what is safe to show: a database error's message can hold SQL and its parameters.
    const { type, code, message, cause } = describeError(error);
    const sqlState = (cause as { code?: string } | undefined)?.code;
    const parts = [type, code, message, sqlState ? `SQLSTATE ${sqlState}` : undefined].filter(Boolean);
    console.error(`arrival: failed (${parts.join(': ')})`);
    process.exit(EXIT_FAILED);
  }
}

await main(process.argv);
