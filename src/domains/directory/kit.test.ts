import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { loadCatalogues } from '../../i18n/index.ts';
import { KIT_SECTIONS, loadDemoCityIfEmpty } from './index.ts';

describe('welcome kit, online and printable', () => {
  let t: TestApp;
  const catalogues = loadCatalogues('en');
  beforeAll(async () => {
    t = await buildTestApp({ env: { ARRIVAL_CITY_NAME: 'Ardvarna' } });
    await loadDemoCityIfEmpty(t.database.db, catalogues);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows every kit section with its services, and offers the PDF', async () => {
    const res = await t.app.inject('/fr/kit');
    expect(res.statusCode).toBe(200);
    const fr = catalogues.translator('fr');
    for (const section of KIT_SECTIONS) expect(res.body).toContain(fr(`kit.section.${section}.title`));
    expect(res.body).toContain('href="/fr/kit.pdf"');
    expect(res.body).toMatch(/<script src="\/assets\/offline\.[0-9a-f]+\.js" defer/);
    expect((await t.app.inject('/xx/kit')).statusCode).toBe(404);
  });

  it('says on a service page who checked its labels, and when', async () => {
    const res = await t.app.inject('/en/services/85c59a76-4a6e-442f-b344-598adc62c02a');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      'These labels were checked by Ardvarna City Welcome Office on November 2, 2026.',
    );
    expect(res.body).toContain('No ID needed');
    expect(res.body).toContain('You do not need an ID or any papers for this service.');
  });

  for (const locale of ['en', 'ar', 'uk']) {
    it(`prints an A4 kit in ${locale} whose text can be extracted, with every section title`, async () => {
      const res = await t.app.inject(`/${locale}/kit.pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      // Poppler moves Arabic vowel marks around: compare without them.
      const bare = (s: string) => s.replace(/[\u064B-\u065F\u0670]/g, '');
      const text = bare(execFileSync('pdftotext', ['-', '-'], { input: res.rawPayload }).toString('utf8'));
      const translate = catalogues.translator(locale);
      // Poppler extracts lam-alef ligatures reversed: compare the words without them.
      const words = (s: string) =>
        s.split(/\s+/).filter((w) => w && !/[\u0644][\u0627\u0623\u0625\u0622]/.test(w));
      for (const section of KIT_SECTIONS) {
        for (const word of words(bare(translate(`kit.section.${section}.title`)))) {
          expect(text, `${section}: ${word}`).toContain(word);
        }
      }
    });
  }
});
