import { readFileSync } from 'node:fs';

/**
 * The characters a TrueType/OpenType font has glyphs for, from its `cmap` table (OpenType spec, "cmap —
 * Character to Glyph Index Mapping Table": formats 4 and 12, the ones Unicode fonts use).
 */
export function cmapCoverage(font: Uint8Array): Set<number> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = view.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < tables; i += 1) {
    const record = 12 + i * 16;
    if (view.getUint32(record) === 0x636d6170 /* 'cmap' */) cmap = view.getUint32(record + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  const covered = new Set<number>();
  const subtables = view.getUint16(cmap + 2);
  for (let i = 0; i < subtables; i += 1) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    // Unicode subtables only: platform 0, or Windows (3) with BMP (1) or full repertoire (10).
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const at = cmap + view.getUint32(cmap + 8 + i * 8);
    const format = view.getUint16(at);
    if (format === 4) readFormat4(view, at, covered);
    if (format === 12) readFormat12(view, at, covered);
  }
  return covered;
}

function readFormat4(view: DataView, at: number, covered: Set<number>): void {
  const segments = view.getUint16(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s += 1) {
    const end = view.getUint16(ends + s * 2);
    const start = view.getUint16(starts + s * 2);
    const delta = view.getUint16(deltas + s * 2);
    const rangeOffset = view.getUint16(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c += 1) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const raw = view.getUint16(rangeOffsets + s * 2 + rangeOffset + (c - start) * 2);
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) covered.add(c);
    }
  }
}

function readFormat12(view: DataView, at: number, covered: Set<number>): void {
  const groups = view.getUint32(at + 12);
  for (let g = 0; g < groups; g += 1) {
    const group = at + 16 + g * 12;
    const start = view.getUint32(group);
    const end = view.getUint32(group + 4);
    for (let c = start; c <= end; c += 1) covered.add(c);
  }
}

/** Characters that need no glyph: controls, spaces, joiners, direction marks and isolates. */
const NEEDS_NO_GLYPH = /[\p{Cc}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\s]/u;

/** The union of what the given font files cover. */
export function fontsCoverage(files: string[]): Set<number> {
  const covered = new Set<number>();
  for (const file of files) for (const c of cmapCoverage(readFileSync(file))) covered.add(c);
  return covered;
}

/** Distinct characters of `texts` that no font covers, in order of first appearance. */
export function missingCharacters(texts: Iterable<string>, covered: Set<number>): string[] {
  const missing = new Set<string>();
  for (const text of texts) {
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      if (!covered.has(code) && !NEEDS_NO_GLYPH.test(char)) missing.add(char);
    }
  }
  return [...missing];
}
