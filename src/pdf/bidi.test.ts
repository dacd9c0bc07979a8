import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isolateLtrRuns, isolatePhone, stripDirectionControls } from './bidi.ts';

const LRI = '\u2066';
const PDI = '\u2069';
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

describe('direction controls in database text', () => {
  it('are removed, so an override cannot reverse what follows it', () => {
    expect(stripDirectionControls('Clinic \u202Efdp.exe')).toBe('Clinic fdp.exe');
    expect(stripDirectionControls('\u2067a\u2069\u202Ab\u202C')).toBe('ab');
  });

  it('never survive, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => !CONTROLS.test(stripDirectionControls(text))),
    );
  });
});

describe('left-to-right runs in right-to-left text', () => {
  it('isolates phone numbers, times and ranges as one run each', () => {
    expect(isolateLtrRuns('اتصل على +34 600 123 456 من 9:00 إلى 17:00.', 'rtl')).toBe(
      `اتصل على ${LRI}+34 600 123 456${PDI} من ${LRI}9:00${PDI} إلى ${LRI}17:00${PDI}.`,
    );
    expect(isolateLtrRuns('الإثنين–الجمعة 9:00–17:00', 'rtl')).toBe(`الإثنين–الجمعة ${LRI}9:00–17:00${PDI}`);
  });

  it('keeps a street number with its Latin street name, and the comma outside', () => {
    expect(isolateLtrRuns('Harbour Square 3، مدينة النهر', 'rtl')).toBe(
      `${LRI}Harbour Square 3${PDI}، مدينة النهر`,
    );
  });

  it('isolates Persian digits too', () => {
    expect(isolateLtrRuns('چاپ شده در ۸ آذر ۱۴۰۵', 'rtl')).toBe(
      `چاپ شده در ${LRI}۸${PDI} آذر ${LRI}۱۴۰۵${PDI}`,
    );
  });

  it('leaves left-to-right text alone', () => {
    expect(isolateLtrRuns('Mon–Fri 9:00–17:00', 'ltr')).toBe('Mon–Fri 9:00–17:00');
  });

  it('only adds isolates: removing them gives back the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
        const text = stripDirectionControls(raw);
        return isolateLtrRuns(text, 'rtl').replaceAll(LRI, '').replaceAll(PDI, '') === text;
      }),
    );
  });

  it('always wraps a phone number', () => {
    expect(isolatePhone('+34 600 123 456')).toBe(`${LRI}+34 600 123 456${PDI}`);
  });
});
