/**
 * Shared helpers of the benchmarks: percentiles, the results file, a throwaway PostgreSQL cluster, child
 * processes that report one JSON line, and memory readings.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

export const RESULTS_FILE = path.resolve('bench/results/latest.json');

/** Sizes of the synthetic directory (BENCH_SIZES=1000,10000 for a quick run). */
export function benchSizes(defaults: number[]): number[] {
  const raw = process.env.BENCH_SIZES;
  if (!raw) return defaults;
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

export const SEED = Number(process.env.BENCH_SEED ?? 42);

/** The value at quantile q of the samples (nearest rank), rounded to 0.1. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return round1(sorted[rank] ?? Number.NaN);
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function summary(ms: number[]) {
  return {
    n: ms.length,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    max: quantile(ms, 1),
    mean: round1(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)),
  };
}

/** Merges `value` under `key` into bench/results/latest.json, keeping what other benchmarks wrote. */
export function mergeResults(key: string, value: unknown): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  let current: Record<string, unknown> = {};
  if (existsSync(RESULTS_FILE)) {
    try {
      current = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
    } catch {
      current = {};
    }
  }
  current[key] = { measuredAt: new Date().toISOString(), node: process.version, ...(value as object) };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(current, null, 2)}\n`);
}

/** mulberry32: the same small deterministic PRNG as the synthetic directory. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(list: T[], next: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let gcFunction: (() => void) | undefined;
/** A full garbage collection, so heap and RSS readings compare (works without --expose-gc). */
export function collectGarbage(): void {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

export function memory() {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
}

export interface PostgresCluster {
  url: string;
  version: string;
  /** The server's log file (gone once stopped). */
  logFile: string;
  stop(): void;
}

/**
 * A throwaway PostgreSQL cluster as `.ci/run` starts one: initdb in a temp dir, as the `postgres` user when we
 * are root, on a free loopback port, fsync off. Returns a reason instead when there are no server binaries.
 */
export async function startPostgres(): Promise<PostgresCluster | { skipped: string }> {
  const root = '/usr/lib/postgresql';
  const bin =
    process.env.BENCH_PG_BIN ??
    (existsSync(root)
      ? readdirSync(root)
          .sort((a, b) => Number(a) - Number(b))
          .map((v) => path.join(root, v, 'bin'))
          .filter((b) => existsSync(path.join(b, 'initdb')))
          .pop()
      : undefined);
  if (!bin || !existsSync(path.join(bin, 'initdb'))) {
    return { skipped: 'no PostgreSQL server binaries (set BENCH_PG_BIN or install postgresql)' };
  }
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'arrival-bench-pg-'));
  const run = (command: string, args: string[]) => {
    if (!asRoot) return execFileSync(command, args, { stdio: 'pipe' });
    const line = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', line], { stdio: 'pipe' });
  };
  try {
    if (asRoot)
      chownSync(
        dir,
        Number(execFileSync('id', ['-u', 'postgres'])),
        Number(execFileSync('id', ['-g', 'postgres'])),
      );
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: 'running as root but there is no postgres user to run the server as' };
  }
  const port = await freePort();
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=50`,
    'start',
  ]);
  const version = /\d+\.\d+/.exec(String(execFileSync(path.join(bin, 'postgres'), ['--version'])))?.[0] ?? '';
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    logFile: path.join(dir, 'server.log'),
    stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Runs `node --import tsx <script> <args>` and returns the JSON it prints on its last stdout line prefixed
 * with `RESULT `; its other output (progress) is passed through to stderr.
 */
export function runWorker<T>(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = String(chunk);
      out += text;
      for (const line of text.split('\n'))
        if (line && !line.startsWith('RESULT ')) process.stderr.write(`${line}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').findLast((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as T);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Prints the worker's result for its parent (see runWorker). */
export function reportToParent(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
