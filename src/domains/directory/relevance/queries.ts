import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The labelled relevance set: real questions a newcomer types (typos, missing accents, Arabic with and without
 * diacritics, Ukrainian inflections, French, Persian…) and the demo services that answer them.
 */
export interface LabelledQuery {
  q: string;
  locale: string;
  expect: string[];
  why: string;
}

export const LABELLED_QUERIES = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'queries.json'), 'utf8'),
) as LabelledQuery[];

/**
 * More queries for comparing search paths on the demo city: common words, prefixes, stop words, a phrase, and words
 * it does not have.
 */
export const PATH_QUERIES = [
  ...LABELLED_QUERIES.map((l) => l.q),
  'free',
  'legal',
  'grat',
  'con',
  'the',
  'a',
  'бесп',
  'مجاني',
  'rendez-vous',
  'xyzzy',
  'help food legal',
];
