import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../db/testing.ts';
import { loadCatalogues } from '../../../i18n/index.ts';
import { loadDemoCityIfEmpty } from '../demo.ts';
import { searchServices } from '../search.ts';
import { LABELLED_QUERIES as QUERIES } from './queries.ts';

/**
 * The labelled relevance set (queries.json) runs on both drivers; recall@3 is the share of queries with at least
 * one expected service in the first three results.
 */
/** The bar this set must clear on every driver. */
const MIN_RECALL_AT_3 = 0.9;

describe(`search relevance on the demo city (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
    await loadDemoCityIfEmpty(db.db, loadCatalogues('en'));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has at least 40 labelled queries across scripts', () => {
    expect(QUERIES.length).toBeGreaterThanOrEqual(40);
    for (const script of [/\p{Script=Arabic}/u, /\p{Script=Cyrillic}/u, /\p{Script=Latin}/u]) {
      expect(QUERIES.some((q) => script.test(q.q))).toBe(true);
    }
  });

  it(`finds an expected service in the top 3 for at least ${MIN_RECALL_AT_3 * 100}% of queries`, async () => {
    const misses: string[] = [];
    for (const query of QUERIES) {
      const result = await searchServices(db.db, { q: query.q, locale: query.locale, page: 1, perPage: 3 });
      if (!query.expect.some((id) => result.ids.includes(id))) misses.push(`${query.q} (${query.why})`);
    }
    const recall = 1 - misses.length / QUERIES.length;
    expect(recall, `recall@3 ${recall.toFixed(3)}; missed:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(
      MIN_RECALL_AT_3,
    );
  });
});
