/**
 * The term path of search: a large result counted and ranked without reading every matching document.
 *
 * A common word matches a large part of a big directory (every Portuguese description says "gratuito"): reading
 * each match from the GIN index and the table, to rank and count it, grows with the number of matches (tens of
 * milliseconds at 25,000). Migration 0008 keeps, for each lexeme and language, the sorted numbers of the documents
 * that hold it (intarray) and, for terms with many documents, their champions (the best documents by impact;
 * "champion lists" in Manning, Raghavan and Schütze, Introduction to Information Retrieval, 7.1.3). Here the query's
 * set of documents is computed from those arrays (exact: a document holds a lexeme exactly when the GIN index says
 * so) and counted; a small one is ranked in full, a large one from the champions in it. The GIN path stays for
 * everything else: filters, phrases and pages beyond what the champions cover. PGlite keeps its term sets in memory
 * instead (search.memory.ts: no intarray there).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';

/** One operand of a tsquery as PostgreSQL prints it: a quoted lexeme, maybe a prefix. */
const OPERAND = /^'([^']+)'(:\*)?$/;

export interface Operand {
  lexeme: string;
  prefix: boolean;
}

export function parseOperand(text: string): Operand | undefined {
  const m = OPERAND.exec(text);
  return m?.[1] === undefined ? undefined : { lexeme: m[1], prefix: m[2] !== undefined };
}

/** When the term path is taken (tests lower the first to send a small directory through it). */
export const termPath = {
  /** Off: every search takes the GIN path (tests compare the two). */
  enabled: true,
  /** A result of fewer documents is ranked in full; a larger one from its terms' champions. */
  minMatches: 1000,
  /** At most this many documents of terms too small to have champions are ranked with the champions. */
  maxLoose: 400,
};

export interface TermSearch {
  /** The query's words, each a list of alternatives (all operands), joined by `join`. */
  words: Operand[][];
  join: '&' | '|';
  tsquery: string;
  locale: string;
  /** The normalised query, for name similarity. */
  query: string;
  limit: number;
  offset: number;
}

export interface TermResult {
  /** Services matching (exact). */
  total: number;
  /** The page, when the term path ranked it; undefined when the GIN path should (its total is known). */
  rows?: { id: string; total: number }[];
}

const available = new WeakMap<Db, Promise<boolean>>();

/**
 * Whether this database keeps term sets in SQL: PostgreSQL with intarray does; PGlite does not (migration 0008
 * says why) and keeps them in memory (search.memory.ts).
 */
export function termPathAvailable(db: Db): Promise<boolean> {
  let answer = available.get(db);
  if (!answer) {
    answer = queryRows<{ yes: boolean }>(
      db,
      sql`select exists (select 1 from pg_proc where proname = 'directory_search_by_terms') as yes`,
    ).then((rows) => rows[0]?.yes === true);
    available.set(db, answer);
  }
  return answer;
}

/**
 * Counts the query's services from the term sets and ranks a page (directory_search_by_terms, migration 0008:
 * a function, so that its statements are planned once per session).
 */
export async function searchByTerms(db: Db, q: TermSearch): Promise<TermResult> {
  const operands = q.words.flatMap((alternatives, word) => alternatives.map((o) => ({ ...o, word })));
  const rows = await queryRows<{ total: number; ranked: boolean; id: string | null }>(
    db,
    sql`select total, ranked, id from directory_search_by_terms(
          ${sql.param(operands.map((o) => o.lexeme))}::text[], ${sql.param(operands.map((o) => o.word))}::int[],
          ${sql.param(operands.map((o) => o.prefix))}::boolean[], ${q.join === '&'}, ${q.tsquery}::tsquery,
          ${q.locale}, ${q.query}, ${termPath.minMatches}, ${termPath.maxLoose}, ${q.limit}, ${q.offset})`,
  );
  const first = rows[0];
  if (!first) return { total: 0 };
  const ids = rows.flatMap((r) => (r.id === null ? [] : [r.id]));
  return first.ranked ? pageIfFull(first.total, ids, q) : { total: first.total };
}

/**
 * The page ranked from a term path's candidates, if they covered it: it must be as full as the total says it
 * should be (candidates are documents, and a service with several among them takes fewer places); else the total
 * alone, for the GIN path to rank the page.
 */
export function pageIfFull(
  total: number,
  ids: string[],
  q: Pick<TermSearch, 'limit' | 'offset'>,
): TermResult {
  const full = ids.length === Math.min(q.limit, Math.max(0, total - q.offset));
  return full ? { total, rows: ids.map((id) => ({ id, total })) } : { total };
}
