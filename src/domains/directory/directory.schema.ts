import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgSequence,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export * from './hsds.tables.ts';

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

/** Where a translation came from: a person of the city, a partner organisation, or a machine. */
export const TRANSLATION_ORIGINS = ['human', 'partner', 'machine'] as const;
export type TranslationOrigin = (typeof TRANSLATION_ORIGINS)[number];

/**
 * Translations of HSDS text fields. The original text stays in the HSDS row (its language in `content_lang`);
 * each translation says where it came from and whether a person reviewed it.
 */
export const directoryTranslation = pgTable(
  'directory_translation',
  {
    /** The HSDS table, e.g. `service`. */
    tableName: text('table_name').notNull(),
    recordId: text('record_id').notNull(),
    field: text('field').notNull(),
    lang: text('lang').notNull(),
    value: text('value').notNull(),
    origin: text('origin', { enum: TRANSLATION_ORIGINS }).notNull(),
    reviewed: boolean('reviewed').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tableName, t.recordId, t.field, t.lang] }),
    index('directory_translation_record_idx').on(t.recordId),
  ],
);

/**
 * The search index: one row per service and language version (the original and each translation), with the
 * text normalised (accents, Arabic and Persian letter variants) and a tsvector in that language's configuration.
 */
export const directorySearchDoc = pgTable(
  'directory_search_doc',
  {
    serviceId: text('service_id').notNull(),
    lang: text('lang').notNull(),
    isOriginal: boolean('is_original').notNull(),
    /** Normalised service name, for its trigram similarity to the query in the score (not searched by trigram). */
    nameNorm: text('name_norm').notNull(),
    document: tsvector('document').notNull(),
    /** The document's number in the term sets: its service's number × 64 + its place among the service's versions. */
    docNo: integer('doc_no').notNull(),
    /** A hash of what the document was made from (search.index.ts): reindexing the same text changes nothing. */
    sourceHash: text('source_hash'),
  },
  (t) => [
    primaryKey({ columns: [t.serviceId, t.lang] }),
    uniqueIndex('directory_search_doc_doc_no_idx').on(t.docNo),
    index('directory_search_doc_document_idx').using('gin', t.document),
  ],
);

/** Numbers the reindexing of services, in commit order on PGlite (one connection, one transaction at a time). */
export const directorySearchGen = pgSequence('directory_search_gen');

/** A number for each service that has search documents (its documents are numbered from it). */
export const directorySearchService = pgTable(
  'directory_search_service',
  {
    serviceId: text('service_id').primaryKey(),
    no: integer('no').generatedAlwaysAsIdentity().notNull().unique(),
    /**
     * When its documents were last replaced (directory_search_replace_docs, migration 0009): the in-memory term
     * sets of an embedded database read the services changed since they last looked (search.memory.ts).
     */
    gen: bigint('gen', { mode: 'number' }).notNull().default(sql`nextval('directory_search_gen')`),
  },
  (t) => [index('directory_search_service_gen_idx').on(t.gen)],
);

/**
 * Term sets (search.terms.ts, migration 0008): for each lexeme of the search documents and each language, the
 * sorted numbers of the documents that hold it (intarray), so the size of a large result is counted without
 * reading its documents. Kept by directory_search_reindex() in the transaction that changes the documents.
 */
export const directorySearchTerm = pgTable(
  'directory_search_term',
  {
    lexeme: text('lexeme').notNull(),
    lang: text('lang').notNull(),
    docs: integer('docs').array().notNull(),
    /** Holds at least the "hot" number of documents: its champions are kept. */
    hot: boolean('hot').notNull().default(false),
    /** Changed by the running maintenance (always false between transactions). */
    dirty: boolean('dirty').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.lexeme, t.lang] }),
    // Prefix lookups ('jur':*) scan a range in byte order, whatever the database's collation.
    index('directory_search_term_prefix_idx').using('btree', sql`${t.lexeme} collate "C"`),
    // Upkeep reads the terms it changed (few) out of all of them.
    index('directory_search_term_dirty_idx').on(t.lexeme, t.lang).where(sql`${t.dirty}`),
  ],
);

/**
 * The champions of a hot term: its best documents by impact (weights of the lexeme, shorter documents first), at
 * most `keep` and at least half as many (deleted champions are chosen again only below half: migration 0008).
 */
export const directorySearchChampion = pgTable(
  'directory_search_champion',
  {
    lexeme: text('lexeme').notNull(),
    lang: text('lang').notNull(),
    docNo: integer('doc_no').notNull(),
    impact: real('impact').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.lexeme, t.lang, t.docNo] }),
    index('directory_search_champion_doc_no_idx').on(t.docNo),
  ],
);

/** One row: the numbers of documents whose service has several (counted once), and the champion settings. */
export const directorySearchState = pgTable('directory_search_state', {
  id: integer('id').primaryKey(),
  multi: integer('multi').array().notNull().default(sql`'{}'`),
  /** A term with at least this many documents keeps champions… */
  hot: integer('hot').notNull(),
  /** …this many at most (at least half as many). */
  keep: integer('keep').notNull(),
});

/** Every normalised word of the directory's text: typos in a query are corrected against it (pg_trgm). */
export const directoryLexeme = pgTable(
  'directory_lexeme',
  {
    word: text('word').primaryKey(),
    /** When it came (migration 0009): the in-memory dictionary of an embedded database reads the new ones. */
    gen: bigint('gen', { mode: 'number' }).notNull().default(sql`nextval('directory_search_gen')`),
  },
  (t) => [
    index('directory_lexeme_word_trgm_idx').using('gin', sql`${t.word} gin_trgm_ops`),
    index('directory_lexeme_gen_idx').on(t.gen),
  ],
);

/**
 * The version of the directory's content: one row, bumped by a statement trigger on every write to an HSDS table
 * or to the translations (migration 0005), in the writing transaction. Caches of public answers are keyed by it,
 * so every app node sees an import as soon as it commits.
 */
export const directoryVersion = pgTable('directory_version', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
