/**
 * The term path of an embedded database: term sets kept in this process's memory.
 *
 * PGlite has no term sets in SQL (its intarray build hangs later queries: migration 0008), and in WebAssembly the
 * GIN path reads and ranks every match: 25,000 of them for a common word in a directory of 100,000 services take
 * over 100 ms. But an embedded database has one process and one connection, and every change of the search
 * documents takes a new generation in the same transaction (migration 0009). So this process keeps, for each
 * lexeme, the documents that hold it and how much each is about it (the impact of migration 0008), reads the
 * services reindexed since it last looked before each search, and finds, counts and pre-ranks a query's
 * documents in memory. The page is then ranked in SQL, by the same score as every other path, from the best
 * documents by impact. What PostgreSQL does with intarray and champions, without either.
 */
import { sql } from 'drizzle-orm';
import { type Db, isSoleHandle, listenOnSoleHandle } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { kthSmallest, lowerBound, merge, NONE, type Postings, parseTsvector } from './search.postings.ts';
import { type Operand, pageIfFull, type TermResult, type TermSearch } from './search.terms.ts';

/** The places a service's documents may take after its number × 64 (migration 0008). */
const PLACES = 64;

/** A lexeme and the documents that hold it, each with its impact. */
interface Term {
  readonly lexeme: string;
  readonly docs: Map<number, number>;
  /** The same, in document order, for searching: made when first needed after a change. */
  postings?: Postings;
}

function postingsOf(term: Term): Postings {
  if (!term.postings) {
    const docs = Int32Array.from(term.docs.keys()).sort();
    const scores = new Float64Array(docs.length);
    for (let i = 0; i < docs.length; i++) scores[i] = term.docs.get(docs[i] as number) as number;
    term.postings = { docs, scores };
  }
  return term.postings;
}

/** A row of what changed: a service's document (or the service alone, when it has none left), or a new word. */
interface Change extends Record<string, unknown> {
  no: number | null;
  gen: number;
  doc_no: number | null;
  lang: string | null;
  document: string | null;
  word: string | null;
}

/** The term sets of one embedded database, kept in step with its search documents. */
export class MemoryTerms {
  private readonly terms = new Map<string, Term>();
  /** Each document's terms (to take it out again) and language (the visitor's comes first on ties). */
  private readonly docTerms = new Map<number, Term[]>();
  /** Each document's language, by number (an index into `langs`; grows with the largest number). */
  private docLang = new Uint8Array(1024);
  private readonly langs: string[] = [''];
  /** The lexemes in code-unit order, for prefixes: rebuilt after lexemes come or go. */
  private sorted: string[] | undefined;
  /** The newest generation read (migration 0009). */
  private generation = 0;
  /** Something was reindexed since the last read (or nothing was read yet). */
  private stale = true;
  private reading: Promise<void> = Promise.resolve();
  /** The directory's words (directory_lexeme), against which query words are corrected. */
  readonly words = new Set<string>();

  get documents(): number {
    return this.docTerms.size;
  }

  /** Called when a reindexing commits (pg_notify in directory_search_replace_docs, migration 0009). */
  changed(): void {
    this.stale = true;
  }

  /**
   * Reads the services reindexed and the words added since the last read (everything the first time), in one
   * statement, so in one snapshot; nothing when nothing was committed since. Reads queue: two searches at once
   * read once.
   */
  refresh(db: Db): Promise<void> {
    if (!this.stale) return this.reading;
    const next = this.reading.then(() => (this.stale ? this.readChanges(db) : undefined));
    this.reading = next.catch(() => {});
    return next;
  }

  private async readChanges(db: Db): Promise<void> {
    // Cleared first: a commit heard while reading (after this statement's snapshot) is read next time.
    this.stale = false;
    try {
      const rows = await queryRows<Change>(
        db,
        sql`select s.no, s.gen::float8 as gen, d.doc_no, d.lang, d.document::text as document, null::text as word
              from directory_search_service s left join directory_search_doc d on d.service_id = s.service_id
             where s.gen > ${this.generation}
            union all
            select null, l.gen::float8, null, null, null, l.word from directory_lexeme l where l.gen > ${this.generation}`,
      );
      this.apply(rows);
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }

  private apply(rows: Change[]): void {
    let newest = this.generation;
    const services = new Set<number>();
    for (const row of rows) {
      if (row.gen > newest) newest = row.gen;
      if (row.word !== null) this.words.add(row.word);
      if (row.no !== null) services.add(row.no);
    }
    // A service reindexed replaces all its documents: the old ones leave, then its current ones (if any) come.
    for (const no of services) {
      for (let place = 0; place < PLACES; place++) this.forget(no * PLACES + place);
    }
    for (const row of rows) {
      if (row.doc_no !== null && row.document !== null) this.learn(row.doc_no, row.lang ?? '', row.document);
    }
    this.generation = newest;
  }

  private forget(doc: number): void {
    const terms = this.docTerms.get(doc);
    if (!terms) return;
    for (const term of terms) {
      term.docs.delete(doc);
      term.postings = undefined;
      if (term.docs.size === 0) {
        this.terms.delete(term.lexeme);
        this.sorted = undefined;
      }
    }
    this.docTerms.delete(doc);
    this.docLang[doc] = 0;
  }

  private learn(doc: number, lang: string, document: string): void {
    const lexemes = parseTsvector(document);
    // directory_search_impact: the lexeme's weights over the log of the document's length in lexemes.
    const norm = Math.log(lexemes.length + 2);
    const terms: Term[] = [];
    for (const [lexeme, weight] of lexemes) {
      let term = this.terms.get(lexeme);
      if (!term) {
        term = { lexeme, docs: new Map() };
        this.terms.set(lexeme, term);
        this.sorted = undefined;
      }
      term.docs.set(doc, weight / norm);
      term.postings = undefined;
      terms.push(term);
    }
    this.docTerms.set(doc, terms);
    if (doc >= this.docLang.length) {
      const grown = new Uint8Array(Math.max(doc + 1, this.docLang.length * 2));
      grown.set(this.docLang);
      this.docLang = grown;
    }
    let code = this.langs.indexOf(lang);
    if (code < 0) code = this.langs.push(lang) - 1;
    // More than 255 languages: the rest share one code (only the visitor's-language bonus would notice).
    this.docLang[doc] = Math.min(code, 255);
  }

  /** The terms an operand matches: its lexeme, or every lexeme starting with it. */
  private termsOf(operand: Operand): Term[] {
    if (!operand.prefix) {
      const term = this.terms.get(operand.lexeme);
      return term ? [term] : [];
    }
    this.sorted ??= [...this.terms.keys()].sort();
    const found: Term[] = [];
    for (let i = lowerBound(this.sorted, operand.lexeme); i < this.sorted.length; i++) {
      const lexeme = this.sorted[i] as string;
      if (!lexeme.startsWith(operand.lexeme)) break;
      const term = this.terms.get(lexeme);
      if (term) found.push(term);
    }
    return found;
  }

  /** The documents holding any of a word's alternatives, each with its best impact among them. */
  private wordPostings(alternatives: Operand[]): Postings {
    const terms = [...new Set(alternatives.flatMap((o) => this.termsOf(o)))];
    if (terms.length <= 4) return terms.map(postingsOf).reduce((a, b) => merge(a, b, false, Math.max), NONE);
    // A short prefix matches many lexemes: gathered at once rather than merged one by one.
    const docs = new Map<number, number>();
    for (const term of terms) {
      for (const [doc, impact] of term.docs) {
        const had = docs.get(doc);
        if (had === undefined || had < impact) docs.set(doc, impact);
      }
    }
    return postingsOf({ lexeme: '', docs });
  }

  /**
   * The documents matching every word (or any), each with the sum of its words' impacts: exactly the documents
   * the query's tsquery matches, as a document holds a lexeme exactly when the GIN index says so.
   */
  match(words: Operand[][], join: '&' | '|'): Postings {
    const perWord = words.map((w) => this.wordPostings(w)).sort((a, b) => a.docs.length - b.docs.length);
    const [first = NONE, ...rest] = perWord;
    return rest.reduce((a, b) => merge(a, b, join === '&', (x, y) => x + y), first);
  }

  /** How many services these documents belong to (a service's documents share its number: doc >> 6). */
  static services(found: Postings): number {
    let count = 0;
    let last = -1;
    for (const doc of found.docs) {
      const service = Math.floor(doc / PLACES);
      if (service !== last) count++;
      last = service;
    }
    return count;
  }

  /**
   * The best `k` documents by impact (the visitor's language first on ties, as ts_rank with a bonus of 0.01 in
   * search.ts), then by number.
   */
  best(found: Postings, k: number, locale: string): number[] {
    const size = found.docs.length;
    if (size <= k) return Array.from(found.docs);
    const code = this.langs.indexOf(locale);
    const scores = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      scores[i] =
        (found.scores[i] as number) + (code > 0 && this.docLang[found.docs[i] as number] === code ? 0.01 : 0);
    }
    // The k-th best score; the documents above it, then those that have it (a common word in documents alike:
    // thousands of them) in number order, as they come.
    const threshold = kthSmallest(scores.slice(), size - k);
    const chosen: number[] = [];
    for (let i = 0; i < size; i++)
      if ((scores[i] as number) > threshold) chosen.push(found.docs[i] as number);
    for (let i = 0; i < size && chosen.length < k; i++) {
      if (scores[i] === threshold) chosen.push(found.docs[i] as number);
    }
    return chosen;
  }
}

/**
 * Documents ranked in full per search: the best by impact. The GIN path ranks its best 200 by ts_rank; 100 are
 * enough here (on the benchmark's 320 queries at 100,000 services the pages score as well as the GIN path's by the
 * full score: bench/README.md) and each costs ~50 µs in WebAssembly.
 */
export const memoryPath = { candidates: 100 };

const indexes = new WeakMap<Db, Promise<MemoryTerms>>();

/**
 * The in-memory term sets of this handle's database, up to date, when it is embedded and this is its top-level
 * handle (the first call reads them all).
 */
export async function memoryTermsOf(db: Db): Promise<MemoryTerms | undefined> {
  if (!isSoleHandle(db)) return undefined;
  let ready = indexes.get(db);
  if (!ready) {
    const terms = new MemoryTerms();
    // Listening before the first read: whatever commits after it is heard.
    ready = listenOnSoleHandle(db, 'directory_search', () => terms.changed()).then(
      () => terms,
      (error: unknown) => {
        indexes.delete(db);
        throw error;
      },
    );
    indexes.set(db, ready);
  }
  const terms = await ready;
  await terms.refresh(db);
  return terms;
}

/**
 * Reads what search keeps in memory (an embedded database's term sets) before the first request, so that the first
 * search does not wait for it (~4 s at 100,000 services); nothing elsewhere.
 */
export async function prepareSearch(db: Db): Promise<void> {
  await memoryTermsOf(db);
}

/** Counts the query's services and ranks a page from the in-memory term sets (the term path of PGlite). */
export async function searchInMemory(db: Db, terms: MemoryTerms, q: TermSearch): Promise<TermResult> {
  const found = terms.match(q.words, q.join);
  const total = MemoryTerms.services(found);
  if (total === 0 || q.offset >= total) return { total, rows: [] };
  const candidates = terms.best(found, Math.max(memoryPath.candidates, q.offset + q.limit), q.locale);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select d.service_id as id
          from directory_search_doc d
         where d.doc_no = any(${sql.param(candidates)}::int[])
         group by d.service_id
         order by max(directory_search_score(d.document, ${q.tsquery}::tsquery, d.lang, ${q.locale}, d.name_norm, ${q.query})) desc,
                  d.service_id
         limit ${q.limit} offset ${q.offset}`,
  );
  return pageIfFull(
    total,
    rows.map((r) => r.id),
    q,
  );
}
