import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite } from './driver.ts';
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
});
