import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { testDir } from '../../../test/temp.ts';
import {
  coalescedReads,
  createAnswerCache,
  readDirectoryVersion,
  watchDirectoryVersion,
} from './hsds.cache.ts';
import { importHsds, importHsdsTranslations } from './index.ts';
import { FIXTURE_SERVICES, fixtureServices, writeFixtureFile } from './testdata/fixtures.ts';

const LOCALES = ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'];
const SHELTER = '0a000000-0000-4000-8000-000000000008';

function writeJson(value: unknown): string {
  const file = path.join(testDir('cache'), 'services.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('cached directory answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await importHsds(t.database.db, writeFixtureFile(), { locales: LOCALES, defaultLocale: 'en' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });
  const names = async (url: string) =>
    ((await get(url)).json().contents as { name: string }[]).map((s) => s.name);

  it('answers a repeated search with the same bytes and ETag', async () => {
    const first = await get('/api/hsds/services?search=shelter');
    const again = await get('/api/hsds/services?search=shelter');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(first.json().contents[0].id).toBe(SHELTER);
  });

  it('shows an import to the very next request, search and service alike', async () => {
    const before = await get('/api/hsds/services?search=shelter');
    const service = await get(`/api/hsds/services/${SHELTER}`);
    expect(service.json().name).toBe('Night shelter');

    const renamed = fixtureServices().map((s) =>
      s.id === SHELTER ? { ...s, name: 'Night shelter Harbour' } : s,
    );
    await importHsds(t.database.db, writeJson(renamed), { locales: LOCALES, defaultLocale: 'en' });

    expect(await names('/api/hsds/services?search=shelter')).toContain('Night shelter Harbour');
    expect((await get(`/api/hsds/services/${SHELTER}`)).json().name).toBe('Night shelter Harbour');
    // The old ETag no longer matches: a client revalidating gets the new answer, not 304.
    const revalidated = await get('/api/hsds/services?search=shelter', {
      'if-none-match': String(before.headers.etag),
    });
    expect(revalidated.statusCode).toBe(200);
    expect(revalidated.headers.etag).not.toBe(before.headers.etag);
  });

  it('shows an imported translation to the very next request in that language', async () => {
    expect(await names('/api/hsds/services?search=shelter&lang=es')).not.toContain('Albergue nocturno');
    const translated = { id: SHELTER, name: 'Albergue nocturno', status: 'active' };
    await importHsdsTranslations(t.database.db, writeJson(translated), { lang: 'es', origin: 'human' });
    expect(await names('/api/hsds/services?search=shelter&lang=es')).toContain('Albergue nocturno');
  });

  it('sees a change written by hand in SQL, by another process or node', async () => {
    await get('/api/hsds/services?per_page=100');
    await t.database.db.execute(sql`update hsds_service set name = 'Renamed in psql' where id = ${SHELTER}`);
    expect(await names('/api/hsds/services?per_page=100')).toContain('Renamed in psql');
    expect(await names('/api/hsds/services?per_page=100')).toHaveLength(FIXTURE_SERVICES.length);
  });
});

describe('the answer cache', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const bytes = (text: string) => async () => Buffer.from(text);

  it('builds an answer once, however many ask for it at the same time', async () => {
    const cache = createAnswerCache(await watchDirectoryVersion(t.database));
    let builds = 0;
    const build = async () => {
      builds++;
      await new Promise((r) => setTimeout(r, 20));
      return Buffer.from('{"a":1}');
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.answer('k', build)));
    expect(builds).toBe(1);
    expect(new Set(answers.map((a) => a.etag)).size).toBe(1);
    await cache.answer('k', build);
    expect(builds).toBe(1);
  });

  it('keeps no more than its bounds, dropping the least recently used', async () => {
    const cache = createAnswerCache(await watchDirectoryVersion(t.database), { maxEntries: 2 });
    let builds = 0;
    const counted = (text: string) => async () => {
      builds++;
      return Buffer.from(text);
    };
    await cache.answer('a', counted('a'));
    await cache.answer('b', counted('b'));
    await cache.answer('a', counted('a'));
    await cache.answer('c', counted('c')); // drops b, the least recently used
    expect(builds).toBe(3);
    await cache.answer('a', counted('a'));
    expect(builds).toBe(3);
    await cache.answer('b', counted('b'));
    expect(builds).toBe(4);

    const small = createAnswerCache(await watchDirectoryVersion(t.database), { maxBytes: 4 });
    await small.answer('big', bytes('12345'));
    const rebuilt = await small.answer('big', counted('12345'));
    expect(rebuilt.body.toString()).toBe('12345');
    expect(builds).toBe(5);
  });

  it('forgets every answer when the directory version moves, and keeps no error', async () => {
    const cache = createAnswerCache(await watchDirectoryVersion(t.database));
    const version = await readDirectoryVersion(t.database.db);
    await cache.answer('k', bytes('old'));
    expect((await cache.answer('k', bytes('other'))).body.toString()).toBe('old');
    // Any write to a directory table moves it (a statement trigger), even one that changes no row.
    await t.database.db.execute(sql`delete from hsds_service where id = 'none'`);
    expect(await readDirectoryVersion(t.database.db)).toBe(version + 1n);
    expect((await cache.answer('k', bytes('new'))).body.toString()).toBe('new');
    await expect(cache.answer('e', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await cache.answer('e', bytes('fine'))).body.toString()).toBe('fine');
  });

  it('reads the version after each request arrived, once for all that arrive together', async () => {
    let value = 0n;
    let reads = 0;
    let release: () => void = () => {};
    const version = coalescedReads(async () => {
      reads++;
      const seen = value;
      await new Promise<void>((r) => {
        release = r;
      });
      return seen;
    });
    const first = version.current();
    value = 1n; // committed while the first read runs: requests arriving now must see it
    const late = [version.current(), version.current(), version.current()];
    release();
    expect(await first).toBe(0n);
    await new Promise((r) => setTimeout(r, 0));
    release();
    expect(await Promise.all(late)).toEqual([1n, 1n, 1n]);
    expect(reads).toBe(2);
  });

  it('sees a committed write at once, and no rolled-back one', async () => {
    const version = await watchDirectoryVersion(t.database);
    const before = await version.current();
    await t.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`update hsds_service set name = name`);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await version.current()).toBe(before);
    await t.database.db.execute(sql`update hsds_service set name = name`);
    expect(await version.current()).toBeGreaterThan(before);
  });
});
