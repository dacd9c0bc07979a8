/**
 * Search benchmark (part of `npm run bench`; alone: `node --import tsx bench/search.ts`). Numbers, never
 * pass/fail.
 *
 *  - latency of the fixed query mix (bench/queries.ts) at each size of the synthetic directory (BENCH_SIZES,
 *    default 1000,10000,100000) on PGlite (in memory), on a throwaway PostgreSQL cluster (BENCH_SKIP_POSTGRES=1
 *    to skip) and on Orama (in memory, one index per language) over the same services;
 *  - Orama's memory (heap and RSS growth) per size;
 *  - relevance on the labelled set (src/domains/directory/relevance/queries.json) over the demo city:
 *    recall@3 and nDCG@10 of Arrival's search and of Orama's.
 *
 * Each engine runs in its own process, so memory readings and warm caches do not mix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../src/db/driver.ts';
import { upsertRows } from '../src/domains/directory/hsds.rows.ts';
import { buildSyntheticDirectory, loadDemoCityIfEmpty } from '../src/domains/directory/index.ts';
import { reindexServices } from '../src/domains/directory/search.index.ts';
import { memoryTermsOf } from '../src/domains/directory/search.memory.ts';
import { searchServices } from '../src/domains/directory/search.ts';
import { loadCatalogues } from '../src/i18n/index.ts';
import {
  benchSizes,
  log,
  memory,
  mergeResults,
  mib,
  reportToParent,
  round1,
  runWorker,
  SEED,
  startPostgres,
  summary,
} from './lib.ts';
import { buildOramaDemo, buildOramaSynthetic, ORAMA_VERSION, oramaSearch } from './orama.ts';
import { type BenchQuery, buildQueryMix, type QueryKind } from './queries.ts';

type Engine = 'pglite' | 'postgres' | 'orama';
const SIZES = benchSizes([1000, 10_000, 100_000]);
/** Stop measuring a size after this many seconds of queries (but run at least MIN_QUERIES). */
const BUDGET_MS = Number(process.env.BENCH_SEARCH_BUDGET_S ?? 30) * 1000;
/**
 * Seeding a SQL database stops before a size it would not reach within this many seconds in all, judged by
 * its pace so far (0: no limit). PGlite takes ~5 min to reach 100k services on a busy 2-core machine.
 */
const SEED_BUDGET_S = Number(process.env.BENCH_SEED_BUDGET_S ?? 240);
const MIN_QUERIES = 50;
const WARMUP = 20;
const PER_PAGE = 10;
/** Orama's typo tolerance (Levenshtein distance) in the latency runs; relevance is measured at 0 and 1. */
const ORAMA_TOLERANCE = 1;

interface LabelledQuery {
  q: string;
  locale: string;
  expect: string[];
  why: string;
}
const LABELLED = JSON.parse(
  readFileSync(path.resolve('src/domains/directory/relevance/queries.json'), 'utf8'),
) as LabelledQuery[];

export interface Relevance {
  queries: number;
  recallAt3: number;
  ndcgAt10: number;
  misses: string[];
}

/** recall@3: share of queries with an expected id in the top 3; nDCG@10 with binary relevance. */
async function relevance(run: (q: LabelledQuery) => Promise<string[]>): Promise<Relevance> {
  let found = 0;
  let ndcg = 0;
  const misses: string[] = [];
  for (const query of LABELLED) {
    const ids = (await run(query)).slice(0, 10);
    const expected = new Set(query.expect);
    if (ids.slice(0, 3).some((id) => expected.has(id))) found += 1;
    else misses.push(query.q);
    const dcg = ids.reduce((sum, id, i) => sum + (expected.has(id) ? 1 / Math.log2(i + 2) : 0), 0);
    let ideal = 0;
    for (let i = 0; i < Math.min(10, expected.size); i++) ideal += 1 / Math.log2(i + 2);
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  return {
    queries: LABELLED.length,
    recallAt3: Math.round((found / LABELLED.length) * 1000) / 1000,
    ndcgAt10: Math.round((ndcg / LABELLED.length) * 1000) / 1000,
    misses,
  };
}

interface SizeResult {
  size: number;
  /** Seeding (SQL) or indexing (Orama) the services added to reach this size. */
  buildSeconds: number;
  latencyMs: ReturnType<typeof summary>;
  p95ByKindMs: Partial<Record<QueryKind, number>>;
  emptyResults: number;
  memory?: { heapMiB: number; rssMiB: number; externalMiB: number };
  /** PGlite: reading the services added into the in-memory term sets (search.memory.ts), and the heap it grew. */
  termSets?: { readSeconds: number; heapMiB: number; documents: number };
}

async function timeQueries(
  mix: BenchQuery[],
  run: (q: BenchQuery) => Promise<number>,
): Promise<Omit<SizeResult, 'size' | 'buildSeconds' | 'memory'>> {
  for (const q of mix.slice(0, WARMUP)) await run(q);
  const times: number[] = [];
  const byKind = new Map<QueryKind, number[]>();
  let empty = 0;
  const started = performance.now();
  for (const q of mix) {
    if (times.length >= MIN_QUERIES && performance.now() - started > BUDGET_MS) break;
    const t = performance.now();
    const found = await run(q);
    const ms = performance.now() - t;
    times.push(ms);
    byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), ms]);
    if (found === 0) empty += 1;
  }
  return {
    latencyMs: summary(times),
    p95ByKindMs: Object.fromEntries([...byKind].map(([k, v]) => [k, summary(v).p95])),
    emptyResults: empty,
  };
}

/** Adds services `from`…`to - 1` the way seedSyntheticDirectory does (5000 per transaction). */
async function grow(database: Database, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 5000) {
    const flat = buildSyntheticDirectory(start, Math.min(to, start + 5000), SEED);
    await database.db.transaction(async (tx) => {
      await upsertRows(tx, flat);
      await reindexServices(tx, [...(flat.tables.get('service')?.keys() ?? [])]);
    });
    log(`${database.kind}: ${Math.min(to, start + 5000)} services`);
  }
  await database.db.execute(sql`analyze`);
}

async function sqlWorker(kind: 'pglite' | 'postgres') {
  const mix = buildQueryMix(SEED);
  let cluster: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let open: (name: string) => Promise<Database>;
  if (kind === 'postgres') {
    cluster = await startPostgres();
    if ('skipped' in cluster) return { engine: kind, skipped: cluster.skipped };
    const url = cluster.url;
    open = async (name) => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const u = new URL(url);
      u.pathname = `/${name}`;
      return openPostgres(u.toString(), { max: 2 });
    };
  } else {
    open = () => openPglite({});
  }
  try {
    // Relevance on the demo city, in a database of its own.
    const demo = await open('bench_demo');
    await demo.migrate();
    await loadDemoCityIfEmpty(demo.db, loadCatalogues('en'));
    const rel = await relevance(
      async (q) => (await searchServices(demo.db, { q: q.q, locale: q.locale, page: 1, perPage: 10 })).ids,
    );
    await demo.close();
    log(`${kind}: relevance recall@3 ${rel.recallAt3}, nDCG@10 ${rel.ndcgAt10}`);

    const database = await open('bench_search');
    await database.migrate();
    const sizes: SizeResult[] = [];
    const notMeasured: string[] = [];
    let have = 0;
    let seedSeconds = 0;
    for (const size of SIZES) {
      const projected = have > 0 ? seedSeconds + ((size - have) * seedSeconds) / have : 0;
      if (SEED_BUDGET_S > 0 && projected > SEED_BUDGET_S) {
        const why = `${size}: not measured, seeding would take ~${Math.round(projected)} s in all (BENCH_SEED_BUDGET_S=${SEED_BUDGET_S}; 0 lifts it)`;
        notMeasured.push(why);
        log(`${kind} ${why}`);
        continue;
      }
      const t = performance.now();
      await grow(database, have, size);
      have = size;
      const buildSeconds = round1((performance.now() - t) / 1000);
      seedSeconds += buildSeconds;
      // PGlite keeps its term sets in memory: read here, timed apart from the queries (the first search would).
      const heapBefore = memory().heapUsed;
      const read = performance.now();
      const terms = await memoryTermsOf(database.db);
      const termSets = terms && {
        readSeconds: round1((performance.now() - read) / 1000),
        heapMiB: mib(memory().heapUsed - heapBefore),
        documents: terms.documents,
      };
      if (termSets)
        log(`${kind} ${size}: term sets read in ${termSets.readSeconds} s, heap +${termSets.heapMiB} MiB`);
      const timed = await timeQueries(mix, async (q) => {
        const r = await searchServices(database.db, { q: q.q, locale: q.lang, page: 1, perPage: PER_PAGE });
        return r.ids.length;
      });
      sizes.push({ size, buildSeconds, ...timed, ...(termSets ? { termSets } : {}) });
      log(
        `${kind} ${size}: p50 ${timed.latencyMs.p50} ms, p95 ${timed.latencyMs.p95} ms (n ${timed.latencyMs.n})`,
      );
    }
    await database.close();
    return {
      engine: kind,
      ...(cluster && !('skipped' in cluster) ? { version: `PostgreSQL ${cluster.version}` } : {}),
      relevance: rel,
      sizes,
      notMeasured,
    };
  } finally {
    if (cluster && !('skipped' in cluster)) cluster.stop();
  }
}

async function oramaWorker() {
  const mix = buildQueryMix(SEED);
  const demo = await buildOramaDemo(loadCatalogues('en'));
  const relevanceByVariant: Record<string, Relevance> = {};
  for (const tolerance of [0, 1]) {
    relevanceByVariant[`tolerance ${tolerance}`] = await relevance((q) =>
      oramaSearch(demo, q.q, { limit: 10, tolerance }),
    );
  }
  relevanceByVariant['tolerance 1, query locale only'] = await relevance((q) =>
    oramaSearch(demo, q.q, { limit: 10, tolerance: 1, only: q.locale }),
  );
  log(`orama: relevance ${JSON.stringify(Object.values(relevanceByVariant).map((r) => r.recallAt3))}`);

  const sizes: SizeResult[] = [];
  for (const size of SIZES) {
    const before = memory();
    const t = performance.now();
    const indexes = await buildOramaSynthetic(size, SEED);
    const buildSeconds = round1((performance.now() - t) / 1000);
    const after = memory();
    const timed = await timeQueries(
      mix,
      async (q) => (await oramaSearch(indexes, q.q, { limit: PER_PAGE, tolerance: ORAMA_TOLERANCE })).length,
    );
    sizes.push({
      size,
      buildSeconds,
      ...timed,
      memory: {
        heapMiB: mib(after.heapUsed - before.heapUsed),
        rssMiB: mib(after.rss - before.rss),
        externalMiB: mib(after.external - before.external),
      },
    });
    log(
      `orama ${size}: p50 ${timed.latencyMs.p50} ms, p95 ${timed.latencyMs.p95} ms (n ${timed.latencyMs.n})`,
    );
    indexes.clear();
  }
  return {
    engine: 'orama',
    version: `@orama/orama ${ORAMA_VERSION}, tolerance ${ORAMA_TOLERANCE}`,
    relevance: relevanceByVariant['tolerance 1'],
    relevanceByVariant,
    sizes,
  };
}

type WorkerResult = Awaited<ReturnType<typeof sqlWorker>> | Awaited<ReturnType<typeof oramaWorker>>;

async function main() {
  const engines: Engine[] = ['pglite', 'postgres', 'orama'];
  const results: WorkerResult[] = [];
  for (const engine of engines) {
    if (engine === 'postgres' && process.env.BENCH_SKIP_POSTGRES === '1') {
      results.push({ engine, skipped: 'BENCH_SKIP_POSTGRES=1' });
      continue;
    }
    log(`search: ${engine}…`);
    results.push(await runWorker<WorkerResult>('bench/search.ts', ['worker', engine]));
  }
  console.log(
    `\nSearch latency (ms), query mix of ${buildQueryMix(SEED).length} queries, ${PER_PAGE} per page`,
  );
  const rows: Record<string, Record<string, string | number>> = {};
  for (const r of results) {
    if ('skipped' in r && r.skipped) {
      console.log(`${r.engine}: skipped (${r.skipped})`);
      continue;
    }
    for (const s of 'sizes' in r ? (r.sizes ?? []) : []) {
      rows[`${r.engine} ${s.size}`] = {
        p50: s.latencyMs.p50,
        p95: s.latencyMs.p95,
        p99: s.latencyMs.p99,
        n: s.latencyMs.n,
        empty: s.emptyResults,
        'build s': s.buildSeconds,
        ...(s.memory ? { 'heap MiB': s.memory.heapMiB, 'RSS MiB': s.memory.rssMiB } : {}),
      };
    }
  }
  console.table(rows);
  for (const r of results)
    for (const why of 'notMeasured' in r ? (r.notMeasured ?? []) : []) console.log(`${r.engine} ${why}`);
  console.log('p95 by kind of query (ms)');
  const kinds: Record<string, Record<string, number>> = {};
  for (const r of results)
    for (const s of 'sizes' in r ? (r.sizes ?? []) : []) kinds[`${r.engine} ${s.size}`] = s.p95ByKindMs;
  console.table(kinds);
  console.log(`Relevance on the demo city (${LABELLED.length} labelled queries)`);
  const rel: Record<string, Record<string, number>> = {};
  for (const r of results) {
    if ('relevanceByVariant' in r && r.relevanceByVariant) {
      for (const [variant, v] of Object.entries(r.relevanceByVariant))
        rel[`orama, ${variant}`] = { 'recall@3': v.recallAt3, 'nDCG@10': v.ndcgAt10 };
    } else if ('relevance' in r && r.relevance) {
      rel[r.engine] = { 'recall@3': r.relevance.recallAt3, 'nDCG@10': r.relevance.ndcgAt10 };
    }
  }
  console.table(rel);
  mergeResults('search', {
    sizes: SIZES,
    queryMix: buildQueryMix(SEED).length,
    perPage: PER_PAGE,
    budgetSecondsPerSize: BUDGET_MS / 1000,
    seedBudgetSeconds: SEED_BUDGET_S,
    engines: results,
  });
}

if (process.argv[2] === 'worker') {
  const engine = process.argv[3] as Engine;
  reportToParent(engine === 'orama' ? await oramaWorker() : await sqlWorker(engine));
} else {
  await main();
}
