import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Environment → typed, validated configuration. The names and defaults are a contract (DESIGN.md). */
const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ARRIVAL_MASTER_KEY: z
    .string()
    .refine((value) => decodeKey(value) !== undefined, 'must be 32 bytes encoded as base64')
    .optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  ARRIVAL_DEMO: z.enum(['0', '1']).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  ARRIVAL_MAIL_FROM: z.string().min(3).max(200).default('Arrival <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ARRIVAL_DEFAULT_LOCALE: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'must be a bare language code such as en')
    .default('en'),
  ARRIVAL_CITY_NAME: z.string().min(1).max(80).optional(),
  ARRIVAL_TIMEZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Lisbon')
    .default('UTC'),
  ARRIVAL_EMERGENCY_NUMBER: z
    .string()
    .regex(/^\+?[0-9]{2,15}$/, 'must be a phone number of digits, e.g. 112')
    .default('112'),
  ARRIVAL_ERASURE_DAYS: z.coerce.number().int().min(0).max(90).default(30),
  ARRIVAL_REFERRAL_ACK_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  ARRIVAL_REFERRAL_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});

/** The name of the fictional city whose directory `ARRIVAL_DEMO=1` loads (src/domains/directory/demo). */
export const DEMO_CITY_NAME = 'Ardvarna';

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  /** Set when given in the environment; resolved by {@link resolveMasterKey} otherwise. */
  masterKey: Buffer | undefined;
  publicBaseUrl: string;
  demo: boolean | undefined;
  /** Where email goes (nodemailer URL); unset, messages wait in the outbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
  defaultLocale: string;
  /** The city's name; unset, the demo city's name when the demo is loaded, else "Demo City". */
  cityName: string;
  emergencyNumber: string;
  /** The city's IANA time zone: opening hours are in it. */
  timeZone: string;
  /** Days the city has to confirm an erasure a person asked for; then retention erases them anyway. */
  erasureDays: number;
  /** A referral nobody opened or answered for this many days is escalated to its sender. */
  referralAckDays: number;
  /** A referral still waiting for the receiver after this many days expires. */
  referralExpiryDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function decodeKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) return undefined;
  const key = Buffer.from(value.trim(), 'base64');
  return key.length === 32 ? key : undefined;
}

/** Reads the environment; throws a ConfigError naming every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset", as most shells and service managers write it.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const host = e.HOST;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    port: e.PORT,
    host,
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir },
    masterKey: e.ARRIVAL_MASTER_KEY ? decodeKey(e.ARRIVAL_MASTER_KEY) : undefined,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/+$/, ''),
    demo: e.ARRIVAL_DEMO === undefined ? undefined : e.ARRIVAL_DEMO === '1',
    smtpUrl: e.SMTP_URL,
    mailFrom: e.ARRIVAL_MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    defaultLocale: e.ARRIVAL_DEFAULT_LOCALE,
    cityName: e.ARRIVAL_CITY_NAME ?? (e.ARRIVAL_DEMO === '1' ? DEMO_CITY_NAME : 'Demo City'),
    emergencyNumber: e.ARRIVAL_EMERGENCY_NUMBER,
    timeZone: e.ARRIVAL_TIMEZONE,
    erasureDays: e.ARRIVAL_ERASURE_DAYS,
    referralAckDays: e.ARRIVAL_REFERRAL_ACK_DAYS,
    referralExpiryDays: e.ARRIVAL_REFERRAL_EXPIRY_DAYS,
  };
}

export interface ResolvedKey {
  key: Buffer;
  /** A human warning to log, when the key came from (or was written to) a file in DATA_DIR. */
  warning?: string;
}

/**
 * The deployment key that wraps every person's data key (firewall rule 3).
 * PostgreSQL deployments must pass ARRIVAL_MASTER_KEY; the embedded default keeps a key file in DATA_DIR
 * (mode 0600) so that `npm start` works with no setup, and says so.
 */
export function resolveMasterKey(config: Config): ResolvedKey {
  if (config.masterKey) return { key: config.masterKey };
  if (config.database.kind === 'postgres') {
    throw new ConfigError([
      'ARRIVAL_MASTER_KEY: required when DATABASE_URL is set (32 random bytes as base64, e.g. `openssl rand -base64 32`)',
    ]);
  }
  const file = path.join(config.dataDir, 'master.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8'));
    if (!key) throw new ConfigError([`${file}: is not 32 bytes encoded as base64`]);
    return { key, warning: `Using the master key stored in ${file}; set ARRIVAL_MASTER_KEY in production.` };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return {
    key,
    warning: `Created a new master key in ${file} (mode 0600); back it up, or set ARRIVAL_MASTER_KEY in production.`,
  };
}
