import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, type TestApp } from '../../test/app.ts';
import { loadCatalogues } from '../i18n/index.ts';
import { classifyError } from './errors.ts';
import { publicAccess } from './policy.ts';

const SECRET_PARAM = 'marker-person-Zq81';

/** Routes that exist only in this test, to drive the shared error pipeline with real bodies and failures. */
function testRoutes(app: FastifyInstance) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/api/v1/test-echo',
    {
      config: { policy: publicAccess },
      bodyLimit: 2048,
      schema: { body: z.object({ name: z.string().min(1).max(20), age: z.number().int().optional() }) },
    },
    async (request) => ({ hello: request.body.name }),
  );
  typed.get('/api/v1/test-boom', { config: { policy: publicAccess } }, async () => {
    // What a failed Drizzle query looks like: SQL and parameters in the message.
    const error = new Error(`Failed query: insert into people values ($1)\nparams: ${SECRET_PARAM}`);
    error.name = 'DrizzleQueryError';
    Object.assign(error, { params: [SECRET_PARAM] });
    throw error;
  });
  typed.get('/en/test-boom', { config: { policy: publicAccess } }, async () => {
    throw new Error(`unexpected ${SECRET_PARAM}`);
  });
}

describe('errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ extend: testRoutes });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/test-echo',
      payload,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('accepts a valid body', async () => {
    const res = await post(JSON.stringify({ name: 'Amina' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ hello: 'Amina' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post('{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json().error).toMatchObject({
      code: 'MALFORMED_JSON',
      message: 'The request body is not valid JSON.',
    });
  });

  it('answers an empty JSON body with 400', async () => {
    const res = await post('');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });

  it('names the invalid fields, never their values', async () => {
    const res = await post(JSON.stringify({ name: '', age: SECRET_PARAM }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.age', 'body.name']);
    expect(res.body).not.toContain(SECRET_PARAM);
  });

  it('refuses a wrong content type with 415', async () => {
    const res = await post('name=x', { 'content-type': 'text/csv' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(5000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('translates the message into the language asked for', async () => {
    const res = await post('{', { 'accept-language': 'es-ES,es;q=0.9' });
    expect(res.json().error.message).toBe(loadCatalogues('en').translator('es')('error.code.MALFORMED_JSON'));
    const ar = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?lang=ar' });
    expect(ar.json().error.message).toBe(loadCatalogues('en').translator('ar')('error.code.NOT_FOUND'));
  });

  it('answers an unknown API route with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/nothing-here', payload: '{broken' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('hides SQL, parameters and stack traces of a failure from the response and the log', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/test-boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toMatch(/insert|params|at .*\.ts/i);
    const logs = t.logs();
    expect(logs).toContain('request failed');
    expect(logs).not.toContain(SECRET_PARAM);
    expect(logs).not.toMatch(/insert into people/);
  });

  it('shows a translated HTML page for a failure on a page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/en/test-boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Something went wrong');
    expect(res.body).not.toContain(SECRET_PARAM);
  });

  it('logs the route of each request, never its query string', async () => {
    await t.app.inject({ method: 'GET', url: `/en/?q=${SECRET_PARAM}` });
    expect(t.logs()).toContain('"route":"/:locale/"');
    expect(t.logs()).not.toContain(SECRET_PARAM);
  });

  it('has a catalogue message for every code it can answer', () => {
    const catalogue = loadCatalogues('en');
    const samples: unknown[] = [
      { code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
      { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
      { code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
      { code: 'FST_ERR_VALIDATION' },
      { statusCode: 429 },
      { statusCode: 404 },
      { statusCode: 405 },
      { statusCode: 418 },
      new Error('anything'),
    ];
    for (const locale of catalogue.locales) {
      for (const sample of samples) {
        const { code } = classifyError(sample);
        expect(catalogue.get(locale).messages[`error.code.${code}`], `${locale} ${code}`).toBeTruthy();
      }
    }
  });
});

describe('rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a source sends too many requests', async () => {
    const t = await buildTestApp();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) statuses.push((await t.app.inject('/en/')).statusCode);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const limited = await t.app.inject({ url: '/api/openapi.json', headers: { 'accept-language': 'es' } });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/solicitudes/),
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Health checks are never limited: a load balancer polls them.
      expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
