import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleKit } from './kit.fixtures.ts';
import { createPdfRenderer, PdfRenderError, type PdfTemplate } from './renderer.ts';

let dir: string;
const templates: Record<string, PdfTemplate<unknown>> = {};

/** A test-only template with the given Typst source; its input is passed as `sys.inputs.data`. */
async function template(name: string, source: string): Promise<void> {
  const file = path.join(dir, `${name}.typ`);
  await writeFile(file, source);
  templates[name] = { file, inputs: async (input) => ({ data: JSON.stringify(input) }) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'arrival-typ-'));
  await template('note', '#set text(font: "Noto Sans", fallback: false)\n#json(bytes(sys.inputs.data)).text');
  // DejaVu Sans is installed on this machine (Debian), but it is not one of ours: Typst must not find it.
  await template('machine-font', '#set text(font: "DejaVu Sans")\nHello');
  await template('broken', '#set text(font: "Noto Sans")\n#let x = (1 +');
  await template('slow', '#let n = 0\n#for i in range(100000000) { n += i }\n#n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The Typst processes this test process started (Linux /proc). */
async function typstChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (parent === process.pid && cmdline.includes('typst.process.ts')) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

async function rejection(promise: Promise<unknown>): Promise<PdfRenderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PdfRenderError)) throw new Error(`expected a PdfRenderError, got ${String(error)}`);
  return error;
}

describe('the PDF renderer', () => {
  it('gives back the same bytes for the same kit without compiling again', async () => {
    const renderer = createPdfRenderer();
    try {
      const first = await renderer.renderPdf('kit', sampleKit('uk'));
      const again = await renderer.renderPdf('kit', sampleKit('uk'));
      expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
      expect(renderer.stats()).toMatchObject({ compiles: 1, cacheHits: 1 });

      const other = await renderer.renderPdf('kit', sampleKit('uk', { city: 'Львів' }));
      expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
      expect(renderer.stats().compiles).toBe(2);
    } finally {
      await renderer.close();
    }
  });

  it('compiles a document once when several requests ask for it at the same time', async () => {
    const renderer = createPdfRenderer();
    try {
      const pdfs = await Promise.all([1, 2, 3].map(() => renderer.renderPdf('kit', sampleKit('en'))));
      expect(new Set(pdfs.map((pdf) => Buffer.from(pdf).toString('base64'))).size).toBe(1);
      expect(renderer.stats().compiles).toBe(1);
    } finally {
      await renderer.close();
    }
  });

  it('forgets the least recently used PDFs beyond its byte budget', async () => {
    const renderer = createPdfRenderer({ cacheBytes: 60_000 });
    try {
      const a = sampleKit('en', { city: 'A' });
      const b = sampleKit('en', { city: 'B' });
      await renderer.renderPdf('kit', a);
      await renderer.renderPdf('kit', b); // two English kits (~40 KB each) do not fit in 60 KB
      await renderer.renderPdf('kit', b);
      await renderer.renderPdf('kit', a);
      expect(renderer.stats()).toMatchObject({ compiles: 3, cacheHits: 1 });
      expect(renderer.stats().cacheBytes).toBeLessThanOrEqual(60_000);
    } finally {
      await renderer.close();
    }
  });

  it('replaces its Typst process after the given number of compiles, and keeps working', async () => {
    const renderer = createPdfRenderer({ recycleAfter: 2, templates });
    try {
      for (const text of ['one', 'two', 'three', 'four', 'five']) {
        const pdf = await renderer.renderPdf('note', { text });
        expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      }
      expect(renderer.stats()).toMatchObject({ compiles: 5, processes: 3 });
    } finally {
      await renderer.close();
    }
  });

  it('refuses to fall back to a font of the machine (a font warning is an error)', async () => {
    const renderer = createPdfRenderer({ templates });
    try {
      const error = await rejection(renderer.renderPdf('machine-font', {}));
      expect(error.code).toBe('TYPST_WARNING');
      expect(error.diagnostics.join(' ')).toContain('unknown font family: dejavu sans');
      // The process is still good for the next document.
      expect((await renderer.renderPdf('note', { text: 'after' })).byteLength).toBeGreaterThan(0);
    } finally {
      await renderer.close();
    }
  });

  it('refuses text that no font of ours can draw, instead of printing boxes', async () => {
    const renderer = createPdfRenderer();
    try {
      const kit = sampleKit('en');
      const service = kit.sections[0]?.services[0];
      if (!service) throw new Error('fixture has services');
      service.name = 'Tea House 茶馆';
      const error = await rejection(renderer.renderPdf('kit', kit));
      expect(error.code).toBe('MISSING_GLYPHS');
      expect(error.diagnostics).toEqual(['no font for U+8336 U+9986']);
      expect(renderer.stats().compiles).toBe(0);
    } finally {
      await renderer.close();
    }
  });

  it('reports a template error with its diagnostics and caches nothing', async () => {
    const renderer = createPdfRenderer({ templates });
    try {
      expect((await rejection(renderer.renderPdf('broken', {}))).code).toBe('TYPST_ERROR');
      expect((await rejection(renderer.renderPdf('broken', {}))).code).toBe('TYPST_ERROR');
      expect(renderer.stats()).toMatchObject({ compiles: 2, cacheHits: 0, cacheBytes: 0 });
    } finally {
      await renderer.close();
    }
  });

  it('kills a compile that takes too long and starts a fresh process for the next one', async () => {
    const renderer = createPdfRenderer({ templates, timeoutMs: 1_500 });
    try {
      // Let the process start first, so the timeout measures the compile alone.
      await renderer.renderPdf('note', { text: 'warm' });
      expect((await rejection(renderer.renderPdf('slow', {}))).code).toBe('TIMEOUT');
      expect((await renderer.renderPdf('note', { text: 'next' })).byteLength).toBeGreaterThan(0);
      expect(renderer.stats().processes).toBe(2);
    } finally {
      await renderer.close();
    }
  });

  it('ends an idle Typst process, and starts one again when needed', async () => {
    const renderer = createPdfRenderer({ templates, idleMs: 200 });
    try {
      await renderer.renderPdf('note', { text: 'one' });
      expect(renderer.stats().running).toBe(true);
      await vi.waitFor(() => expect(renderer.stats().running).toBe(false), { timeout: 10_000 });
      await renderer.renderPdf('note', { text: 'two' });
      expect(renderer.stats()).toMatchObject({ running: true, processes: 2 });
    } finally {
      await renderer.close();
    }
  });

  it('replaces a Typst process that died between two documents', async () => {
    const renderer = createPdfRenderer({ templates });
    try {
      await renderer.renderPdf('note', { text: 'before' });
      const [pid] = await typstChildren();
      if (pid === undefined) throw new Error('no Typst process found');
      process.kill(pid, 'SIGKILL'); // as the kernel's out-of-memory killer would
      await vi.waitFor(() => expect(renderer.stats().running).toBe(false), { timeout: 10_000 });
      expect((await renderer.renderPdf('note', { text: 'after' })).byteLength).toBeGreaterThan(0);
      expect(renderer.stats().processes).toBe(2);
    } finally {
      await renderer.close();
    }
    expect(await typstChildren()).toEqual([]);
  });

  it('rejects work after close', async () => {
    const renderer = createPdfRenderer({ templates });
    await renderer.renderPdf('note', { text: 'x' });
    await renderer.close();
    expect((await rejection(renderer.renderPdf('note', { text: 'y' }))).code).toBe('CLOSED');
  });

  it('validates the kit before compiling', async () => {
    const renderer = createPdfRenderer();
    try {
      const bad = { ...sampleKit('en'), dir: 'sideways' } as unknown as ReturnType<typeof sampleKit>;
      await expect(renderer.renderPdf('kit', bad)).rejects.toThrow();
      const script = sampleKit('en', { url: 'javascript:alert(1)' });
      await expect(renderer.renderPdf('kit', script)).rejects.toThrow();
      expect(renderer.stats().compiles).toBe(0);
    } finally {
      await renderer.close();
    }
  });
});
