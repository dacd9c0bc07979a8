import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PdfCache } from './cache.ts';
import { fontFiles } from './fonts.ts';
import { fontsCoverage, missingCharacters } from './glyphs.ts';
import type { TKitPdfInput } from './kit.schema.ts';
import { kitInputs } from './kit.ts';
import type { TypstJob, TypstReply, TypstStart } from './typst.process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const TEMPLATES = path.join(repoRoot, 'templates');

/** Why a PDF could not be made. None of these is the caller's fault: a route answers 500 or 503. */
export type PdfFailure =
  | 'MISSING_GLYPHS'
  | 'TYPST_ERROR'
  | 'TYPST_WARNING'
  | 'TIMEOUT'
  | 'WORKER_EXIT'
  | 'CLOSED';

export class PdfRenderError extends Error {
  constructor(
    readonly code: PdfFailure,
    /** Typst's diagnostics, for the log of the operator (they never contain input text). */
    readonly diagnostics: string[] = [],
  ) {
    super(diagnostics.length > 0 ? `${code}: ${diagnostics.join('; ')}` : code);
    this.name = 'PdfRenderError';
  }
}

/** A Typst template and how its input becomes `sys.inputs` (strings only: JSON, SVG). */
export interface PdfTemplate<I> {
  file: string;
  inputs(input: I): Promise<Record<string, string>>;
}

/** The templates Arrival ships, by name, with the input each takes. */
export interface PdfInputs {
  kit: TKitPdfInput;
}

const builtinTemplates: { [K in keyof PdfInputs]: PdfTemplate<PdfInputs[K]> } = {
  kit: { file: path.join(TEMPLATES, 'kit.typ'), inputs: kitInputs },
};

export interface PdfRendererOptions {
  /** Bytes of rendered PDFs kept in memory (least recently used go first). Default 32 MiB. */
  cacheBytes?: number;
  /** Compiles after which the Typst process is replaced, giving its memory back. Default 20. */
  recycleAfter?: number;
  /** A compile taking longer is killed with its process. Default 20 s. */
  timeoutMs?: number;
  /** Extra templates (tests); they may not replace a built-in one. */
  templates?: Record<string, PdfTemplate<unknown>>;
}

export interface PdfRendererStats {
  /** Documents compiled by Typst (cache hits are not compiles). */
  compiles: number;
  cacheHits: number;
  cacheBytes: number;
  /** Typst processes started so far. */
  processes: number;
  /** Resident memory of the current Typst process after its last job, in bytes (0 before the first). */
  workerRss: number;
}

export interface PdfRenderer {
  renderPdf<K extends string>(
    template: K,
    input: K extends keyof PdfInputs ? PdfInputs[K] : unknown,
  ): Promise<Uint8Array>;
  stats(): PdfRendererStats;
  /** Ends the Typst process; later calls reject with CLOSED. */
  close(): Promise<void>;
}

interface TypstWorker {
  child: ChildProcess;
  jobs: number;
  exited: Promise<void>;
}

/**
 * Renders PDFs with Typst (DESIGN.md "PDF"): content only as `sys.inputs` data, only our fonts, any warning
 * an error, results cached by a hash of (template, inputs), compiles in a recycled child process.
 */
export function createPdfRenderer(options: PdfRendererOptions = {}): PdfRenderer {
  const recycleAfter = options.recycleAfter ?? 20;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const cache = new PdfCache(options.cacheBytes ?? 32 * 1024 * 1024);
  const templates: Record<string, PdfTemplate<unknown>> = { ...options.templates, ...builtinTemplates };
  const sources = new Map<string, Promise<string>>();
  const inflight = new Map<string, Promise<Uint8Array>>();
  const stats = { compiles: 0, cacheHits: 0, processes: 0, workerRss: 0 };
  let coverage: Set<number> | undefined;
  let worker: Promise<TypstWorker> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  function startWorker(): Promise<TypstWorker> {
    const start: TypstStart = { root: TEMPLATES, fonts: fontFiles() };
    const child = fork(path.join(here, 'typst.process.ts'), [JSON.stringify(start)], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      // Nothing of the server's environment (database URL, keys): only what node and tsx need.
      env: {
        PATH: process.env.PATH,
        ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
        FONTCONFIG_FILE: path.join(here, 'no-system-fonts.conf'),
      },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    stats.processes += 1;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new PdfRenderError('TIMEOUT', ['the Typst process did not start']));
      }, timeoutMs);
      child.once('message', (reply: TypstReply) => {
        clearTimeout(timer);
        stats.workerRss = reply.rss;
        idle(child);
        resolve({ child, jobs: 0, exited });
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new PdfRenderError('WORKER_EXIT', ['the Typst process ended while starting']));
      });
    });
  }

  /** An idle Typst process does not keep the server's event loop alive; a busy one does. */
  function idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
  }

  function busy(child: ChildProcess): void {
    child.ref();
    child.channel?.ref();
  }

  async function retire(current: Promise<TypstWorker>): Promise<void> {
    if (worker === current) worker = undefined;
    const { child, exited } = await current.catch(() => ({ child: undefined, exited: Promise.resolve() }));
    if (child && child.exitCode === null && child.signalCode === null) {
      child.ref(); // keep the event loop alive until it has exited
      child.kill('SIGKILL');
    }
    await exited;
  }

  async function compileOnce(job: TypstJob): Promise<Uint8Array> {
    if (closed) throw new PdfRenderError('CLOSED');
    worker ??= startWorker();
    const current = worker;
    const { child } = await current.catch(async (error: unknown) => {
      await retire(current);
      throw error;
    });
    stats.compiles += 1;
    busy(child);
    const reply = await new Promise<TypstReply>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: TypstReply) => {
        done();
        resolve(message);
      };
      const onExit = () => {
        done();
        reject(new PdfRenderError(closed ? 'CLOSED' : 'WORKER_EXIT'));
      };
      const timer = setTimeout(() => {
        done();
        reject(new PdfRenderError('TIMEOUT'));
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(job);
    }).catch(async (error: unknown) => {
      await retire(current);
      throw error;
    });
    stats.workerRss = reply.rss;
    idle(child);
    const state = await current;
    state.jobs += 1;
    if (state.jobs >= recycleAfter) await retire(current);
    if (reply.kind === 'pdf') return reply.pdf;
    if (reply.kind === 'failed') {
      throw new PdfRenderError(reply.reason === 'warning' ? 'TYPST_WARNING' : 'TYPST_ERROR', reply.messages);
    }
    throw new PdfRenderError('TYPST_ERROR', ['unexpected reply']);
  }

  /** One compile at a time: the Typst process handles jobs in order. */
  function enqueue(job: TypstJob): Promise<Uint8Array> {
    const run = queue.then(() => compileOnce(job));
    queue = run.catch(() => undefined);
    return run;
  }

  function templateSource(name: string, file: string): Promise<string> {
    let source = sources.get(name);
    if (!source) {
      source = readFile(file, 'utf8');
      sources.set(name, source);
    }
    return source;
  }

  async function renderPdf(name: string, input: unknown): Promise<Uint8Array> {
    if (closed) throw new PdfRenderError('CLOSED');
    const template = templates[name];
    if (!template) throw new Error(`unknown PDF template: ${name}`);
    const source = await templateSource(name, template.file);
    const inputs = await template.inputs(input);
    // Typst draws a box for a character no font has, without a warning: refuse instead.
    coverage ??= fontsCoverage(fontFiles());
    const missing = missingCharacters(Object.values(inputs), coverage);
    if (missing.length > 0) {
      const named = missing.map(
        (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
      );
      throw new PdfRenderError('MISSING_GLYPHS', [`no font for ${named.join(' ')}`]);
    }
    const key = createHash('sha256')
      .update(JSON.stringify([source, Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1))]))
      .digest('hex');
    const cached = cache.get(key);
    if (cached) {
      stats.cacheHits += 1;
      return cached.slice();
    }
    let pending = inflight.get(key);
    if (!pending) {
      pending = enqueue({ source, inputs }).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const pdf = await pending;
    cache.set(key, pdf);
    return pdf.slice();
  }

  return {
    renderPdf: renderPdf as PdfRenderer['renderPdf'],
    stats: () => ({ ...stats, cacheBytes: cache.bytes }),
    async close() {
      closed = true;
      if (worker) await retire(worker);
    },
  };
}
