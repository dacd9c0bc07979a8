import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
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
    /** Normalised service name, for trigram similarity. */
    nameNorm: text('name_norm').notNull(),
    document: tsvector('document').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.serviceId, t.lang] }),
    index('directory_search_doc_document_idx').using('gin', t.document),
    index('directory_search_doc_name_trgm_idx').using('gin', sql`${t.nameNorm} gin_trgm_ops`),
  ],
);

/** Every normalised word of the directory's text: typos in a query are corrected against it (pg_trgm). */
export const directoryLexeme = pgTable(
  'directory_lexeme',
  {
    word: text('word').primaryKey(),
  },
  (t) => [index('directory_lexeme_word_trgm_idx').using('gin', sql`${t.word} gin_trgm_ops`)],
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
