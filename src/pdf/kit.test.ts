import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleKit, sampleLocales } from './kit.fixtures.ts';
import { createPdfRenderer, type PdfRenderer } from './renderer.ts';

const run = promisify(execFile);

/** The text layer of a PDF as poppler's pdftotext reads it (what search and screen readers get). */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'arrival-pdf-'));
  try {
    const file = path.join(dir, 'kit.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function pdfFonts(pdf: Uint8Array): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'arrival-pdf-'));
  try {
    const file = path.join(dir, 'kit.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdffonts', [file]);
    return stdout
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((line) => (line.split(/\s+/)[0] ?? '').replace(/^[A-Z]{6}\+/, ''));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
}

/** The words on the first page with their position (x grows to the right). */
async function pdfWords(pdf: Uint8Array): Promise<PdfWord[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'arrival-pdf-'));
  try {
    const file = path.join(dir, 'kit.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-bbox', '-enc', 'UTF-8', '-f', '1', '-l', '1', file, '-']);
    return [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map((m) => ({
      text: (m[3] ?? '').replace(INVISIBLE, ''),
      xMin: Number(m[1]),
      yMin: Number(m[2]),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Invisible characters that change nothing a reader sees: direction marks and isolates (ours, and the ones
 * pdftotext adds around RTL lines), and the zero-width non-joiner of Persian, which poppler moves around.
 */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Arabic vowel marks: poppler moves them away from their letter. */
const MARKS = /[\u064b-\u065f\u0670]/g;

const LAM_ALEF = /\u0644([\u0622\u0623\u0625\u0627])/g;

/** The words of `text` without punctuation, vowel marks or invisible characters. */
function comparableWords(text: string): string[] {
  return text
    .replace(INVISIBLE, '')
    .replace(MARKS, '')
    .split(/\s+/)
    .map((word) => word.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter((word) => word.length > 0);
}

/**
 * Every word of `expected` is in the extracted text. Poppler extracts a lam-alef ligature (لا, لأ, لإ, لآ)
 * as alef then lam, so a word holding one may also be found with that swap ("سلامت" as "سالمت"): each word
 * is still compared, and a missing or misshaped one still fails.
 */
function expectAllWords(extracted: string, expected: string): void {
  const haystack = extracted.replace(INVISIBLE, '').replace(MARKS, '');
  const words = comparableWords(expected);
  expect(words.length).toBeGreaterThan(0);
  for (const word of words) {
    const forms = [word, word.replace(LAM_ALEF, '$1\u0644')];
    expect(
      forms.some((form) => haystack.includes(form)),
      `"${word}" of "${expected}"`,
    ).toBe(true);
  }
}

let renderer: PdfRenderer;
beforeAll(() => {
  renderer = createPdfRenderer();
});
afterAll(async () => {
  await renderer.close();
});

describe.each(sampleLocales)('the %s welcome kit', (locale) => {
  it('is a PDF whose text layer holds every section title and service name', async () => {
    const kit = sampleKit(locale);
    const pdf = await renderer.renderPdf('kit', kit);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const text = await pdfText(pdf);
    expectAllWords(text, kit.title);
    expectAllWords(text, kit.promise);
    for (const section of kit.sections) {
      expectAllWords(text, section.title);
      for (const service of section.services) {
        expectAllWords(text, service.name);
        if (service.phone) expect(text.replace(INVISIBLE, '')).toContain(service.phone);
      }
    }
  });

  it('uses only the fonts Arrival ships, never one of the machine', async () => {
    const fonts = await pdfFonts(await renderer.renderPdf('kit', sampleKit(locale)));
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/^(NotoSans|Vazirmatn)-(Regular|Bold)$/);
  });
});

describe('text from the database', () => {
  const hostile = '<script>#read("/etc/passwd")</script>';

  it('prints markup, Typst code and direction overrides as the literal text they are', async () => {
    const kit = sampleKit('en');
    const section = kit.sections[0];
    if (!section) throw new Error('fixture has sections');
    section.services = [
      { name: hostile, lang: 'en', dir: 'ltr', labels: ['#set text(red)'] },
      {
        name: 'Clinic \u202Eevil',
        lang: 'en',
        dir: 'ltr',
        description: '$x^2$ *bold* _under_ @ref',
        labels: [],
      },
    ];
    const pdf = await renderer.renderPdf('kit', kit);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');

    expect(text).toContain(hostile);
    expect(text).toContain('#set text(red)');
    expect(text).toContain('$x^2$ *bold* _under_ @ref');
    // The override is dropped, so the name reads as written ("evil", not "live").
    expect(text).toContain('Clinic evil');
    expect(text).not.toContain('\u202E');
    // Nothing of the file the name asks for.
    expect(text).not.toMatch(/root:.*:0:0:/);
    expect(Buffer.from(pdf).toString('latin1')).not.toContain('root:x:0:0');
  });

  it('keeps a phone number in an Arabic kit in reading order, left to right', async () => {
    const pdf = await renderer.renderPdf('kit', sampleKit('ar'));
    const words = await pdfWords(pdf);
    // Without isolates a right-to-left line lays the groups out as "401 123 600 34+".
    const groups = ['+34', '600', '123', '401'].map((group) => words.find((w) => w.text === group));
    const xs = groups.map((word) => word?.xMin ?? Number.NaN);
    const ys = groups.map((word) => word?.yMin ?? Number.NaN);
    expect(new Set(ys).size).toBe(1);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });
});
