import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite, stagedRows } from './driver.ts';
import { queryRows } from './rows.ts';
import { freshDatabase } from './testing.ts';

describe(`database (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs on the driver the suite was asked for', () => {
    expect(database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('is migrated and ready', async () => {
    expect(await database.isReady()).toBe(true);
  });

  it('migrates again without changing anything', async () => {
    await database.migrate();
    expect(await database.isReady()).toBe(true);
  });

  it('has pg_trgm and unaccent for search', async () => {
    const [row] = await queryRows<{ folded: string; close: boolean; far: boolean }>(
      database.db,
      sql`select unaccent('São Tomé, Kraków') as folded,
                 similarity('interpreter', 'interpeter') > 0.5 as close,
                 similarity('interpreter', 'shelter') > 0.5 as far`,
    );
    expect(row).toEqual({ folded: 'Sao Tome, Krakow', close: true, far: false });
  });

  it('is not ready before migrations are applied', async () => {
    const empty = await openPglite({});
    try {
      expect(await empty.isReady()).toBe(false);
      await empty.migrate();
      expect(await empty.isReady()).toBe(true);
    } finally {
      await empty.close();
    }
  });

  it('stages rows for a statement exactly as given, whatever characters they hold', async () => {
    await database.db.execute(
      sql`create table staging_probe (id text primary key, body text, amount text, day date, lang text not null default 'en')`,
    );
    const awkward = [
      'tab\there',
      'two\nlines',
      'carriage\rreturn',
      'back\\slash',
      '\\N',
      '\\.',
      '',
      'العربية ‮',
      '🎉 emoji',
    ];
    const rows = awkward.map((body, i) => ({
      id: `r${i}`,
      body,
      amount: i === 0 ? 41.5 : null,
      day: '2026-12-07',
    }));
    rows.push({
      id: 'absent',
      body: null as unknown as string,
      amount: null,
      day: null as unknown as string,
    });
    const columns = ['id', 'body', 'amount', 'day', 'lang'];
    const read = await database.db.transaction(async (tx) => {
      // Staged twice in one transaction: the second replaces the first.
      await stagedRows(tx, 'staging_probe', columns, [{ id: 'gone', body: 'x' }]);
      const staged = await stagedRows(tx, 'staging_probe', columns, rows);
      await tx.execute(
        sql`insert into staging_probe (id, body, amount, day, lang)
            select r.id, r.body, r.amount, r.day, coalesce(r.lang, 'en') from ${staged} r`,
      );
      return queryRows<{ id: string; body: string | null; amount: string | null; day: string | null }>(
        tx,
        sql`select id, body, amount, day::text as day from staging_probe order by id`,
      );
    });
    const expected = rows
      .map((r) => ({
        id: r.id,
        body: r.body,
        amount: r.amount === null ? null : String(r.amount),
        day: r.day,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(read).toEqual(expected);
  });
});
