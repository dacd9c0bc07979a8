/**
 * `npm run bench:pdf`: the welcome-kit PDF renderer (src/pdf). Numbers, never pass/fail; results in
 * src/pdf/README.md.
 *
 *  - cold: from creating the renderer to the first kit (starts the Typst process, loads fonts);
 *  - compile: a distinct kit with the process running (median, p95);
 *  - cached: the same kit again (validation, QR code and hash, no compile);
 *  - memory: RSS of the Typst process over 50 distinct kits, replaced every `recycleAfter` compiles, and of
 *    this (the server's) process.
 */
import { createPdfRenderer } from '../src/pdf/index.ts';
import { sampleKit, sampleLocales } from '../src/pdf/kit.fixtures.ts';

const DISTINCT = Number(process.env.BENCH_PDF_KITS ?? 50);
const RECYCLE = Number(process.env.BENCH_PDF_RECYCLE ?? 20);

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
};

function kit(i: number) {
  const locale = sampleLocales[i % sampleLocales.length] ?? 'en';
  return sampleKit(locale, { printedOn: `Printed on day ${i}` });
}

const serverRssBefore = process.memoryUsage().rss;
const renderer = createPdfRenderer({ recycleAfter: RECYCLE });
try {
  let t = performance.now();
  await renderer.renderPdf('kit', kit(0));
  const coldMs = performance.now() - t;
  const workerRssFirst = renderer.stats().workerRss;

  const compileMs: number[] = [];
  const workerRss: number[] = [];
  const pages: number[] = [];
  for (let i = 1; i < DISTINCT; i += 1) {
    t = performance.now();
    const pdf = await renderer.renderPdf('kit', kit(i));
    const ms = performance.now() - t;
    // The first compile in a fresh process pays its start; count only compiles in a running process.
    if (i % RECYCLE !== 0) compileMs.push(ms);
    workerRss.push(renderer.stats().workerRss);
    pages.push(pdf.byteLength);
  }

  const cachedMs: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    t = performance.now();
    await renderer.renderPdf('kit', kit(i % DISTINCT));
    cachedMs.push(performance.now() - t);
  }

  const stats = renderer.stats();
  console.log('\nWelcome-kit PDF (Typst), Node', process.version);
  console.table({
    'cold (new renderer to first kit), ms': Math.round(coldMs),
    'compile, distinct kit, median ms': quantile(compileMs, 0.5),
    'compile, distinct kit, p95 ms': quantile(compileMs, 0.95),
    'cached kit, median ms': quantile(cachedMs, 0.5),
    'kit size, median KiB': Math.round(quantile(pages, 0.5) / 1024),
    'Typst process RSS after 1st kit, MiB': mib(workerRssFirst),
    [`Typst process RSS, max over ${DISTINCT} kits (recycled every ${RECYCLE}), MiB`]: mib(
      Math.max(...workerRss),
    ),
    [`Typst process RSS after kit ${DISTINCT}, MiB`]: mib(workerRss.at(-1) ?? 0),
    'server process RSS growth, MiB': mib(process.memoryUsage().rss - serverRssBefore),
    'Typst processes started': stats.processes,
    'cache, KiB': Math.round(stats.cacheBytes / 1024),
  });
} finally {
  await renderer.close();
}
