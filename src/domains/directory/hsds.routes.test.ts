import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { hsdsValidator, importHsds } from './index.ts';
import { FIXTURE_SERVICES, writeFixtureFile } from './testdata/fixtures.ts';

const LOCALES = ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'];

describe('HSDS 3.0 API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { PUBLIC_BASE_URL: 'https://arrival.example.org' } });
    await importHsds(t.database.db, writeFixtureFile(), { locales: LOCALES, defaultLocale: 'en' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  it('describes itself with absolute URLs at /api/hsds and /api/hsds/', async () => {
    for (const url of ['/api/hsds', '/api/hsds/']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        version: '3.0',
        profile: 'https://arrival.example.org/api/hsds/profile',
        openapi_url: 'https://arrival.example.org/api/hsds/openapi.json',
      });
    }
    const openapi = await get('/api/hsds/openapi.json');
    expect(openapi.json().openapi).toBe('3.1.0');
  });

  it('pages services the HSDS way, each a full service valid against the official schema', async () => {
    const res = await get('/api/hsds/services?per_page=3&page=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      total_items: FIXTURE_SERVICES.length,
      total_pages: 3,
      page_number: 2,
      size: 3,
      first_page: false,
      last_page: false,
      empty: false,
    });
    const validator = hsdsValidator();
    const listItem = validator.compiled('service_list');
    const full = validator.compiled('service');
    for (const service of body.contents) {
      expect(listItem(service), JSON.stringify(listItem.errors)).toBe(true);
      expect(full(service), JSON.stringify(full.errors)).toBe(true);
      expect(validator.validate('service', service)).toEqual([]);
      expect(JSON.stringify(service)).not.toContain('null');
      expect(service.service_at_locations[0].location.addresses[0].city).toBe('Demo City');
    }
  });

  it('answers bad paging with 400 and the error shape', async () => {
    for (const query of [
      'page=0',
      'page=abc',
      'per_page=101',
      'per_page=0',
      'page=99',
      'modified_after=yesterday',
    ]) {
      const res = await get(`/api/hsds/services?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe('VALIDATION_FAILED');
    }
    const long = await get(`/api/hsds/services?search=${'a'.repeat(201)}`);
    expect(long.statusCode).toBe(400);
  });

  it('finds services by search in any script', async () => {
    const cases: [string, string][] = [
      ['legal advice', '0a000000-0000-4000-8000-000000000001'],
      ['lawyer housing', '0a000000-0000-4000-8000-000000000001'],
      ['salud', '0a000000-0000-4000-8000-000000000003'],
      ['دروس اللغة', '0a000000-0000-4000-8000-000000000004'],
      ['حقوقی', '0a000000-0000-4000-8000-000000000005'],
      ['юридична', '0a000000-0000-4000-8000-000000000006'],
      ['francais', '0a000000-0000-4000-8000-000000000007'],
      ['shleter', '0a000000-0000-4000-8000-000000000008'],
    ];
    for (const [q, id] of cases) {
      const res = await get(`/api/hsds/services?search=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      expect(
        res
          .json()
          .contents.slice(0, 3)
          .map((s: { id: string }) => s.id),
        q,
      ).toContain(id);
    }
  });

  it('gives one service in full, and the same 404 shape for a missing one', async () => {
    const res = await get(`/api/hsds/services/${FIXTURE_SERVICES[0]?.id}`);
    expect(res.statusCode).toBe(200);
    expect(hsdsValidator().validate('service', res.json())).toEqual([]);
    const missing = await get('/api/hsds/services/00000000-0000-4000-8000-00000000dead');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('lists organizations, taxonomies, taxonomy terms and services at locations', async () => {
    const orgs = (await get('/api/hsds/organizations')).json();
    expect(orgs.total_items).toBe(1);
    expect(hsdsValidator().validate('organization', orgs.contents[0])).toEqual([]);
    expect((await get(`/api/hsds/organizations/${orgs.contents[0].id}`)).statusCode).toBe(200);
    expect((await get('/api/hsds/taxonomies')).json().empty).toBe(true);
    expect((await get('/api/hsds/taxonomy_terms')).statusCode).toBe(200);
    const sals = (await get('/api/hsds/service_at_locations?per_page=100')).json();
    expect(sals.total_items).toBe(FIXTURE_SERVICES.length);
    for (const sal of sals.contents) expect(hsdsValidator().validate('service_at_location', sal)).toEqual([]);
    expect((await get(`/api/hsds/service_at_locations/${sals.contents[0].id}`)).json().location.name).toBe(
      'Welcome Centre',
    );
  });

  it('lets caches revalidate with ETag', async () => {
    const first = await get('/api/hsds/services');
    expect(first.headers.etag).toBeDefined();
    expect(first.headers['cache-control']).toContain('public');
    const again = await get('/api/hsds/services', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});
