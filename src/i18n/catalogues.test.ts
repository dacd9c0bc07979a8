import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { Catalogues, LOCALES_DIR, readCatalogueFiles, SOURCE_LOCALE } from './catalogues.ts';

/** The names of every argument in a message, including those inside plural/select branches and tags. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (
      el.type === TYPE.argument ||
      el.type === TYPE.number ||
      el.type === TYPE.date ||
      el.type === TYPE.time
    ) {
      into.add(el.value);
    } else if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    } else if (el.type === TYPE.tag) {
      into.add(`<${el.value}>`);
      argumentsOf(el.children, into);
    }
  }
  return into;
}

const catalogues = readCatalogueFiles();
const source = catalogues.find((c) => c.locale === SOURCE_LOCALE);

describe('message catalogues', () => {
  it('has at least the eight launch languages, with Arabic and Persian right-to-left', () => {
    const locales = catalogues.map((c) => c.locale);
    for (const l of ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru']) expect(locales).toContain(l);
    for (const c of catalogues)
      expect(c.dir, c.locale).toBe(['ar', 'fa', 'ps', 'ur'].includes(c.locale) ? 'rtl' : 'ltr');
  });

  it('says for each catalogue whether a person reviewed it', () => {
    for (const c of catalogues) expect(typeof c.reviewed, c.locale).toBe('boolean');
    expect(source?.reviewed).toBe(true);
  });

  for (const catalogue of catalogues) {
    describe(catalogue.locale, () => {
      it('has exactly the keys of the source catalogue', () => {
        const want = Object.keys(source?.messages ?? {}).sort();
        const have = Object.keys(catalogue.messages).sort();
        expect(
          have.filter((k) => !want.includes(k)),
          'keys the source lacks',
        ).toEqual([]);
        expect(
          want.filter((k) => !have.includes(k)),
          'missing keys',
        ).toEqual([]);
      });

      it('has messages that parse, with the same placeholders as the source', () => {
        for (const [key, text] of Object.entries(catalogue.messages)) {
          let ast: MessageFormatElement[] = [];
          expect(() => {
            ast = parse(text);
          }, `${catalogue.locale} ${key} parses`).not.toThrow();
          const sourceText = source?.messages[key];
          if (sourceText === undefined) continue;
          expect([...argumentsOf(ast)].sort(), `${catalogue.locale} ${key} placeholders`).toEqual(
            [...argumentsOf(parse(sourceText))].sort(),
          );
          expect(text.trim(), `${catalogue.locale} ${key} is not empty`).not.toBe('');
        }
      });
    });
  }

  it('is a plain JSON file per locale, so adding a language is dropping one in locales/', () => {
    for (const c of catalogues) {
      const raw = JSON.parse(readFileSync(path.join(LOCALES_DIR, `${c.locale}.json`), 'utf8'));
      expect(raw.$meta.name, c.locale).toBe(c.name);
    }
  });

  it('detects a catalogue with a broken placeholder', () => {
    // The checks above must be able to fail: a renamed placeholder is a different set of arguments.
    expect([...argumentsOf(parse('Welcome to {cty}'))]).not.toEqual([
      ...argumentsOf(parse('Welcome to {city}')),
    ]);
    expect(() => parse('Welcome to {city')).toThrow();
  });
});

describe('translate and negotiate', () => {
  const all = new Catalogues(catalogues, 'en');

  it('formats ICU messages with values', () => {
    expect(all.translator('en')('home.title', { city: 'Lisbon' })).toBe('Welcome to Lisbon');
  });

  it('falls back to the source for a key a catalogue lacks', () => {
    const partial = new Catalogues(
      [
        { locale: 'en', name: 'English', dir: 'ltr', reviewed: true, messages: { a: 'Hello', b: 'Bye' } },
        { locale: 'xh', name: 'isiXhosa', dir: 'ltr', reviewed: false, messages: { a: 'Molo' } },
      ],
      'en',
    );
    expect(partial.translator('xh')('a')).toBe('Molo');
    expect(partial.translator('xh')('b')).toBe('Bye');
  });

  it('picks the best supported language from Accept-Language', () => {
    expect(all.negotiate('ar-MA,ar;q=0.9')).toBe('ar');
    expect(all.negotiate('de;q=1, ru;q=0.3, es;q=0.5')).toBe('es');
    expect(all.negotiate('fr;q=0, en;q=0.1')).toBe('en');
    expect(all.negotiate('*')).toBe('en');
    expect(all.negotiate('')).toBe('en');
    expect(all.negotiate(';;;,,q=abc')).toBe('en');
  });
});
