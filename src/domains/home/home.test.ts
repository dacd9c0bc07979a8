import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';

describe('home and language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { ARRIVAL_CITY_NAME: 'Porto Novo' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  it('sends / to the home page in the best language the browser asks for', async () => {
    const cases: [string | undefined, string][] = [
      ['fa-IR,fa;q=0.9,en;q=0.5', '/fa/'],
      ['de-DE, pt-BR;q=0.8, en;q=0.5', '/pt/'],
      ['en;q=0.2, uk;q=0.9', '/uk/'],
      ['de, it', '/en/'],
      [undefined, '/en/'],
    ];
    for (const [accept, location] of cases) {
      const res = await get('/', accept ? { 'accept-language': accept } : {});
      expect([302, 303]).toContain(res.statusCode);
      expect(res.headers.location, String(accept)).toBe(location);
      expect(res.headers.vary).toMatch(/Accept-Language/i);
    }
  });

  it('shows a home page in each of the eight languages with the right lang and dir', async () => {
    const expected: Record<string, string> = {
      en: 'ltr',
      es: 'ltr',
      fr: 'ltr',
      pt: 'ltr',
      ar: 'rtl',
      uk: 'ltr',
      fa: 'rtl',
      ru: 'ltr',
    };
    for (const [locale, dir] of Object.entries(expected)) {
      const res = await get(`/${locale}/`);
      expect(res.statusCode, locale).toBe(200);
      expect(res.body).toMatch(new RegExp(`^<!doctype html><html lang="${locale}" dir="${dir}">`));
      expect(res.body).toContain('Porto Novo');
      // The search form sends a GET to the locale's search page.
      expect(res.body).toContain(`action="/${locale}/services"`);
      // Every other language is one link away, named in its own language.
      expect(res.body).toMatch(/hreflang="ar" lang="ar" dir="rtl"[^>]*>العربية<\/a>/);
      expect(res.body).toMatch(/hreflang="uk" lang="uk" dir="ltr"[^>]*>Українська<\/a>/);
    }
  });

  it('tells a newcomer in plain words that nobody asks about status', async () => {
    const res = await get('/en/');
    expect(res.body).toContain('The city does not ask about your immigration status.');
    expect(res.body).toContain('href="/en/kit"');
    expect(res.body).toContain('href="/en/privacy"');
    expect(res.body).toContain('href="/en/report"');
    expect(res.body).toContain('class="skip" href="#main"');
    expect(res.body).toContain('href="tel:112"');
  });

  it('never tells the public that a translation is machine-drafted', async () => {
    for (const locale of ['ar', 'fa', 'uk']) {
      const res = await get(`/${locale}/`);
      expect(res.body).not.toMatch(/machine|review/i);
    }
  });

  it('adds the trailing slash to a bare locale', async () => {
    const res = await get('/ar');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/ar/');
  });

  it('answers an unknown locale with the 404 page in the negotiated language', async () => {
    const res = await get('/xx/', { 'accept-language': 'fr-CA,fr;q=0.9' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/^<!doctype html><html lang="fr"/);
    expect(res.body).toContain('Page introuvable');
    const bare = await get('/xx', { 'accept-language': 'ar' });
    expect(bare.statusCode).toBe(404);
    expect(bare.body).toContain('dir="rtl"');
  });

  it('answers an unknown page inside a locale with that locale’s 404 page', async () => {
    const res = await get('/uk/no-such-page', { 'accept-language': 'en' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatch(/^<!doctype html><html lang="uk"/);
  });

  it('serves pages with a strict content security policy and no inline script', async () => {
    const res = await get('/en/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\sstyle=/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('compresses pages and caches hashed assets for a year', async () => {
    const compressed = await get('/en/', { 'accept-encoding': 'br, gzip' });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(Number(compressed.headers['content-length'] ?? compressed.rawPayload.length)).toBeLessThan(
      (await get('/en/')).body.length / 2,
    );
    const res = await get('/en/');
    const css = /href="(\/assets\/app\.[0-9a-f]+\.css)"/.exec(res.body)?.[1];
    expect(css).toBeDefined();
    const asset = await get(String(css));
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/text\/css/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await get('/assets/app.0000000000.css')).statusCode).toBe(404);
  });

  it('gives each response a request id, and keeps a plain one it was given', async () => {
    const res = await get('/en/');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await get('/en/', { 'x-request-id': 'proxy-req-12345' });
    expect(given.headers['x-request-id']).toBe('proxy-req-12345');
    const hostile = await get('/en/', { 'x-request-id': '<script>alert(1)</script>' });
    expect(hostile.headers['x-request-id']).not.toContain('<');
  });
});
