import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { auditChainHead, recordAudit, verifyAuditLog } from './index.ts';

const at = new Date('2026-03-01T10:00:00.000Z');
const actor = { userId: '00000000-0000-4000-8000-000000000001', organisationId: null, role: 'city_admin' };

/** Runs SQL with the append-only trigger off, as a table owner or superuser could. */
async function tamper(db: Db, statements: SQL | SQL[]) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    for (const statement of [statements].flat()) await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  });
}

async function append(db: Db, count: number) {
  for (let i = 0; i < count; i++) {
    await db.transaction((tx) =>
      recordAudit(tx, { at, actor, action: 'test.appended', objectType: 'thing', objectId: `t${i}` }),
    );
  }
}

describe('audit log in the database', () => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    t = await buildTestApp();
    db = t.database.db;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('appends rows in the caller’s transaction, and a rolled-back action leaves none', async () => {
    await append(db, 3);
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, { at, actor, action: 'test.rolled_back' });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    const rows = await queryRows<{ action: string }>(db, sql`select action from audit_log order by seq`);
    expect(rows.map((r) => r.action)).toEqual(['test.appended', 'test.appended', 'test.appended']);
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, length: 3 });
  });

  it('refuses personal plaintext where an id belongs', async () => {
    await expect(
      db.transaction((tx) =>
        recordAudit(tx, {
          at,
          actor,
          action: 'user.created',
          objectType: 'user',
          objectId: 'ana@example.org',
        }),
      ),
    ).rejects.toThrow(/objectId/);
    await expect(
      db.transaction((tx) => recordAudit(tx, { at, actor, action: 'Not An Action' })),
    ).rejects.toThrow(/action/);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through a trigger', async () => {
    await expect(db.execute(sql`update audit_log set action = 'x.y' where seq = 1`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log where seq = 1`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_log`)).rejects.toThrow();
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, length: 3 });
  });

  it('keeps one unforked chain when many transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction((tx) => recordAudit(tx, { at, actor, action: 'test.concurrent', objectId: `c${i}` })),
      ),
    );
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, length: 15 });
  });

  it('verifies page by page', async () => {
    expect(await verifyAuditLog(db, 4)).toMatchObject({ intact: true, length: 15 });
  });

  it('publishes the chain length and head hash as metrics', async () => {
    const head = await auditChainHead(db);
    const res = await t.app.inject('/metrics');
    expect(res.body).toMatch(/^arrival_audit_chain_length 15$/m);
    expect(res.body).toContain(`arrival_audit_head_info{hash="${head.hash}"} 1`);
  });

  it('finds an edited row', async () => {
    await tamper(db, sql`update audit_log set object_id = 'forged' where seq = 5`);
    expect(await verifyAuditLog(db)).toEqual({ intact: false, brokenAtSeq: 5, reason: 'hash' });
  });
});

describe('audit verify finds each kind of tampering', () => {
  const cases: [string, SQL | SQL[], number][] = [
    ['an edited time', sql`update audit_log set at = at + interval '1 second' where seq = 3`, 3],
    ['a deleted row', sql`delete from audit_log where seq = 4`, 5],
    [
      'an inserted row',
      sql`insert into audit_log (id, seq, at, action, prev_hash, hash)
          select gen_random_uuid(), 7, at, action, prev_hash, hash from audit_log where seq = 6`,
      7,
    ],
    [
      'two reordered rows',
      [
        sql`update audit_log set seq = -2 where seq = 2`,
        sql`update audit_log set seq = 2 where seq = 3`,
        sql`update audit_log set seq = 3 where seq = -2`,
      ],
      2,
    ],
  ];
  for (const [what, statement, seq] of cases) {
    it(`names the first bad row for ${what}`, async () => {
      const t = await buildTestApp();
      try {
        await append(t.database.db, 6);
        await tamper(t.database.db, statement);
        expect(await verifyAuditLog(t.database.db)).toMatchObject({ intact: false, brokenAtSeq: seq });
      } finally {
        await t.close();
      }
    });
  }
});
