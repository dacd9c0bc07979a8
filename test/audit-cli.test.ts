import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../src/domains/audit/index.ts';
import { cliDatabase } from './cli-database.ts';
import { runCli } from './process.ts';

describe('arrival audit verify', () => {
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
