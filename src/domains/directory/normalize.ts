/**
 * Text normalisation for search, applied the same way to the directory's text and to queries, on both drivers
 * (in JavaScript, so PGlite and PostgreSQL index exactly the same words).
 *
 * - Latin and Cyrillic: case and diacritics folded (é → e, ё → е), by Unicode decomposition.
 * - Arabic script: harakat and tatweel removed; alef variants (أ إ آ ٱ) → ا; alef maksura ى → ي; ta marbuta ة → ه;
 *   Persian yeh ی and Arabic yeh ي unified, Persian kaf ک and Arabic kaf ك unified; Arabic-Indic digits → 0-9.
 * - Zero-width (non-)joiners become spaces or vanish, so "می‌خواهم" and "میخواهم" match.
 */
export function normalizeText(text: string, zwnj: 'join' | 'split' = 'join'): string {
  return (
    text
      .normalize('NFKD')
      // Combining marks: Latin accents, Arabic harakat and hamza above/below (after decomposition).
      .replace(/\p{M}/gu, '')
      .replace(/\u0640/g, '') // tatweel
      .replace(/\u0671/g, '\u0627') // alef wasla → alef
      .replace(/\u0649/g, '\u064A') // alef maksura → yeh
      .replace(/\u06CC/g, '\u064A') // Persian yeh → Arabic yeh
      .replace(/\u06A9/g, '\u0643') // Persian kaf → Arabic kaf
      .replace(/\u0629/g, '\u0647') // ta marbuta → heh
      .replace(/\u06C0/g, '\u0647') // heh with yeh above (Persian ezafe) → heh
      .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
      .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
      // Zero-width non-joiner (Persian): people type "می‌خواهم" as "میخواهم" or "می خواهم", and an ezafe
      // "مشاوره‌ی" as "مشاوره"; the index keeps both readings, queries use the joined one.
      .replace(/\u200C/g, zwnj === 'join' ? '' : ' ')
      .replace(/\u200B|\u200D|\u2060|\uFEFF/g, '')
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** The words of a normalised text: letters and digits in any script. */
export function wordsOf(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+/gu) ?? [];
}

export type Script = 'latin' | 'cyrillic' | 'arabic' | 'other';

/** The dominant script of a text, by counting letters. */
export function detectScript(text: string): Script {
  const count = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
  const latin = count(/\p{Script=Latin}/gu);
  const cyrillic = count(/\p{Script=Cyrillic}/gu);
  const arabic = count(/\p{Script=Arabic}/gu);
  const other = count(/\p{L}/gu) - latin - cyrillic - arabic;
  const max = Math.max(latin, cyrillic, arabic, other);
  if (max === 0) return 'other';
  if (max === arabic) return 'arabic';
  if (max === cyrillic) return 'cyrillic';
  if (max === latin) return 'latin';
  return 'other';
}

/** PostgreSQL text search configurations that exist on both drivers; `simple` where Postgres has no stemmer. */
const CONFIG_BY_LANG: Record<string, string> = {
  en: 'english',
  es: 'spanish',
  fr: 'french',
  pt: 'portuguese',
  ru: 'russian',
  ar: 'arabic',
  de: 'german',
  it: 'italian',
  nl: 'dutch',
  tr: 'turkish',
};

export function searchConfigFor(lang: string): string {
  return CONFIG_BY_LANG[lang] ?? 'simple';
}

/** The configurations a query in this script may be written in: the query is parsed with each. */
export function searchConfigsForScript(script: Script): string[] {
  switch (script) {
    case 'arabic':
      return ['arabic', 'simple'];
    case 'cyrillic':
      return ['russian', 'simple'];
    case 'latin':
      return ['english', 'spanish', 'french', 'portuguese', 'simple'];
    default:
      return ['simple'];
  }
}
