import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/rows.ts';
import { freshDatabase, type TestDatabase } from '../../db/testing.ts';
import { loadCatalogues } from '../../i18n/index.ts';
import { loadDemoCityIfEmpty } from './demo.ts';
import { LABELLED_QUERIES, PATH_QUERIES } from './relevance/queries.ts';
import { reindexing, reindexServices } from './search.index.ts';
import { editUntranslateDelete } from './search.steps.ts';
import { termPath, termPathAvailable } from './search.terms.ts';
import { searchServices } from './search.ts';

/** Small enough that the demo city's common terms are hot and their champions fewer than their documents. */
const HOT = 3;
const KEEP = 4;

describe(`term sets and champions (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: TestDatabase;
  const defaults = { ...termPath };
  beforeAll(async () => {
    db = await freshDatabase();
    await db.db.execute(sql`update directory_search_state set hot = ${HOT}, keep = ${KEEP}`);
    await loadDemoCityIfEmpty(db.db, loadCatalogues('en'));
  });
  afterEach(() => Object.assign(termPath, defaults));
  afterAll(async () => {
    await db?.close();
  });

  /** Every derived structure equals what a rebuild from the search documents gives. */
  async function expectInStep(step: string) {
    const setDrift = await queryRows<{ lexeme: string; lang: string }>(
      db.db,
      sql`with rebuilt as (
            select u.lexeme, d.lang, sort(array_agg(d.doc_no)) as docs
              from directory_search_doc d cross join lateral unnest(d.document) u group by u.lexeme, d.lang)
          select coalesce(r.lexeme, t.lexeme) as lexeme, coalesce(r.lang, t.lang) as lang
            from rebuilt r full join directory_search_term t on t.lexeme = r.lexeme and t.lang = r.lang
           where r.docs is distinct from t.docs or t.hot <> (icount(t.docs) >= ${HOT}) or t.dirty`,
    );
    expect(setDrift, step).toEqual([]);
    // Each hot term's champions are its best documents: as many as it holds, at most KEEP and at least half as
    // many as a rebuild would choose.
    const championDrift = await queryRows<{ lexeme: string }>(
      db.db,
      sql`with ranked as (
            select t.lexeme, t.lang, d.doc_no, icount(t.docs) as size,
                   row_number() over (partition by t.lexeme, t.lang
                                      order by directory_search_impact(u.weights, length(d.document)) desc, d.doc_no) r
              from directory_search_term t cross join lateral unnest(t.docs) n(doc_no)
              join directory_search_doc d on d.doc_no = n.doc_no cross join lateral unnest(d.document) u
             where icount(t.docs) >= ${HOT} and u.lexeme = t.lexeme),
          held as (select lexeme, lang, count(*)::int as m from directory_search_champion group by lexeme, lang),
          expected as (
            select r.lexeme, r.lang, r.doc_no, r.r, r.size, coalesce(h.m, 0) as m
              from ranked r left join held h on h.lexeme = r.lexeme and h.lang = r.lang)
          select coalesce(e.lexeme, c.lexeme) as lexeme from expected e
            full join directory_search_champion c on c.lexeme = e.lexeme and c.lang = e.lang and c.doc_no = e.doc_no
           where e.doc_no is null or (c.doc_no is null and e.r <= e.m) or (c.doc_no is not null and e.r > e.m)
              or e.m > ${KEEP} or 2 * e.m < least(${KEEP}, e.size)`,
    );
    expect(championDrift, step).toEqual([]);
    const [multi] = await queryRows<{ same: boolean }>(
      db.db,
      sql`select s.multi = coalesce((select sort(array_agg(d.doc_no)) from directory_search_doc d
                 where (select count(*) from directory_search_doc e where e.service_id = d.service_id) > 1), '{}') as same
            from directory_search_state s`,
    );
    expect(multi?.same, step).toBe(true);
  }

  if (!process.env.DATABASE_URL) {
    it('keeps none in SQL on PGlite, whose term sets are kept in memory (search.memory.test.ts)', async () => {
      expect(await termPathAvailable(db.db)).toBe(false);
      const [row] = await queryRows<{ terms: number; docs: number }>(
        db.db,
        sql`select (select count(*)::int from directory_search_term) as terms,
                   (select count(*)::int from directory_search_doc where doc_no is not null) as docs`,
      );
      expect(row?.terms).toBe(0);
      expect(row?.docs).toBeGreaterThan(400);
    });
    return;
  }

  it('keeps term sets, champions and the services with several versions equal to a rebuild', async () => {
    expect(await termPathAvailable(db.db)).toBe(true);
    const [hot] = await queryRows<{ n: number; c: number }>(
      db.db,
      sql`select count(*)::int as n, (select count(*)::int from directory_search_champion) as c
            from directory_search_term where hot`,
    );
    // The demo has hot terms, and their champions are fewer than their documents.
    expect(hot?.n).toBeGreaterThan(10);
    await expectInStep('loaded');

    // New words, common words gone: champions leave and others take their place.
    const edited = await editUntranslateDelete(db.db);
    await expectInStep('edited');
    expect((await searchServices(db.db, { q: 'xylophone', page: 1, perPage: 10 })).ids).toEqual([edited]);

    // Two maintainers at once (several pooled connections on PostgreSQL) queue on the function's lock.
    const all = (await queryRows<{ id: string }>(db.db, sql`select id from hsds_service`)).map((s) => s.id);
    await Promise.all([
      db.db.transaction((tx) => reindexServices(tx, all.slice(0, 30))),
      db.db.transaction((tx) => reindexServices(tx, all.slice(20))),
    ]);
    await expectInStep('reindexed twice at once');

    // In several chunks, some services named twice: the sets learn each document once, at the end.
    reindexing.chunk = 7;
    try {
      await db.db.transaction((tx) => reindexServices(tx, [...all.slice(0, 25), ...all.slice(10, 20)]));
    } finally {
      reindexing.chunk = 1000;
    }
    await expectInStep('reindexed in chunks');

    // Learning documents the sets already hold changes nothing.
    await db.db.execute(sql`select directory_search_learn(${sql.param(all.slice(0, 10))}::text[])`);
    await expectInStep('learned again');
  });

  it('counts exactly what the GIN index matches, whichever path ranks the page', async () => {
    for (const q of PATH_QUERIES) {
      for (const page of [1, 3]) {
        const request = { q, locale: 'en', page, perPage: 4 };
        termPath.enabled = false;
        const gin = await searchServices(db.db, request);
        const everything = await searchServices(db.db, { ...request, page: 1, perPage: 100 });
        termPath.enabled = true;
        termPath.minMatches = defaults.minMatches;
        const full = await searchServices(db.db, request);
        termPath.minMatches = 0;
        const champions = await searchServices(db.db, request);
        expect([full.total, champions.total], q).toEqual([gin.total, gin.total]);
        for (const id of [...full.ids, ...champions.ids]) expect(everything.ids, q).toContain(id);
        // Ranked in full, the page is the GIN path's.
        expect(full.ids, q).toEqual(gin.ids);
      }
    }
  });

  it('finds the labelled services from the champions too', async () => {
    termPath.minMatches = 0;
    let found = 0;
    for (const query of LABELLED_QUERIES) {
      const result = await searchServices(db.db, { q: query.q, locale: query.locale, page: 1, perPage: 3 });
      if (query.expect.some((id) => result.ids.includes(id))) found += 1;
    }
    // The same bar as the relevance set (relevance.test.ts), with four champions a term.
    expect(found / LABELLED_QUERIES.length).toBeGreaterThanOrEqual(0.9);
  });

  // Last: it deletes the best services of a common term, which the labelled queries look for.
  it('chooses a term’s champions again from all its documents once it lost most of them', async () => {
    const [term] = await queryRows<{ lexeme: string; lang: string; services: string[] }>(
      db.db,
      sql`select c.lexeme, c.lang, array_agg(d.service_id order by c.impact desc, c.doc_no) as services
            from directory_search_champion c join directory_search_doc d on d.doc_no = c.doc_no
            join directory_search_term t on t.lexeme = c.lexeme and t.lang = c.lang
           where icount(t.docs) >= ${KEEP} + 3
           group by c.lexeme, c.lang having count(*) = ${KEEP} order by c.lexeme, c.lang limit 1`,
    );
    if (!term) throw new Error('the demo city has no term with enough documents');
    const best = term.services.slice(0, KEEP - 1);
    const champions = () =>
      queryRows<{ n: number }>(
        db.db,
        sql`select count(*)::int as n from directory_search_champion where lexeme = ${term.lexeme} and lang = ${term.lang}`,
      );
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`delete from hsds_service where id = ${best[0]}`);
      await reindexServices(tx, best.slice(0, 1));
    });
    expect(await champions(), 'one left: the others keep their place').toEqual([{ n: KEEP - 1 }]);
    await expectInStep('one champion deleted');
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`delete from hsds_service where id = any(${sql.param(best.slice(1))}::text[])`);
      await reindexServices(tx, best.slice(1));
    });
    expect(await champions(), 'too few left: chosen again').toEqual([{ n: KEEP }]);
    await expectInStep('champions chosen again');
  });
});
