import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fontFiles } from './fonts.ts';
import { cmapCoverage, fontsCoverage, missingCharacters } from './glyphs.ts';

describe('font coverage', () => {
  const [notoSans, , vazirmatn] = fontFiles();

  it('reads which characters a font has from its cmap', () => {
    if (!notoSans || !vazirmatn) throw new Error('fonts are listed');
    const latin = cmapCoverage(readFileSync(notoSans));
    const arabic = cmapCoverage(readFileSync(vazirmatn));
    for (const c of 'AzéŁЖїΩ€') expect(latin.has(c.codePointAt(0) ?? 0), c).toBe(true);
    expect(latin.has('ب'.codePointAt(0) ?? 0)).toBe(false);
    for (const c of 'بکیگپچژ۱٣ښ') expect(arabic.has(c.codePointAt(0) ?? 0), c).toBe(true);
  });

  it('names the characters none of our fonts can draw, once each', () => {
    const covered = fontsCoverage(fontFiles());
    expect(missingCharacters(['Привіт, سلام, hello', '\u2066+34\u2069 \u200c\u200f\n'], covered)).toEqual([]);
    expect(missingCharacters(['ሰላም ሰላም', '你好'], covered)).toEqual(['ሰ', 'ላ', 'ም', '你', '好']);
  });
});
