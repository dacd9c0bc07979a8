import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, PgliteSession } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { queryRows } from './rows.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** One type for both drivers: domain code never knows which one it runs on. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle inside `db.transaction(async (tx) => …)`: what a write that must be audited takes. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either: for reads that may run inside or outside a transaction. */
export type Executor = Db | Tx;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Applies every pending migration (idempotent; serialised on PostgreSQL by an advisory lock). */
  migrate(): Promise<void>;
  /** True when the database answers and every committed migration has been applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const PGLITE_EXTENSIONS = { pg_trgm, unaccent };
// Any constant will do; it only has to be the same for every Arrival process.
const MIGRATION_LOCK_KEY = 7_243_901;

function committedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedMigrationCount(db: Db): Promise<number> {
  const rows = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
  );
  return rows[0]?.count ?? 0;
}

async function readiness(db: Db): Promise<boolean> {
  try {
    return (await appliedMigrationCount(db)) >= committedMigrationCount();
  } catch {
    return false;
  }
}

const soleHandles = new WeakMap<object, PGlite>();

/**
 * Whether this is the top-level handle of an embedded database: its one connection, which every write goes
 * through and commits before another starts. What this process reads through it may be kept in memory and kept in
 * step by asking what changed (a transaction's handle is not: it sees what may yet be rolled back).
 */
export function isSoleHandle(db: Executor): boolean {
  return soleHandles.has(db);
}

/**
 * Calls `listener` whenever a transaction that notified `channel` commits (pg_notify), on a sole handle; false
 * elsewhere. PGlite hears it while it reads the COMMIT's answer, before the writer's await returns.
 */
export async function listenOnSoleHandle(
  db: Executor,
  channel: string,
  listener: (payload: string) => void,
): Promise<boolean> {
  const client = soleHandles.get(db);
  if (!client) return false;
  await client.listen(channel, listener);
  return true;
}

/** COPY's text format: tab between columns, `\N` for null, backslash escapes for the rest. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function copyText(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const fields: string[] = [];
    for (const column of columns) {
      const value = row[column];
      if (value === null || value === undefined) {
        fields.push('\\N');
        continue;
      }
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      fields.push(text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] ?? c));
    }
    lines.push(fields.join('\t'));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Rows for the next statement to read as a relation with `table`'s row type, by column name (absent ones null):
 * `insert into t select … from ${await stagedRows(tx, 't', columns, rows)} r`. Call it inside a transaction.
 * PostgreSQL gets the rows as one JSON parameter. PGlite gets them through COPY from a blob into a temporary table
 * (dropped at commit): its JavaScript measures and encodes a text parameter one character at a time, and
 * json_populate_recordset is slow in WebAssembly (an import of 10k services: bench/README.md).
 */
export async function stagedRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<SQL> {
  const session = tx._.session;
  if (!(session instanceof PgliteSession)) {
    return sql`json_populate_recordset(null::${sql.identifier(table)}, ${JSON.stringify(rows)}::json)`;
  }
  // The client of a PGlite session inside a transaction: PGlite's transaction object, which can send a blob.
  const client = (session as unknown as { client: Pick<PGlite, 'query'> }).client;
  const staging = `"staged_${table}"`;
  const target = `"${table}"`;
  // Created from a query, not LIKE: the staged rows may lack what the table requires (a default fills it later).
  await client.query(
    `create temp table if not exists ${staging} on commit drop as select * from ${target} with no data`,
  );
  await client.query(`truncate ${staging}`);
  const list = columns.map((c) => `"${c}"`).join(', ');
  await client.query(`copy ${staging} (${list}) from '/dev/blob'`, [], {
    blob: new Blob([copyText(columns, rows)]),
  });
  return sql.raw(staging);
}

export interface PgliteDatabase extends Database {
  readonly kind: 'pglite';
  readonly client: PGlite;
}

/** Opens the embedded database in `dataDir` (or in memory, from a dumped data dir, for tests). */
export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<PgliteDatabase> {
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: PGLITE_EXTENSIONS,
  });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  soleHandles.set(db, client);
  return {
    kind: 'pglite',
    client,
    db,
    migrate: () => migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    isReady: () => readiness(db),
    close: () => client.close(),
  };
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its connection emits 'error'; without a listener that would end the process.
  pool.on('error', () => {});
  const nodePg = drizzlePg({ client: pool, schema });
  const db = nodePg as unknown as Db;
  await pool.query('select 1');
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    isReady: () => readiness(db),
    close: () => pool.end(),
  };
}

export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres'
    ? openPostgres(config.url)
    : openPglite({ dataDir: path.join(config.dataDir, 'pgdata') });
}
