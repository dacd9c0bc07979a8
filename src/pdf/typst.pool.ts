import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fontFiles } from './fonts.ts';
import type { TypstJob, TypstReply, TypstStart } from './typst.process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
export const TEMPLATES = path.join(repoRoot, 'templates');

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
    /** Typst's diagnostics, for the operator's log (they name template lines and fonts, not input text). */
    readonly diagnostics: string[] = [],
  ) {
    super(diagnostics.length > 0 ? `${code}: ${diagnostics.join('; ')}` : code);
    this.name = 'PdfRenderError';
  }
}

export interface TypstPoolOptions {
  recycleAfter: number;
  timeoutMs: number;
  idleMs: number;
}

export interface TypstPool {
  /** Compiles one document; jobs run one at a time, in order. */
  compile(job: TypstJob): Promise<Uint8Array>;
  stats(): { compiles: number; processes: number; running: boolean; workerRss: number };
  close(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  jobs: number;
  exited: Promise<void>;
}

/**
 * One Typst child process (typst.process.ts) at a time: started on the first job, replaced after
 * `recycleAfter` compiles, killed when a compile passes `timeoutMs` or when it has been idle for `idleMs`.
 */
export function createTypstPool(options: TypstPoolOptions): TypstPool {
  const counts = { compiles: 0, processes: 0, workerRss: 0 };
  let worker: Promise<Worker> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  function start(): Promise<Worker> {
    const startArgs: TypstStart = { root: TEMPLATES, fonts: fontFiles() };
    const child = fork(path.join(here, 'typst.process.ts'), [JSON.stringify(startArgs)], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      // None of the server's environment (database URL, keys): only what node and tsx need, and the
      // fontconfig file that hides the machine's fonts from Typst.
      env: {
        PATH: process.env.PATH,
        ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
        FONTCONFIG_FILE: path.join(here, 'no-system-fonts.conf'),
      },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    counts.processes += 1;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started = new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new PdfRenderError('TIMEOUT', ['the Typst process did not start']));
      }, options.timeoutMs);
      child.once('message', (reply: TypstReply) => {
        clearTimeout(timer);
        counts.workerRss = reply.rss;
        resolve({ child, jobs: 0, exited });
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new PdfRenderError('WORKER_EXIT', ['the Typst process ended while starting']));
      });
    });
    // A process that dies between jobs is replaced by the next job.
    child.once('exit', () => {
      if (worker === started) worker = undefined;
    });
    return started;
  }

  async function retire(current: Promise<Worker>): Promise<void> {
    if (worker === current) worker = undefined;
    const state = await current.catch(() => undefined);
    if (!state) return;
    if (state.child.exitCode === null && state.child.signalCode === null) {
      state.child.ref(); // keep the event loop alive until it has exited
      state.child.kill('SIGKILL');
    }
    await state.exited;
  }

  /** An idle process does not keep the server's event loop alive, and ends after `idleMs`. */
  function idle(current: Promise<Worker>, child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
    idleTimer = setTimeout(() => void retire(current), options.idleMs);
    idleTimer.unref();
  }

  function busy(child: ChildProcess): void {
    clearTimeout(idleTimer);
    child.ref();
    child.channel?.ref();
  }

  function exchange(child: ChildProcess, job: TypstJob): Promise<TypstReply> {
    return new Promise<TypstReply>((resolve, reject) => {
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
      }, options.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(job, (error) => {
        if (error) onExit();
      });
    });
  }

  async function compileNow(job: TypstJob): Promise<Uint8Array> {
    if (closed) throw new PdfRenderError('CLOSED');
    worker ??= start();
    const current = worker;
    const state = await current.catch(async (error: unknown) => {
      await retire(current);
      throw error;
    });
    counts.compiles += 1;
    busy(state.child);
    const reply = await exchange(state.child, job).catch(async (error: unknown) => {
      await retire(current);
      throw error;
    });
    counts.workerRss = reply.rss;
    state.jobs += 1;
    if (state.jobs >= options.recycleAfter) await retire(current);
    else idle(current, state.child);
    if (reply.kind === 'pdf') return reply.pdf;
    if (reply.kind === 'failed') {
      throw new PdfRenderError(reply.reason === 'warning' ? 'TYPST_WARNING' : 'TYPST_ERROR', reply.messages);
    }
    throw new PdfRenderError('TYPST_ERROR', ['unexpected reply']);
  }

  return {
    compile(job) {
      const run = queue.then(() => compileNow(job));
      queue = run.catch(() => undefined);
      return run;
    },
    stats: () => ({ ...counts, running: worker !== undefined }),
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      if (worker) await retire(worker);
    },
  };
}
