import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { loadCatalogues } from '../../i18n/index.ts';
import { PERSONAL_FIELDS } from './fields.ts';
import { PROTECTION } from './privacy.pages.tsx';

/** The text of an HTML fragment as a person reads it: tags out, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the privacy page, generated from the field registry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { ARRIVAL_CITY_NAME: 'Porto Novo' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  for (const locale of ['en', 'ar']) {
    it(`says for every field of the registry why, who, how long and how, in ${locale}`, async () => {
      const tr = loadCatalogues(t.config.defaultLocale).translator(locale);
      const res = await t.app.inject(`/${locale}/privacy`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(new RegExp(`^<!doctype html><html lang="${locale}"`));
      const names = Object.keys(PERSONAL_FIELDS) as (keyof typeof PERSONAL_FIELDS)[];
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) {
        const field = PERSONAL_FIELDS[name];
        // Each registry field has its own section on the page: a field added to fields.ts and missing here fails.
        const section = new RegExp(`<section[^>]*id="field-${name}"[\\s\\S]*?</section>`).exec(res.body)?.[0];
        expect(section, `no section for ${name}`).toBeDefined();
        const text = textOf(section ?? '');
        expect(text).toContain(tr(`privacy.field.${name}.label`));
        expect(text).toContain(tr(`privacy.field.${name}.what`));
        expect(text).toContain(tr(`privacy.purpose.${field.purpose}`));
        for (const audience of field.audiences) expect(text).toContain(tr(`privacy.audience.${audience}`));
        expect(text).toContain(tr(field.shareable ? 'privacy.share.consent' : 'privacy.share.never'));
        expect(text).toContain(tr(`privacy.protection.${PROTECTION[name]}`));
      }
    });
  }

  it('tells when each field is deleted in plain words, from the registry’s periods', async () => {
    const text = textOf((await t.app.inject('/en/privacy')).body);
    expect(text).toContain('2 years after your last visit or the last change to your record.');
    expect(text).toContain('1 year after it was written down.');
    expect(text).toContain('1 year after it ends');
  });

  it('makes the promises: no status, no enforcement, alias, consent, erasure with a link to the code page', async () => {
    const res = await t.app.inject('/en/privacy');
    const text = textOf(res.body);
    expect(text).toContain('We never ask about your immigration status');
    expect(text).toContain('Nothing you tell us is given to immigration enforcement.');
    expect(text).toContain('an alias');
    expect(text).toContain('You can withdraw your consent at any time.');
    expect(text).toContain('You can ask us to delete everything we keep about you.');
    expect(text).toContain('encrypted with a key that belongs to your record alone');
    expect(res.body).toContain('href="/en/my-data"');
    // The footer's "Your privacy" link leads here.
    expect(res.body).toMatch(/<a href="\/en\/privacy">Your privacy<\/a>/);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\sstyle=/);
  });

  it('answers an unknown locale with the 404 page', async () => {
    expect((await t.app.inject('/xx/privacy')).statusCode).toBe(404);
  });
});
