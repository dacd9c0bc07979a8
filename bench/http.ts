/**
 * HTTP throughput benchmark (part of `npm run bench`; alone: `node --import tsx bench/http.ts`). Numbers,
 * never pass/fail.
 *
 * The real app (buildApp on an in-memory PGlite with BENCH_HTTP_SERVICES synthetic services, default 10k,
 * logging at info to /dev/null, rate limit raised out of the way) serves `GET /api/hsds/services?search=…`;
 * a bare Fastify app serves the very bytes of one real response on the same kind of route. Each runs in a
 * child process and autocannon (in this process) loads it over loopback for the same duration with the same
 * connections. Reported: requests per second of each and their ratio (goal ≥ 0.5), and the real app on a
 * rotating mix of queries in every language.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPglite } from '../src/db/driver.ts';
import { loadFullServices } from '../src/domains/directory/hsds.read.ts';
import { seedSyntheticDirectory } from '../src/domains/directory/index.ts';
import { searchServices } from '../src/domains/directory/search.ts';
import { loadCatalogues } from '../src/i18n/index.ts';
import { createLogger } from '../src/logger.ts';
import { log, mergeResults, round1, SEED, summary } from './lib.ts';
import { buildQueryMix } from './queries.ts';

const SERVICES = Number(process.env.BENCH_HTTP_SERVICES ?? 10_000);
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const QUERY = 'legal advice';
const ROUTE = '/api/hsds/services';

/** Child: the real app, seeded, listening on a free loopback port. */
async function serveApp(): Promise<void> {
  const database = await openPglite({});
  await database.migrate();
  await seedSyntheticDirectory(database.db, SERVICES, SEED);
  const config = loadConfig({
    ARRIVAL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'info',
  });
  const logger = createLogger({
    level: 'info',
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await buildApp({
    config,
    database,
    catalogues: loadCatalogues(config.defaultLocale),
    logger,
    rateLimitPerMinute: 1_000_000_000,
  });
  // Where the time of one request goes: the search query, then loading the page of full services.
  const searchMs: number[] = [];
  const loadMs: number[] = [];
  for (const q of buildQueryMix(SEED).slice(0, 64)) {
    let t = performance.now();
    const result = await searchServices(database.db, { q: q.q, page: 1, perPage: 25 });
    searchMs.push(performance.now() - t);
    t = performance.now();
    await loadFullServices(database.db, result.ids);
    loadMs.push(performance.now() - t);
  }
  const breakdown = { searchServicesMs: summary(searchMs), loadFullServicesMs: summary(loadMs) };
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(
    `READY ${typeof address === 'object' && address ? address.port : 0} ${JSON.stringify(breakdown)}\n`,
  );
}

/** Child: a bare Fastify app answering the route with the bytes in `file`. */
async function serveBare(file: string, contentType: string): Promise<void> {
  const body = readFileSync(file);
  const app = Fastify({ logger: false });
  app.get(ROUTE, async (_request, reply) => reply.type(contentType).send(body));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
}

function startChild(args: string[]): Promise<{ child: ChildProcess; url: string; info: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/http.ts', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const ready = /READY (\d+) ?(.*)\n/.exec(out);
      if (ready) resolve({ child, url: `http://127.0.0.1:${ready[1]}`, info: ready[2] ?? '' });
    });
    child.on('exit', (code) => reject(new Error(`bench/http.ts ${args[0]} exited with ${code}`)));
    child.on('error', reject);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Load {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  bytesPerSecond: number;
}

async function load(url: string, paths: string[]): Promise<Load> {
  // autocannon's own timers do not keep the process alive when its sockets are idle between requests.
  const keepAlive = setInterval(() => {}, 1000);
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: paths.map((p) => ({ method: 'GET' as const, path: p })),
    });
  } finally {
    clearInterval(keepAlive);
  }
  return {
    requestsPerSecond: round1(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    bytesPerSecond: Math.round(result.throughput.average),
  };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'arrival-bench-http-'));
  try {
    log(`http: seeding ${SERVICES} services and starting the app…`);
    const app = await startChild(['app']);
    let single: Load;
    let mixed: Load;
    let bare: Load;
    let bodyBytes: number;
    const breakdown = JSON.parse(app.info || '{}') as Record<string, ReturnType<typeof summary>>;
    const searchPath = `${ROUTE}?search=${encodeURIComponent(QUERY)}`;
    try {
      const response = await fetch(`${app.url}${searchPath}`);
      const body = Buffer.from(await response.arrayBuffer());
      bodyBytes = body.length;
      writeFileSync(path.join(dir, 'body.json'), body);
      const contentType = response.headers.get('content-type') ?? 'application/json';
      log(`http: app on ${app.url}; ${QUERY} → ${response.status}, ${bodyBytes} bytes`);
      single = await load(app.url, [searchPath]);
      const mix = buildQueryMix(SEED)
        .slice(0, 64)
        .map((q) => `${ROUTE}?search=${encodeURIComponent(q.q)}`);
      mixed = await load(app.url, mix);
      await stopChild(app.child);
      const bareServer = await startChild(['bare', path.join(dir, 'body.json'), contentType]);
      try {
        bare = await load(bareServer.url, [searchPath]);
      } finally {
        await stopChild(bareServer.child);
      }
    } finally {
      await stopChild(app.child);
    }
    const ratio = Math.round((single.requestsPerSecond / bare.requestsPerSecond) * 1000) / 1000;
    console.log(
      `\nHTTP throughput, ${CONNECTIONS} connections × ${DURATION_S} s each, loopback, ${SERVICES} services (PGlite)`,
    );
    console.table({
      [`app: ${ROUTE}?search=${QUERY}`]: single,
      'app: 64 queries of the mix, rotating': mixed,
      'bare Fastify, same bytes': bare,
    });
    console.log(`ratio app / bare: ${ratio} (goal ≥ 0.5); response body ${bodyBytes} bytes`);
    console.log('In the app process, 64 queries of the mix, 25 per page (ms):');
    console.table(breakdown);
    mergeResults('http', {
      services: SERVICES,
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      query: QUERY,
      bodyBytes,
      app: single,
      appQueryMix: mixed,
      bare,
      ratio,
      breakdownMs: breakdown,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'app') await serveApp();
else if (mode === 'bare') await serveBare(rest[0] ?? '', rest[1] ?? 'application/json');
else await main();
