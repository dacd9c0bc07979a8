import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { z } from 'zod';

/** The catalogue every other one is checked against. */
export const SOURCE_LOCALE = 'en';
export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

const ZMeta = z.object({
  name: z.string().min(1),
  dir: z.enum(['ltr', 'rtl']),
  reviewed: z.boolean(),
  note: z.string().optional(),
});
const ZCatalogue = z.looseObject({ $meta: ZMeta });

export interface Catalogue {
  locale: string;
  /** The language's own name, as shown in the language switcher. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** False for machine-drafted catalogues; shown to admins, never to the public. */
  reviewed: boolean;
  messages: Record<string, string>;
}

export type MessageValues = Record<string, PrimitiveType>;
export type Translate = (key: string, values?: MessageValues) => string;

export class Catalogues {
  readonly locales: readonly string[];
  readonly defaultLocale: string;
  private readonly byLocale: ReadonlyMap<string, Catalogue>;
  private readonly compiled = new Map<string, IntlMessageFormat>();

  constructor(catalogues: Catalogue[], defaultLocale: string) {
    const source = catalogues.find((c) => c.locale === SOURCE_LOCALE);
    if (!source) throw new Error(`The source catalogue locales/${SOURCE_LOCALE}.json is missing.`);
    this.byLocale = new Map(catalogues.map((c) => [c.locale, c]));
    // The source first, then the others by code, so the switcher order is stable.
    this.locales = [
      SOURCE_LOCALE,
      ...catalogues
        .map((c) => c.locale)
        .filter((l) => l !== SOURCE_LOCALE)
        .sort(),
    ];
    if (!this.byLocale.has(defaultLocale)) {
      throw new Error(`ARRIVAL_DEFAULT_LOCALE: no catalogue locales/${defaultLocale}.json`);
    }
    this.defaultLocale = defaultLocale;
  }

  has(locale: string): boolean {
    return this.byLocale.has(locale);
  }

  get(locale: string): Catalogue {
    const catalogue = this.byLocale.get(locale) ?? this.byLocale.get(this.defaultLocale);
    if (!catalogue) throw new Error(`No catalogue for ${locale}`);
    return catalogue;
  }

  all(): Catalogue[] {
    return this.locales.map((l) => this.get(l));
  }

  /** A translate function for one locale; a key missing there falls back to the source catalogue. */
  translator(locale: string): Translate {
    const lang = this.has(locale) ? locale : this.defaultLocale;
    return (key, values) => this.format(lang, key, values);
  }

  private format(locale: string, key: string, values?: MessageValues): string {
    const cacheKey = `${locale}\u0000${key}`;
    let message = this.compiled.get(cacheKey);
    if (!message) {
      const text = this.get(locale).messages[key] ?? this.get(SOURCE_LOCALE).messages[key];
      if (text === undefined) throw new Error(`Unknown message key: ${key}`);
      message = new IntlMessageFormat(text, locale);
      this.compiled.set(cacheKey, message);
    }
    return String(message.format(values));
  }

  /**
   * The best locale for an Accept-Language header (RFC 9110 §12.5.4): highest q first, then header order;
   * a regional tag (pt-BR) matches its bare language (pt).
   */
  negotiate(acceptLanguage: string | undefined): string {
    if (!acceptLanguage) return this.defaultLocale;
    const ranges = acceptLanguage
      .split(',')
      .map((part, index) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        const weight = q ? Number.parseFloat(q.slice(2)) : 1;
        return {
          lang: tag.trim().toLowerCase().split('-')[0] ?? '',
          weight: Number.isFinite(weight) ? weight : 0,
          index,
        };
      })
      .filter((r) => r.weight > 0 && r.lang !== '')
      .sort((a, b) => b.weight - a.weight || a.index - b.index);
    return ranges.find((r) => this.has(r.lang))?.lang ?? this.defaultLocale;
  }
}

export function parseCatalogue(locale: string, raw: unknown): Catalogue {
  const parsed = ZCatalogue.parse(raw);
  const { $meta, ...rest } = parsed;
  const messages: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value !== 'string') throw new Error(`locales/${locale}.json: ${key} is not a string`);
    messages[key] = value;
  }
  return { locale, name: $meta.name, dir: $meta.dir, reviewed: $meta.reviewed, messages };
}

/** Reads every `locales/<lang>.json`: adding a locale is dropping a catalogue in that folder. */
export function readCatalogueFiles(dir: string = LOCALES_DIR): Catalogue[] {
  return readdirSync(dir)
    .filter((file) => /^[a-z]{2,3}\.json$/.test(file))
    .map((file) => {
      const locale = file.slice(0, -'.json'.length);
      return parseCatalogue(locale, JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    });
}

export function loadCatalogues(defaultLocale: string, dir: string = LOCALES_DIR): Catalogues {
  return new Catalogues(readCatalogueFiles(dir), defaultLocale);
}
