import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/driver.ts';
import { freshServerDatabase } from '../src/db/testing.ts';
import { recordAudit, verifyAuditLog } from '../src/domains/audit/index.ts';
import { cliDatabase } from './cli-database.ts';
import { runCli } from './process.ts';

// Each test starts the CLI (a Node process that opens and migrates the database): slow on a busy CI.
describe('arrival audit verify', { timeout: 120_000 }, () => {
  let target: Awaited<ReturnType<typeof cliDatabase>>;
  beforeAll(async () => {
    target = await cliDatabase();
  });
  afterAll(async () => {
    await target?.close();
  });

  it('exits 0 on an empty log and on an intact chain', async () => {
    const empty = await runCli(['audit', 'verify'], target.env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('intact: 0 rows');

    const database = await target.open();
    try {
      for (let i = 1; i <= 5; i++) {
        await database.db.transaction((tx) =>
          recordAudit(tx, { at: new Date(), actor: null, action: 'test.appended', objectId: `o${i}` }),
        );
      }
    } finally {
      await database.close();
    }
    const intact = await runCli(['audit', 'verify'], target.env);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/intact: 5 rows, head [0-9a-f]{64}/);
  });

  it('exits 1 naming the first bad row once a row was edited behind the trigger’s back', async () => {
    const database = await target.open();
    try {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
        await tx.execute(sql`update audit_log set action = 'test.forged' where seq = 3`);
        await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
      });
    } finally {
      await database.close();
    }
    const broken = await runCli(['audit', 'verify'], target.env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('broken at seq 3');
  });
});

async function asAdmin(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

// Part of the PostgreSQL run only (defined, not skipped, so that CI counts no skipped test).
if (process.env.DATABASE_URL)
  describe('the recommended PostgreSQL role for the app (src/domains/audit/README.md)', () => {
    it('may append to the audit log, but not change, delete or unprotect it', async () => {
      const server = await freshServerDatabase();
      const ownerUrl = server.env.DATABASE_URL ?? '';
      const role = `arrival_app_${randomBytes(4).toString('hex')}`;
      const database = new URL(ownerUrl).pathname.slice(1);
      await asAdmin(ownerUrl, [
        `CREATE ROLE ${role} LOGIN`,
        `GRANT CONNECT ON DATABASE ${database} TO ${role}`,
        `GRANT USAGE ON SCHEMA public TO ${role}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
        `REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${role}`,
        `GRANT USAGE ON SCHEMA drizzle TO ${role}`,
        `GRANT SELECT ON drizzle.__drizzle_migrations TO ${role}`,
      ]);
      const appUrl = new URL(ownerUrl);
      appUrl.username = role;
      const app = await openPostgres(appUrl.toString(), { max: 2 });
      try {
        expect(await app.isReady()).toBe(true);
        await app.db.transaction((tx) =>
          recordAudit(tx, { at: new Date(), actor: null, action: 'test.appended', objectId: 'x1' }),
        );
        const refused = async (statement: ReturnType<typeof sql>) => {
          const error = await app.db.execute(statement).then(
            () => undefined,
            (e: unknown) => e as { cause?: { code?: string; message?: string } },
          );
          return `${error?.cause?.code}: ${error?.cause?.message}`;
        };
        // Refused by the grants (not only by the trigger, whose message says "append-only").
        expect(await refused(sql`update audit_log set action = 'x.y'`)).toBe(
          '42501: permission denied for table audit_log',
        );
        expect(await refused(sql`delete from audit_log`)).toBe(
          '42501: permission denied for table audit_log',
        );
        expect(await refused(sql`truncate audit_log`)).toBe('42501: permission denied for table audit_log');
        // Only the table's owner may switch the trigger off.
        expect(await refused(sql`alter table audit_log disable trigger audit_log_append_only`)).toBe(
          '42501: must be owner of table audit_log',
        );
        expect(await verifyAuditLog(app.db)).toMatchObject({ intact: true, length: 1 });
      } finally {
        await app.close();
        await server.close();
        await asAdmin(ownerUrl.replace(/\/[^/]*$/, '/postgres'), [`DROP ROLE IF EXISTS ${role}`]);
      }
    });
  });
