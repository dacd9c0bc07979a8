/**
 * The fixed query mix of the search benchmark: drawn deterministically from the synthetic directory's own
 * text (so every query has answers at every size), in each of its eight languages, then shuffled so any
 * prefix of the list is a fair sample of it.
 */
import { buildSyntheticDirectory } from '../src/domains/directory/index.ts';
import { random, shuffle } from './lib.ts';

export type QueryKind = 'common-word' | 'phrase' | 'phrase+who' | 'typo' | 'prefix' | 'exact-name';

export interface BenchQuery {
  q: string;
  lang: string;
  kind: QueryKind;
}

/** Per language and kind: how many queries (8 languages × 40 = 320). */
const PER_LANGUAGE: Record<QueryKind, number> = {
  'common-word': 8,
  phrase: 8,
  'phrase+who': 6,
  typo: 6,
  prefix: 6,
  'exact-name': 6,
};

const wordsIn = (text: string) => text.split(/[^\p{L}\p{M}\p{N}\u200C-]+/u).filter((w) => w.length >= 3);

/** One edit in a word of five letters or more: a letter dropped, doubled or two neighbours swapped. */
function typo(word: string, next: () => number): string {
  const letters = [...word];
  const at = 1 + Math.floor(next() * (letters.length - 2));
  const edit = Math.floor(next() * 3);
  if (edit === 0) letters.splice(at, 1);
  else if (edit === 1) letters.splice(at, 0, letters[at] ?? '');
  else [letters[at], letters[at + 1]] = [letters[at + 1] ?? '', letters[at] ?? ''];
  return letters.join('');
}

export function buildQueryMix(seed: number, services = 1000): BenchQuery[] {
  const flat = buildSyntheticDirectory(0, services, seed);
  const next = random(seed ^ 0x5eed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const byLang = new Map<string, { name: string; help: string; who: string[]; free: string }[]>();
  for (const row of flat.tables.get('service')?.values() ?? []) {
    const lang = String(row.content_lang);
    const description = String(row.description);
    // description = `${help} — ${who}, ${who}. ${free}`
    const [help = '', rest = ''] = description.split(' — ');
    const who = rest.split('.')[0]?.split(', ') ?? [];
    const free = rest.slice(rest.indexOf('.') + 1).trim();
    const list = byLang.get(lang) ?? [];
    list.push({ name: String(row.name), help, who, free });
    byLang.set(lang, list);
  }
  const queries: BenchQuery[] = [];
  for (const [lang, services] of byLang) {
    const add = (kind: QueryKind, make: () => string | undefined) => {
      for (let i = 0; i < PER_LANGUAGE[kind]; i++) {
        const q = make();
        if (q) queries.push({ q, lang, kind });
      }
    };
    add('common-word', () => {
      const s = pick(services);
      // Half of them the word every description in the language has ("free", "gratis", "مجاني"…).
      return pick(wordsIn(next() < 0.5 ? s.free : s.help));
    });
    add('phrase', () => pick(services).help);
    add('phrase+who', () => {
      const s = pick(services);
      return `${s.help} ${pick(s.who)}`;
    });
    add('typo', () => {
      const words = wordsIn(pick(services).help);
      const long = words.filter((w) => [...w].length >= 5);
      const target = long.length ? pick(long) : pick(words);
      return words.map((w) => (w === target ? typo(w, next) : w)).join(' ');
    });
    add('prefix', () => {
      const words = wordsIn(pick(services).help);
      const last = words.pop() ?? '';
      return [...words, [...last].slice(0, 4).join('')].join(' ');
    });
    add('exact-name', () => pick(services).name);
  }
  return shuffle(queries, next);
}
