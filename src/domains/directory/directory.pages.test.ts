import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { testDir } from '../../../test/temp.ts';
import { importHsds } from './index.ts';
import { FIXTURE_SERVICES, writeFixtureFile } from './testdata/fixtures.ts';

describe('directory pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await importHsds(t.database.db, writeFixtureFile(), {
      locales: ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'],
      defaultLocale: 'en',
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('searches from a plain GET form and shows the result count', async () => {
    const res = await get('/en/services?q=legal+advice');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Free legal advice for newcomers');
    expect(res.body).toMatch(/\d+ services? found\./);
    expect(res.body).toContain('value="legal advice"');
  });

  it('shows a service written in another script with its own language on the element', async () => {
    const res = await get(`/ar/services?q=${encodeURIComponent('دروس')}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/lang="ar" dir="rtl">دروس مجانية/);
  });

  it('pages through every service, ten at a time', async () => {
    const first = await get('/en/services');
    expect(first.body).toContain(`${FIXTURE_SERVICES.length} services found.`);
    const past = await get('/en/services?page=9');
    expect(past.statusCode).toBe(404);
  });

  it('sorts by distance from a point, and keeps it while paging', async () => {
    const res = await get('/en/services?q=legal&near=41.15,-8.61');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="near" value="41.15,-8.61"');
    expect(res.body).toContain('Free legal advice for newcomers');
  });

  it('refuses bad filters with a 400 page, not a 500', async () => {
    for (const query of [
      'page=abc',
      'label=not-a-label',
      `q=${'x'.repeat(201)}`,
      'language=english!',
      'near=200,1',
      'near=abc',
    ]) {
      const res = await get(`/en/services?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/text\/html/);
    }
  });

  it('shows a service page: what, where with a map link, hours, phone as tel: link, languages', async () => {
    const id = FIXTURE_SERVICES[7]?.id;
    const res = await get(`/en/services/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Night shelter');
    expect(res.body).toContain('href="https://www.openstreetmap.org/?mlat=41.15&amp;mlon=-8.61');
    expect(res.body).toContain('href="tel:+15550100"');
    expect(res.body).toContain('Opening hours');
    expect(res.body).toMatch(/Ukrainian|українська/);
    expect((await get('/en/services/00000000-0000-4000-8000-000000000bad')).statusCode).toBe(404);
  });

  it('renders hostile text as text', async () => {
    const res = await get(`/en/services?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('value="&lt;script>alert(1)&lt;/script>"');
  });
});

describe('hostile directory content', () => {
  it('shows names with markup and bidi overrides as plain text', async () => {
    const t = await buildTestApp();
    try {
      const { writeFileSync } = await import('node:fs');
      const path = await import('node:path');
      const file = path.join(testDir('hostile'), 's.json');
      writeFileSync(
        file,
        JSON.stringify({
          id: '0e000000-0000-4000-8000-000000000001',
          name: '<script>alert(1)</script> Food \u202Ekrow\u202C bank',
          description: '<img src=x onerror=alert(1)> Hot meals',
          status: 'active',
        }),
      );
      await importHsds(t.database.db, file, { locales: ['en'], defaultLocale: 'en' });
      const page = await t.app.inject('/en/services/0e000000-0000-4000-8000-000000000001');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<script>alert(1)');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script>alert(1)&lt;/script> Food krow bank');
      expect(page.body).not.toMatch(/[\u202A-\u202E\u2066-\u2069]krow/);
      const list = await t.app.inject('/en/services?q=food');
      expect(list.body).toContain('&lt;script>');
      expect(list.body).not.toContain('\u202E');
    } finally {
      await t.close();
    }
  });
});
