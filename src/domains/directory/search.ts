import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { detectScript, normalizeText, searchConfigsForScript, wordsOf } from './normalize.ts';
import { DIGITS_ONLY } from './search.index.ts';
import { memoryTermsOf, searchInMemory } from './search.memory.ts';
import { type Operand, parseOperand, searchByTerms, termPath, termPathAvailable } from './search.terms.ts';

export const MAX_QUERY_LENGTH = 200;
const MAX_QUERY_WORDS = 8;
/** Search documents ranked in full (with name similarity) per search: the best by text rank. */
const CANDIDATES = 200;

export interface SearchFilters {
  /** Free text, in any language and script. */
  q?: string;
  /** The visitor's language: on equal relevance, services with text in it come first. */
  locale?: string;
  /** Taxonomy term ids or codes (any of them). */
  categories?: string[];
  /** Status-safety label codes (all of them). */
  labels?: string[];
  /** Languages the service is delivered in (any of them), ISO 639-1. */
  languages?: string[];
  organizationId?: string;
  /** ISO date-time: services changed after it. */
  modifiedAfter?: string;
  /** Open at this moment, in the city's time zone: weekday as RFC 5545 code (MO…SU) and HH:MM. */
  openAt?: { day: string; time: string };
  /** Sort by distance from this point (and keep services within `radiusKm`). */
  near?: { latitude: number; longitude: number; radiusKm?: number };
  /** Only services whose status is one of these. */
  statuses?: string[];
  page: number;
  perPage: number;
}

interface Page {
  rows: { id: string; total: number }[];
  total?: number;
}

export interface SearchResult {
  total: number;
  ids: string[];
  /** The query words as searched, after typo correction (for "did you mean"). */
  correctedQuery?: string;
}

interface Correction {
  input: string;
  known: boolean;
  fix: string | null;
}

/**
 * Corrects each query word against the directory's own words (pg_trgm similarity), keeping known words. With the
 * dictionary in memory (an embedded database), only a word that needs correcting is looked up in SQL.
 */
async function correctWords(db: Db, words: string[], dictionary?: Set<string>): Promise<Correction[]> {
  if (words.length === 0) return [];
  if (dictionary) {
    // As the statement below: a known word, a short one or a number has no correction.
    const local = words.map((w) => {
      const known = dictionary.has(w) || DIGITS_ONLY.test(w);
      return { input: w, known, fix: null, settled: known || [...w].length < 4 || /^[0-9]+$/.test(w) };
    });
    if (local.every((c) => c.settled)) return local.map(({ settled: _, ...c }) => c);
  }
  const rows = await queryRows<
    { input: string; known: boolean; fix: string | null } & Record<string, unknown>
  >(
    db,
    // Only a word the directory does not know is looked up by similarity (a scan of the trigram index).
    sql`select k.w as input, k.known,
               case when k.known or length(k.w) < 4 or k.w ~ '^[0-9]+$' then null else
                 (select l.word from directory_lexeme l
                   where l.word % k.w
                   order by similarity(l.word, k.w) desc, l.word limit 1) end as fix
          from (select q.w, q.n, exists(select 1 from directory_lexeme l where l.word = q.w) as known
                  from unnest(${sql.param(words)}::text[]) with ordinality as q(w, n)) k
         order by k.n`,
  );
  // A number is what it is (a house or service number), never a typo of another: the dictionary leaves them out.
  return rows.map((r) => (DIGITS_ONLY.test(r.input) ? { input: r.input, known: true, fix: null } : r));
}

/** to_tsquery input for each word: its forms (as typed, its correction) and, for the last word, as a prefix. */
function wordExpressions(corrections: Correction[]): string[] {
  return corrections.map((c, i) => {
    const last = i === corrections.length - 1;
    const forms = new Set([c.input]);
    if (!c.known && c.fix) forms.add(c.fix);
    // The last word may be half typed: match it as a prefix, unless the directory has it as a whole word (then
    // it was typed in full, and a prefix would also match every longer word that starts with its stem).
    const terms = [...forms].map((f) => (last && !c.known && f.length >= 3 ? `${f}:*` : f));
    // Ukrainian has no stemmer in PostgreSQL: an inflected Cyrillic word the directory does not have as typed
    // also matches by its stem, its ending cut (юридичної → юридичн:*, which finds юридична). A word it has
    // is searched as it is: the cut stem of a common word matches a large part of a big directory.
    if (!c.known && /^\p{Script=Cyrillic}{6,}$/u.test(c.input)) terms.push(`${c.input.slice(0, -2)}:*`);
    return terms.join(' | ');
  });
}

/**
 * The alternatives of one word across configurations: each distinct operand once, without those a prefix among
 * them already matches ('jur':* covers 'juri':* and 'jurid'). Anything else (a phrase: "rendez-vous") stays whole.
 */
function alternatives(forms: string[]): string[] {
  const parts = new Set<string>();
  for (const form of forms) {
    const operands = form.split(' | ');
    if (operands.every((o) => parseOperand(o))) for (const o of operands) parts.add(o);
    else parts.add(`( ${form} )`);
  }
  const prefixes = [...parts].flatMap((p) => {
    const o = parseOperand(p);
    return o?.prefix ? [o.lexeme] : [];
  });
  return [...parts].filter((p) => {
    const o = parseOperand(p);
    if (!o) return true;
    return !prefixes.some((prefix) => o.lexeme.startsWith(prefix) && (!o.prefix || o.lexeme !== prefix));
  });
}

/**
 * What the search asks for, from each word's tsquery in each configuration ('' where one drops it as a stop
 * word): every word (or any word) by any of its forms, each word a list of alternatives. This matches what
 * "every word in one configuration, in any configuration" matches and more, and is several times cheaper for the
 * GIN index to answer (a few posting lists per word instead of one set per configuration). A word some
 * configuration drops as a stop word is not required, unless the query has nothing else.
 */
export function wordAlternatives(perWord: string[][]): string[][] {
  const content = perWord.filter((forms) => forms.every((f) => f !== ''));
  return (content.length > 0 ? content : perWord)
    .map((forms) => alternatives(forms.filter((f) => f !== '')))
    .filter((a) => a.length > 0);
}

/** The tsquery of words given as their alternatives. */
function joinAlternatives(words: string[][], join: '&' | '|'): string {
  return words.map((a) => (a.length === 1 ? (a[0] ?? '') : `( ${a.join(' | ')} )`)).join(` ${join} `);
}

/** The tsquery of those words. */
export function combineWordQueries(perWord: string[][], join: '&' | '|'): string {
  return joinAlternatives(wordAlternatives(perWord), join);
}

function filterClauses(f: SearchFilters, serviceId: SQL): SQL[] {
  const clauses: SQL[] = [];
  if (f.categories?.length) {
    clauses.push(sql`exists (select 1 from hsds_attribute a join hsds_taxonomy_term t on t.id = a.taxonomy_term_id
      where a.link_id = ${serviceId} and (t.id = any(${sql.param(f.categories)}::text[]) or t.code = any(${sql.param(f.categories)}::text[])))`);
  }
  for (const label of f.labels ?? []) {
    clauses.push(sql`exists (select 1 from hsds_attribute a join hsds_taxonomy_term t on t.id = a.taxonomy_term_id
      where a.link_id = ${serviceId} and t.code = ${label} and t.taxonomy = 'arrival-access')`);
  }
  if (f.languages?.length) {
    clauses.push(sql`exists (select 1 from hsds_language l where l.service_id = ${serviceId}
      and lower(l.code) = any(${sql.param(f.languages)}::text[]))`);
  }
  if (f.organizationId) {
    clauses.push(
      sql`exists (select 1 from hsds_service s where s.id = ${serviceId} and s.organization_id = ${f.organizationId})`,
    );
  }
  if (f.modifiedAfter) {
    clauses.push(
      sql`exists (select 1 from hsds_service s where s.id = ${serviceId} and s.last_modified > ${f.modifiedAfter}::timestamptz)`,
    );
  }
  if (f.statuses?.length) {
    clauses.push(
      sql`exists (select 1 from hsds_service s where s.id = ${serviceId} and s.status = any(${sql.param(f.statuses)}::text[]))`,
    );
  }
  if (f.openAt) clauses.push(sql`exists (${openSchedules(serviceId, f.openAt)})`);
  return clauses;
}

/** Schedules of a service (its own or its places') that are open at a weekday and time. */
function openSchedules(serviceId: SQL, at?: { day: string; time: string }): SQL {
  // RFC 5545 byday lists days as two-letter codes; opens_at/closes_at are HH:MM, maybe with an offset.
  return sql`select 1 from hsds_schedule sc
    where (sc.service_id = ${serviceId}
           or sc.location_id in (select sal.location_id from hsds_service_at_location sal where sal.service_id = ${serviceId}))
    ${
      at
        ? sql`and (sc.byday is null or position(${at.day} in upper(sc.byday)) > 0)
              and left(sc.opens_at, 5) <= ${at.time} and left(sc.closes_at, 5) > ${at.time}`
        : sql``
    }`;
}

/** Whether a service has opening hours at all, and whether it is open at this weekday and time. */
export async function openState(db: Db, serviceId: string, at: { day: string; time: string }) {
  const id = sql`${serviceId}`;
  const [row] = await queryRows<{ known: boolean; open: boolean }>(
    db,
    sql`select exists (${openSchedules(id)}) as known, exists (${openSchedules(id, at)}) as open`,
  );
  return { known: row?.known ?? false, open: row?.open ?? false };
}

function distanceKm(f: SearchFilters, serviceId: SQL): SQL {
  if (!f.near) return sql`null::float8`;
  const { latitude, longitude } = f.near;
  // Haversine over the service's places; no PostGIS needed at city scale.
  return sql`(select min(6371 * 2 * asin(sqrt(
      power(sin(radians(l.latitude - ${latitude}) / 2), 2) +
      cos(radians(${latitude})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${longitude}) / 2), 2))))
    from hsds_service_at_location sal join hsds_location l on l.id = sal.location_id
    where sal.service_id = ${serviceId} and l.latitude is not null and l.longitude is not null)`;
}

/**
 * One SQL query on both drivers: full-text search in every configuration the query's script allows, over every
 * language version of every service, with typos corrected against the directory's words; filters; ranked by
 * relevance (then the visitor's language, then name similarity), or by distance when a point is given.
 */
export async function searchServices(db: Db, f: SearchFilters): Promise<SearchResult> {
  const offset = (f.page - 1) * f.perPage;
  const normalized = normalizeText((f.q ?? '').slice(0, MAX_QUERY_LENGTH));
  const words = [...new Set(wordsOf(normalized))].slice(0, MAX_QUERY_WORDS);
  const serviceId = sql.raw('d.service_id');

  if (words.length === 0) {
    const sid = sql.raw('s.id');
    const where = filterClauses(f, sid);
    const list = (limit: number, from: number) =>
      queryRows<{ id: string; total: number }>(
        db,
        sql`select r.id, count(*) over ()::int as total from (
              select s.id, lower(s.name) as sort_name, ${distanceKm(f, sid)} as distance
                from hsds_service s ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}) r
            ${f.near?.radiusKm ? sql`where r.distance <= ${f.near.radiusKm}` : sql``}
            order by ${f.near ? sql`r.distance nulls last,` : sql``} r.sort_name, r.id
            limit ${limit} offset ${from}`,
      );
    const rows = await list(f.perPage, offset);
    const total = rows[0]?.total ?? (offset > 0 ? ((await list(1, 0))[0]?.total ?? 0) : 0);
    return { total, ids: rows.map((r) => r.id) };
  }

  // An embedded database keeps the term sets and the dictionary in this process's memory (search.memory.ts).
  const memory = await memoryTermsOf(db);
  const corrections = await correctWords(db, words, memory?.words);
  const configs = searchConfigsForScript(detectScript(normalized));
  // Each word in each configuration the script allows, in one round trip; the tsquery for "every word" and for
  // "any word" are both built from it.
  const expressions = wordExpressions(corrections);
  const forms = await queryRows<Record<string, string>>(
    db,
    sql`select ${sql.join(
      expressions.map((e, i) => sql`to_tsquery(c::regconfig, ${e})::text as ${sql.identifier(`w${i}`)}`),
      sql`, `,
    )} from unnest(${sql.param(configs)}::text[]) c`,
  );
  const perWord = expressions.map((_, i) => forms.map((r) => r[`w${i}`] ?? ''));
  const asked = wordAlternatives(perWord);
  const compile = (join: '&' | '|') => joinAlternatives(asked, join);
  // The term path needs plain operands (no phrase) and no filters.
  const operandWords = asked.map((a) => a.map(parseOperand));
  const termWords = operandWords.every((a) => a.every(Boolean)) ? (operandWords as Operand[][]) : undefined;
  const where = filterClauses(f, serviceId);
  const filters = where.length ? sql`and ${sql.join(where, sql` and `)}` : sql``;
  const score = (tsquery: SQL) =>
    sql`directory_search_score(d.document, (${tsquery}), d.lang, ${f.locale ?? ''}, d.name_norm, ${normalized})`;

  /** A page of services, with the total when it is known even if the page is empty. */
  const run = async (join: '&' | '|', limit = f.perPage, from = offset): Promise<Page> => {
    const text = compile(join);
    const tsquery = sql`${text}::tsquery`;
    if (f.near) {
      // Sorted by distance: every match is a candidate.
      const rows = await queryRows<{ id: string; total: number }>(
        db,
        // The tsquery stands in the WHERE clause (not joined from a CTE) so the planner sees a constant and uses the
        // GIN index instead of reading every document.
        sql`with hits as (
              select d.service_id as id, max(${score(tsquery)}) as score
                from directory_search_doc d
               where d.document @@ (${tsquery}) ${filters}
               group by d.service_id),
            ranked as (select h.id, h.score, ${distanceKm(f, sql.raw('h.id'))} as distance from hits h)
            select r.id, count(*) over ()::int as total from ranked r
            ${f.near.radiusKm ? sql`where r.distance <= ${f.near.radiusKm}` : sql``}
            order by r.distance nulls last, r.score desc, r.id
            limit ${limit} offset ${from}`,
      );
      return { rows };
    }
    let known: number | undefined;
    if (termPath.enabled && termWords && where.length === 0) {
      // The term sets: in SQL on PostgreSQL, in this process's memory on an embedded database (PGlite).
      const search = {
        words: termWords,
        join,
        tsquery: text,
        locale: f.locale ?? '',
        query: normalized,
        limit,
        offset: from,
      };
      const byTerms = memory
        ? await searchInMemory(db, memory, search)
        : (await termPathAvailable(db))
          ? await searchByTerms(db, search)
          : undefined;
      if (byTerms?.rows || byTerms?.total === 0) return { rows: byTerms.rows ?? [], total: byTerms.total };
      known = byTerms?.total;
    }
    // Every match gets the cheap rank (ts_rank, term frequency and weights: ~0.5 µs a document); only the best
    // candidates by it get the costly ones — cover density (ts_rank_cd, ~6× ts_rank) and name similarity (a
    // trigram comparison) — and are ordered by those. Counting the matches stays exact (or was done from the term
    // sets). Only ids, languages and the cheap rank are kept for every match (small enough to stay in memory).
    const candidates = Math.max(CANDIDATES, from + limit);
    const rows = await queryRows<{ id: string; total: number }>(
      db,
      sql`with matches as materialized (
            select d.service_id as id, d.lang, d.doc_no, ts_rank(d.document, (${tsquery}), 1) as cheap_score
              from directory_search_doc d
             where d.document @@ (${tsquery}) ${filters}),
          candidates as (
            select m.id, m.lang from matches m
             order by m.cheap_score + case when m.lang = ${f.locale ?? ''} then 0.01 else 0 end desc, m.id
             limit ${candidates}),
          hits as (
            select c.id, max(${score(tsquery)}) as score
              from candidates c join directory_search_doc d on d.service_id = c.id and d.lang = c.lang
             group by c.id)
          -- count(distinct …) sorts; a DISTINCT subquery hashes, several times faster on tens of thousands of ids,
          -- and faster still on the service's number (the document's number over 64, migration 0008) than its id.
          select h.id, ${known ?? sql`(select count(*) from (select distinct m.doc_no >> 6 from matches m) u)`}::int as total
            from hits h
          order by h.score desc, h.id
          limit ${limit} offset ${from}`,
    );
    return { rows, ...(known === undefined ? {} : { total: known }) };
  };
  /** The number of services matching. */
  const totalOf = async (join: '&' | '|') => {
    const page = await run(join, 1, 0);
    return page.total ?? page.rows[0]?.total ?? 0;
  };
  // All words first; when no service has them all, any of them.
  let join: '&' | '|' = '&';
  let page = await run(join);
  if (
    page.rows.length === 0 &&
    corrections.length > 1 &&
    (page.total ?? (offset === 0 ? 0 : await totalOf('&'))) === 0
  ) {
    join = '|';
    page = await run(join);
  }
  // A page past the end has no rows to carry the total: ask for it.
  const total = page.total ?? page.rows[0]?.total ?? (offset > 0 ? await totalOf(join) : 0);
  const corrected = corrections.map((c) => (!c.known && c.fix ? c.fix : c.input)).join(' ');
  return {
    total,
    ids: page.rows.map((r) => r.id),
    ...(corrected !== words.join(' ') ? { correctedQuery: corrected } : {}),
  };
}
