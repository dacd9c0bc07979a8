/**
 * Orama (in memory) over the same services as Arrival's search, for the side-by-side benchmark. Orama's
 * tokenizer has one language per index, so there is one index per content language, each with that
 * language's splitter, stemmer and stop words from @orama/stemmers and @orama/stopwords. Orama has no
 * Persian: the Persian index splits on anything that is not a letter or digit (its Arabic splitter drops
 * Persian letters). A query runs on every index whose tokenizer finds words in it; hits are merged by score.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type AnyOrama, create, insertMultiple, type Language, search, type Tokenizer } from '@orama/orama';
import { stemmer as arabicStemmer } from '@orama/stemmers/arabic';
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stemmer as frenchStemmer } from '@orama/stemmers/french';
import { stemmer as portugueseStemmer } from '@orama/stemmers/portuguese';
import { stemmer as russianStemmer } from '@orama/stemmers/russian';
import { stemmer as spanishStemmer } from '@orama/stemmers/spanish';
import { stemmer as ukrainianStemmer } from '@orama/stemmers/ukrainian';
import { stopwords as arabicStopwords } from '@orama/stopwords/arabic';
import { stopwords as englishStopwords } from '@orama/stopwords/english';
import { stopwords as frenchStopwords } from '@orama/stopwords/french';
import { stopwords as portugueseStopwords } from '@orama/stopwords/portuguese';
import { stopwords as russianStopwords } from '@orama/stopwords/russian';
import { stopwords as spanishStopwords } from '@orama/stopwords/spanish';
import { stopwords as ukrainianStopwords } from '@orama/stopwords/ukrainian';
import { buildDemoCity, buildSyntheticDirectory } from '../src/domains/directory/index.ts';
import type { Catalogues } from '../src/i18n/index.ts';

export const ORAMA_VERSION = (
  JSON.parse(readFileSync(path.resolve('node_modules/@orama/orama/package.json'), 'utf8')) as {
    version: string;
  }
).version;

const LANGUAGES: Record<string, { language: Language; stemmer: (w: string) => string; stopWords: string[] }> =
  {
    en: { language: 'english', stemmer: englishStemmer, stopWords: englishStopwords },
    es: { language: 'spanish', stemmer: spanishStemmer, stopWords: spanishStopwords },
    fr: { language: 'french', stemmer: frenchStemmer, stopWords: frenchStopwords },
    pt: { language: 'portuguese', stemmer: portugueseStemmer, stopWords: portugueseStopwords },
    ar: { language: 'arabic', stemmer: arabicStemmer, stopWords: arabicStopwords },
    uk: { language: 'ukrainian', stemmer: ukrainianStemmer, stopWords: ukrainianStopwords },
    ru: { language: 'russian', stemmer: russianStemmer, stopWords: russianStopwords },
  };

/** Orama has no Persian: words are runs of letters, marks and digits (ZWNJ kept inside words). */
function persianTokenizer(): Tokenizer {
  return {
    language: 'persian',
    normalizationCache: new Map(),
    tokenize: (raw: string) => [
      ...new Set(
        String(raw)
          .toLowerCase()
          .split(/[^\p{L}\p{M}\p{N}\u200C]+/u)
          .filter(Boolean),
      ),
    ],
  };
}

const SCHEMA = { name: 'string', body: 'string' } as const;

function createIndex(lang: string): AnyOrama {
  const config = LANGUAGES[lang];
  const tokenizer = config
    ? { language: config.language, stemming: true, stemmer: config.stemmer, stopWords: config.stopWords }
    : persianTokenizer();
  return create({ schema: SCHEMA, components: { tokenizer } }) as AnyOrama;
}

export type OramaIndexes = Map<string, AnyOrama>;

interface Doc {
  id: string;
  name: string;
  body: string;
}

async function addDocs(indexes: OramaIndexes, lang: string, docs: Doc[]): Promise<void> {
  let index = indexes.get(lang);
  if (!index) {
    index = createIndex(lang);
    indexes.set(lang, index);
  }
  await insertMultiple(index, docs, 1000);
}

/** The first `size` services of the synthetic directory: name, and description + organization as body. */
export async function buildOramaSynthetic(size: number, seed: number): Promise<OramaIndexes> {
  const indexes: OramaIndexes = new Map();
  for (let from = 0; from < size; from += 5000) {
    const flat = buildSyntheticDirectory(from, Math.min(size, from + 5000), seed);
    const organizations = flat.tables.get('organization');
    const byLang = new Map<string, Doc[]>();
    for (const s of flat.tables.get('service')?.values() ?? []) {
      const lang = String(s.content_lang);
      const organization = organizations?.get(String(s.organization_id))?.name ?? '';
      const list = byLang.get(lang) ?? [];
      list.push({ id: s.id, name: String(s.name), body: `${s.description ?? ''} ${organization}` });
      byLang.set(lang, list);
    }
    for (const [lang, docs] of byLang) await addDocs(indexes, lang, docs);
  }
  return indexes;
}

/**
 * The demo city as Arrival indexes it (search.index.ts): one document per language version of a service
 * (original and every translation; a missing field falls back to the original), name, and alternate name,
 * description, eligibility and the organization's name as body. Documents of a service share its id, one per
 * index.
 */
export async function buildOramaDemo(catalogues: Catalogues): Promise<OramaIndexes> {
  const { flat, translations } = buildDemoCity(catalogues);
  const fields = ['name', 'alternate_name', 'description', 'eligibility_description'];
  const organizations = flat.tables.get('organization');
  const indexes: OramaIndexes = new Map();
  const byLang = new Map<string, Doc[]>();
  for (const s of flat.tables.get('service')?.values() ?? []) {
    const original = Object.fromEntries(fields.map((f) => [f, typeof s[f] === 'string' ? String(s[f]) : '']));
    const versions = new Map<string, Record<string, string>>([[String(s.content_lang ?? 'en'), original]]);
    for (const t of translations) {
      if (t.tableName !== 'service' || t.recordId !== s.id || !fields.includes(t.field)) continue;
      if (t.lang === s.content_lang) continue;
      const version = versions.get(t.lang) ?? {};
      version[t.field] = t.value;
      versions.set(t.lang, version);
    }
    const organization = String(organizations?.get(String(s.organization_id))?.name ?? '');
    for (const [lang, version] of versions) {
      const field = (f: string) => version[f] || original[f] || '';
      const list = byLang.get(lang) ?? [];
      list.push({
        id: s.id,
        name: field('name'),
        body: [
          field('alternate_name'),
          field('description'),
          field('eligibility_description'),
          organization,
        ].join(' '),
      });
      byLang.set(lang, list);
    }
  }
  for (const [lang, docs] of byLang) {
    const index = createIndex(lang);
    await insertMultiple(index, docs);
    indexes.set(lang, index);
  }
  return indexes;
}

/** Service ids, best first: every index whose tokenizer finds words in the query (or only `only`'s). */
export async function oramaSearch(
  indexes: OramaIndexes,
  term: string,
  options: { limit: number; tolerance: number; only?: string },
): Promise<string[]> {
  const scores = new Map<string, number>();
  for (const [lang, index] of indexes) {
    if (options.only && lang !== options.only) continue;
    // An index whose splitter keeps no word of the query would list every document for an empty term.
    if (index.tokenizer.tokenize(term).length === 0) continue;
    const result = await search(index, {
      term,
      properties: ['name', 'body'],
      boost: { name: 2 },
      tolerance: options.tolerance,
      limit: options.limit,
    });
    for (const hit of result.hits) scores.set(hit.id, Math.max(scores.get(hit.id) ?? 0, hit.score));
  }
  return [...scores]
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.limit)
    .map(([id]) => id);
}
