import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { freshDatabase, type TestDatabase } from '../../db/testing.ts';
import { loadCatalogues } from '../../i18n/index.ts';
import { loadDemoCityIfEmpty } from './demo.ts';
import { PATH_QUERIES } from './relevance/queries.ts';
import { reindexServices } from './search.index.ts';
import { MemoryTerms, memoryPath, memoryTermsOf } from './search.memory.ts';
import { kthSmallest, parseTsvector } from './search.postings.ts';
import { editUntranslateDelete } from './search.steps.ts';
import { termPath, termPathAvailable } from './search.terms.ts';
import { searchServices } from './search.ts';

describe('in-memory term sets: parts', () => {
  it('finds the k-th smallest value as sorting would, duplicates and all', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const size of [1, 2, 5, 100, 1000]) {
      const values = Float64Array.from({ length: size }, () => Math.floor(next() * 10) / 10);
      const sorted = values.slice().sort();
      for (const index of [0, size - 1, Math.floor(size / 2), Math.floor(size / 3)]) {
        expect(kthSmallest(values.slice(), index), `${size} @ ${index}`).toBe(sorted[index]);
      }
    }
  });
});

describe(`in-memory term sets (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: TestDatabase;
  const defaults = { ...termPath };
  const memoryDefaults = { ...memoryPath };
  beforeAll(async () => {
    db = await freshDatabase();
    await loadDemoCityIfEmpty(db.db, loadCatalogues('en'));
  });
  afterEach(() => {
    Object.assign(termPath, defaults);
    Object.assign(memoryPath, memoryDefaults);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads each lexeme of a tsvector as PostgreSQL prints it, with its weights', async () => {
    const [row] = await queryRows<{ text: string; expected: { lexeme: string; weight: number }[] }>(
      db.db,
      sql`with v as (
            select setweight(to_tsvector('simple', 'back back again'), 'B') || to_tsvector('simple', 'again')
                   || ${"'it''s':1A,4 'o''brien':2C 'quoted''one' 'back\\\\slash':3B,5A"}::tsvector as tsv)
          select v.tsv::text as text,
                 (select json_agg(json_build_object('lexeme', u.lexeme, 'weight',
                    coalesce((select sum(case w when 'A' then 1.0 when 'B' then 0.4 when 'C' then 0.2 else 0.1 end)
                                from unnest(u.weights) w), 0.1)) order by u.lexeme)
                    from unnest(v.tsv) u) as expected
            from v`,
    );
    if (!row) throw new Error('no tsvector');
    const parsed = parseTsvector(row.text)
      .map(([lexeme, weight]) => ({ lexeme, weight: Math.round(weight * 1000) / 1000 }))
      .sort((a, b) => (a.lexeme < b.lexeme ? -1 : a.lexeme > b.lexeme ? 1 : 0));
    const expected = row.expected
      .map((e) => ({ lexeme: e.lexeme, weight: Math.round(e.weight * 1000) / 1000 }))
      .sort((a, b) => (a.lexeme < b.lexeme ? -1 : a.lexeme > b.lexeme ? 1 : 0));
    expect(parsed).toEqual(expected);
    expect(parsed.map((p) => p.lexeme)).toEqual(
      expect.arrayContaining(["it's", "o'brien", 'back\\slash', "quoted'one", 'again']),
    );
  });

  /** The sets equal the search documents: each lexeme's documents and impacts (migration 0008's formula). */
  async function expectInStep(terms: MemoryTerms, step: string) {
    const truth = await queryRows<{ lexeme: string; docs: number[]; impacts: number[] }>(
      db.db,
      sql`select u.lexeme, array_agg(d.doc_no order by d.doc_no) as docs,
                 array_agg(directory_search_impact(u.weights, length(d.document))::float8 order by d.doc_no) as impacts
            from directory_search_doc d cross join lateral unnest(d.document) u group by u.lexeme`,
    );
    const [count] = await queryRows<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from directory_search_doc`,
    );
    expect(terms.documents, step).toBe(count?.n);
    expect(truth.length, step).toBeGreaterThan(100);
    for (const t of truth) {
      const found = terms.match([[{ lexeme: t.lexeme, prefix: false }]], '&');
      expect(Array.from(found.docs), `${step}: ${t.lexeme}`).toEqual(t.docs);
      found.scores.forEach((score, i) => {
        expect(score, `${step}: ${t.lexeme}`).toBeCloseTo(t.impacts[i] as number, 5);
      });
    }
  }

  it('holds every document of every lexeme, and follows edits, deletions and rollbacks', async () => {
    // Read as a long-lived index does: what changed since its last read.
    const live = new MemoryTerms();
    const catchUp = async () => {
      live.changed();
      await live.refresh(db.db);
    };
    await catchUp();
    await expectInStep(live, 'loaded');

    const untranslated = (
      await queryRows<{ id: string }>(db.db, sql`select id from hsds_service order by id offset 1 limit 1`)
    )[0]?.id;
    await editUntranslateDelete(db.db);
    await catchUp();
    await expectInStep(live, 'edited');
    expect(live.words.has('xylophone')).toBe(true);

    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`update hsds_service set name = 'Zither repair' where id = ${untranslated}`);
        await reindexServices(tx, [untranslated as string]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await catchUp();
    await expectInStep(live, 'rolled back');
    expect(live.words.has('zither')).toBe(false);

    // A rebuild reads the same.
    const rebuilt = new MemoryTerms();
    await rebuilt.refresh(db.db);
    await expectInStep(rebuilt, 'rebuilt');
  });

  if (process.env.DATABASE_URL) {
    it('are not kept on PostgreSQL, whose searches take the term sets in SQL', async () => {
      expect(await memoryTermsOf(db.db)).toBeUndefined();
      expect(await termPathAvailable(db.db)).toBe(true);
    });
    return;
  }

  /** The pages of one query by the GIN path and by the in-memory term sets, ranking all or a few documents. */
  async function both(request: Parameters<typeof searchServices>[1]) {
    termPath.enabled = false;
    const gin = await searchServices(db.db, request);
    const everything = await searchServices(db.db, { ...request, page: 1, perPage: 100 });
    termPath.enabled = true;
    memoryPath.candidates = 10_000;
    const full = await searchServices(db.db, request);
    memoryPath.candidates = 3;
    const few = await searchServices(db.db, request);
    return { gin, everything, full, few };
  }

  it('count exactly what the GIN index matches on PGlite, and rank a page from its best documents', async () => {
    expect(await memoryTermsOf(db.db)).toBeInstanceOf(MemoryTerms);
    for (const q of PATH_QUERIES) {
      for (const page of [1, 3]) {
        const { gin, everything, full, few } = await both({ q, locale: 'en', page, perPage: 4 });
        expect([full.total, few.total], q).toEqual([gin.total, gin.total]);
        for (const id of [...full.ids, ...few.ids]) expect(everything.ids, q).toContain(id);
        // Ranked from all its documents (at most 8 each), the page is the GIN path's, which ranks up to 200.
        if (gin.total <= 25) expect(full.ids, q).toEqual(gin.ids);
      }
    }
  });

  it('learn what a transaction committed before its writer goes on, and nothing of one rolled back', async () => {
    const find = (q: string) => searchServices(db.db, { q, locale: 'en', page: 1, perPage: 10 });
    const [service] = await queryRows<{ id: string }>(
      db.db,
      sql`select id from hsds_service where name not ilike '%xylophone%' order by id desc limit 1`,
    );
    const id = service?.id as string;
    expect((await find('harpsichord')).total).toBe(0);
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`update hsds_service set name = 'Harpsichord lessons' where id = ${id}`);
      await reindexServices(tx, [id]);
      // Inside the transaction its own handle searches by the GIN path, and sees its change.
      expect(
        (await searchServices(tx as unknown as Db, { q: 'harpsichord', page: 1, perPage: 10 })).ids,
      ).toEqual([id]);
    });
    const found = await find('harpsichord');
    expect(found.ids).toEqual([id]);
    // The new word is in the dictionary: a typo of it is corrected.
    expect((await find('harpsicord')).correctedQuery).toBe('harpsichord');

    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`update hsds_service set name = 'Xqzwv lessons' where id = ${id}`);
        await reindexServices(tx, [id]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await find('xqzwv')).total).toBe(0);
    expect((await find('harpsichord')).ids).toEqual([id]);

    await db.db.transaction(async (tx) => {
      await tx.execute(sql`delete from hsds_service where id = ${id}`);
      await reindexServices(tx, [id]);
    });
    expect((await find('harpsichord')).total).toBe(0);
    const terms = await memoryTermsOf(db.db);
    if (!terms) throw new Error('no in-memory term sets on PGlite');
    await expectInStep(terms, 'after searches');
  });
});
