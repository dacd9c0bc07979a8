/**
 * The Typst compiler in a child process of its own (started by typst.pool.ts, one job at a time over IPC).
 *
 * It is a process rather than a worker thread for three reasons measured on this stack (README.md): a stuck
 * native compile can only be stopped by killing a process; Typst's memo cache is global to the process, so
 * only a new process gives its memory back; and the environment variable that hides system fonts
 * (FONTCONFIG_FILE) must not change the environment of the server itself.
 */
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';

export interface TypstStart {
  /** Project root of the compiler: `#read` and `#image` cannot reach outside it. */
  root: string;
  fonts: string[];
}

export interface TypstJob {
  source: string;
  inputs: Record<string, string>;
}

export type TypstReply =
  | { kind: 'ready'; rss: number }
  | { kind: 'pdf'; pdf: Uint8Array; rss: number }
  | { kind: 'failed'; reason: 'error' | 'warning'; messages: string[]; rss: number };

function messagesOf(diagnostics: unknown[]): string[] {
  return diagnostics.map((d) =>
    typeof d === 'object' && d !== null && 'message' in d ? String(d.message) : String(d),
  );
}

function compile(compiler: NodeCompiler, job: TypstJob): TypstReply {
  const result = compiler.compile({ mainFileContent: job.source, inputs: job.inputs });
  const error = result.takeError();
  const warnings = result.takeWarnings();
  const rss = process.memoryUsage().rss;
  if (error) return { kind: 'failed', reason: 'error', messages: messagesOf(error.shortDiagnostics), rss };
  // Typst only warns when a font is missing and then falls back to another one: a warning is a failure.
  if (warnings) {
    return { kind: 'failed', reason: 'warning', messages: messagesOf(warnings.shortDiagnostics), rss };
  }
  const document = result.result;
  if (!document) return { kind: 'failed', reason: 'error', messages: ['no document'], rss };
  const pdf = new Uint8Array(compiler.pdf(document));
  // Drop memoised results not used by the last few compiles, so distinct documents do not pile up.
  compiler.evictCache(10);
  return { kind: 'pdf', pdf, rss: process.memoryUsage().rss };
}

function main(): void {
  const send = (reply: TypstReply) => process.send?.(reply);
  const start = JSON.parse(process.argv[2] ?? '{}') as TypstStart;
  const compiler = NodeCompiler.create({ workspace: start.root, fontArgs: [{ fontPaths: start.fonts }] });
  process.on('message', (job: TypstJob) => {
    try {
      send(compile(compiler, job));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send({ kind: 'failed', reason: 'error', messages: [message], rss: process.memoryUsage().rss });
    }
  });
  // The server went away or retired this process.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', rss: process.memoryUsage().rss });
}

main();
