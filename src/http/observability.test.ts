import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openPglite } from '../db/driver.ts';
import { loadCatalogues } from '../i18n/index.ts';
import { createLogger } from '../logger.ts';
import { MissingPolicyError, publicAccess } from './policy.ts';

describe('operations endpoints and OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus metrics, counting requests by route', async () => {
    await t.app.inject('/en/');
    const res = await t.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(
      /arrival_http_request_duration_seconds_count\{method="GET",route="\/:locale\/",status="200"\} \d+/,
    );
  });

  it('publishes an OpenAPI 3.1 document of the JSON API', async () => {
    const res = await t.app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Arrival API');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    // Public operations say so: no session needed.
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    // Pages and assets are not part of the API.
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/{locale}') || p.startsWith('/assets'))).toBe(
      false,
    );
  });

  it('has a readable API reference page that needs no JavaScript', async () => {
    const res = await t.app.inject('/api/docs');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/openapi.json');
    expect(res.body).toContain('<code>/readyz</code>');
    expect(res.body).not.toContain('<script');
  });
});

describe('readiness', () => {
  it('answers 503 while migrations are not applied', async () => {
    const database = await openPglite({});
    const config = loadConfig({});
    const app = await buildApp({
      config,
      database,
      catalogues: loadCatalogues('en'),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('deny by default', () => {
  it('refuses to start when a route declares no policy', async () => {
    const database = await openPglite({});
    const app = await buildApp({
      config: loadConfig({}),
      database,
      catalogues: loadCatalogues('en'),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      expect(() => app.get('/api/v1/unguarded', async () => 'open')).toThrow(MissingPolicyError);
      expect(() =>
        app.get('/api/v1/guarded', { config: { policy: publicAccess } }, async () => 'ok'),
      ).not.toThrow();
    } finally {
      await app.close();
      await database.close();
    }
  });
});
