import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from './driver.ts';

/**
 * A fresh, migrated database for one test file, copied from the template the global setup migrated once
 * (PGlite: a dumped data directory; PostgreSQL: CREATE DATABASE … TEMPLATE). The same tests run on both:
 * PostgreSQL when DATABASE_URL is set, PGlite otherwise.
 */
export interface TestDatabase extends Database {
  /** A DATABASE_URL for this copy, to hand to a server process (PostgreSQL only). */
  readonly url?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate?: string;
  }
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Unsafe database name: ${name}`);
  return `"${name}"`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Global setup: migrates a template database on the server of `url` and returns its name. */
export async function createPostgresTemplate(url: string): Promise<string> {
  const name = `arrival_template_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const database = await openPostgres(withDatabase(url, name), { max: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  return name;
}

export async function dropPostgresDatabase(url: string, name: string): Promise<void> {
  await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Copies the migrated PostgreSQL template into a new database of the server at DATABASE_URL. */
async function copyPostgresTemplate(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const template = inject('postgresTemplate');
  if (!template) throw new Error('DATABASE_URL is set but the global setup made no PostgreSQL template');
  const name = `arrival_test_${randomBytes(6).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`));
  return { url: withDatabase(url, name), drop: () => dropPostgresDatabase(url, name) };
}

export async function freshDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const copy = await copyPostgresTemplate(url);
    const database = await openPostgres(copy.url, { max: 4 });
    return {
      ...database,
      url: copy.url,
      async close() {
        await database.close();
        await copy.drop();
      },
    };
  }
  const dump = readFileSync(inject('pgliteTemplate'));
  return openPglite({ loadDataDir: new Blob([dump]) });
}

/**
 * The environment for a server process on a fresh database of the suite's driver (for browser journeys and
 * CLI tests): a copied PostgreSQL database when DATABASE_URL is set; on PGlite the caller gives a DATA_DIR.
 */
export async function freshServerDatabase(): Promise<{
  env: Record<string, string>;
  close(): Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  if (!url) return { env: {}, close: async () => {} };
  const copy = await copyPostgresTemplate(url);
  return { env: { DATABASE_URL: copy.url }, close: copy.drop };
}
