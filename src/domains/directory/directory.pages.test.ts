import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
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

  it('refuses bad filters with a 400 page, not a 500', async () => {
    for (const query of ['page=abc', 'label=not-a-label', `q=${'x'.repeat(201)}`, 'language=english!']) {
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
