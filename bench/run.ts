/**
 * `npm run bench`: numbers, never pass/fail. Each part prints its tables and merges its numbers into
 * bench/results/latest.json; bench/README.md has the latest numbers and how to reproduce them.
 * BENCH_ONLY=startup,search,http,import picks parts; BENCH_SIZES=1000,10000 and BENCH_SKIP_POSTGRES=1 make
 * a quick run.
 *
 * startup (this file):
 *  - cold start: from spawning `arrival start` to the first 200 from /readyz, on a fresh DATA_DIR (creates and
 *    migrates the embedded database) and on an existing one (goal ≤ 3 s);
 *  - RSS of the server process once ready, and after 200 page requests;
 *  - public pages in Chromium at 400 ms latency, 400 kbit/s and a 4× CPU slowdown (DESIGN.md "Contract
 *    details"): bytes on the wire and time to the load event, cold cache.
 * search (bench/search.ts), http (bench/http.ts), import (bench/import.ts): see each file; each runs in its
 * own process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServerProcess } from '../test/process.ts';
import { mergeResults, RESULTS_FILE } from './lib.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.ARRIVAL_CHROMIUM ?? '/usr/bin/chromium';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function waitReady(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(new URL('/readyz', url))).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface StartSample {
  ms: number;
  rssMiB: number;
  rssAfterLoadMiB: number;
}

async function coldStart(dataDir: string, warmRequests: boolean): Promise<StartSample> {
  const started = performance.now();
  const server = await startServerProcess({ DATA_DIR: dataDir, ARRIVAL_DEMO: '0', LOG_LEVEL: 'warn' });
  await waitReady(server.url);
  const ms = performance.now() - started;
  const rss = rssMiB(server.pid);
  let after = rss;
  if (warmRequests) {
    for (let i = 0; i < 200; i++) {
      const locale = ['en', 'ar', 'fa', 'uk', 'es'][i % 5];
      await (await fetch(new URL(`/${locale}/`, server.url))).text();
    }
    after = rssMiB(server.pid);
  }
  await server.stop();
  return { ms: Math.round(ms), rssMiB: rss, rssAfterLoadMiB: after };
}

async function pagesUnderSlowNetwork(baseUrl: string) {
  if (!existsSync(CHROMIUM)) return undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const results: { page: string; bytes: number; loadMs: number }[] = [];
  try {
    for (const page of ['/en/', '/ar/', '/fa/', '/xx/']) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
      const tab = await context.newPage();
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 400,
        downloadThroughput: (400 * 1000) / 8,
        uploadThroughput: (400 * 1000) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      let bytes = 0;
      cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
        bytes += event.encodedDataLength;
      });
      const t0 = performance.now();
      await tab.goto(`${baseUrl}${page}`, { waitUntil: 'load' });
      results.push({ page, bytes, loadMs: Math.round(performance.now() - t0) });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return results;
}

async function main() {
  const root = mkdtempSync(path.join(tmpdir(), 'arrival-bench-'));
  const fresh: StartSample[] = [];
  const existing: StartSample[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const dir = path.join(root, `fresh-${i}`);
      fresh.push(await coldStart(dir, false));
      existing.push(await coldStart(dir, i === RUNS - 1));
    }
    const server = await startServerProcess({ DATA_DIR: path.join(root, 'fresh-0'), LOG_LEVEL: 'warn' });
    let pages: Awaited<ReturnType<typeof pagesUnderSlowNetwork>>;
    try {
      pages = await pagesUnderSlowNetwork(server.url.replace(/\/$/, ''));
    } finally {
      await server.stop();
    }

    const last = existing[existing.length - 1];
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      runs: RUNS,
      coldStartFreshMs: { median: median(fresh.map((s) => s.ms)), samples: fresh.map((s) => s.ms) },
      coldStartExistingMs: {
        median: median(existing.map((s) => s.ms)),
        samples: existing.map((s) => s.ms),
        goal: 3000,
      },
      rssAfterStartMiB: median(existing.map((s) => s.rssMiB)),
      rssAfter200PagesMiB: last?.rssAfterLoadMiB,
      slowNetworkPages: pages ?? 'skipped: no Chromium',
    };

    console.log('\nArrival benchmarks');
    console.table({
      'cold start, fresh DATA_DIR (ms)': {
        median: result.coldStartFreshMs.median,
        samples: fresh.map((s) => s.ms).join(' '),
      },
      'cold start, existing DATA_DIR (ms)': {
        median: result.coldStartExistingMs.median,
        samples: existing.map((s) => s.ms).join(' '),
      },
      'RSS after start (MiB)': {
        median: result.rssAfterStartMiB,
        samples: existing.map((s) => s.rssMiB).join(' '),
      },
      'RSS after 200 page requests (MiB)': { median: result.rssAfter200PagesMiB, samples: '' },
    });
    if (pages) {
      console.log('Pages at 400 ms latency, 400 kbit/s, 4× CPU slowdown (cold cache, 360 px):');
      console.table(pages);
    }
    mergeResults('startup', result);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const PARTS = ['startup', 'search', 'http', 'import', 'people'];
const only = (process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((p) => p.trim());
const started = performance.now();
if (only.includes('startup')) await main();
for (const part of PARTS.slice(1)) {
  if (!only.includes(part)) continue;
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${part}.ts`], { stdio: 'inherit' });
  if (run.status !== 0) console.log(`bench/${part}.ts failed (exit ${run.status}); its numbers are missing.`);
}
console.log(`\nAll numbers in ${RESULTS_FILE} (${Math.round((performance.now() - started) / 1000)} s)`);
