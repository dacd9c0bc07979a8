import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PdfCache } from './cache.ts';
import { fontFiles } from './fonts.ts';
import { fontsCoverage, missingCharacters } from './glyphs.ts';
import type { TKitPdfInput } from './kit.schema.ts';
import { kitInputs } from './kit.ts';
import { createTypstPool, PdfRenderError, TEMPLATES } from './typst.pool.ts';

export { type PdfFailure, PdfRenderError } from './typst.pool.ts';

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
  /** The Typst process ends after this long without work (~110 MiB given back). Default 60 s. */
  idleMs?: number;
  /** Extra templates (tests); they may not replace a built-in one. */
  templates?: Record<string, PdfTemplate<unknown>>;
}

export interface PdfRendererStats {
  /** Documents compiled by Typst (cache hits are not compiles). */
  compiles: number;
  cacheHits: number;
  cacheBytes: number;
  /** Typst processes started so far, and whether one is running now. */
  processes: number;
  running: boolean;
  /** Resident memory of the Typst process after its last job, in bytes (0 before the first). */
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

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Renders PDFs with Typst (DESIGN.md "PDF"): content only as `sys.inputs` data, only our fonts, any warning
 * an error, results cached by a hash of (template, inputs), compiles in a recycled child process.
 */
export function createPdfRenderer(options: PdfRendererOptions = {}): PdfRenderer {
  const pool = createTypstPool({
    recycleAfter: options.recycleAfter ?? 20,
    timeoutMs: options.timeoutMs ?? 20_000,
    idleMs: options.idleMs ?? 60_000,
  });
  const cache = new PdfCache(options.cacheBytes ?? 32 * 1024 * 1024);
  const templates: Record<string, PdfTemplate<unknown>> = { ...options.templates, ...builtinTemplates };
  const sources = new Map<string, Promise<string>>();
  const inflight = new Map<string, Promise<Uint8Array>>();
  let cacheHits = 0;
  let coverage: Set<number> | undefined;
  let closed = false;

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
      throw new PdfRenderError('MISSING_GLYPHS', [`no font for ${missing.map(codePoint).join(' ')}`]);
    }
    const key = createHash('sha256')
      .update(JSON.stringify([source, Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1))]))
      .digest('hex');
    const cached = cache.get(key);
    if (cached) {
      cacheHits += 1;
      return cached.slice(); // a copy: the caller may write into it
    }
    let pending = inflight.get(key);
    if (!pending) {
      pending = pool.compile({ source, inputs }).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const pdf = await pending;
    cache.set(key, pdf);
    return pdf.slice();
  }

  return {
    renderPdf: renderPdf as PdfRenderer['renderPdf'],
    stats: () => ({ ...pool.stats(), cacheHits, cacheBytes: cache.bytes }),
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
