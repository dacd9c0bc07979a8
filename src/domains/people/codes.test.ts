import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatArrivalCode, newArrivalCode, parseArrivalCode } from './codes.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('Arrival codes', () => {
  it('are nine symbols that read back as themselves, formatted or not, in any case', () => {
    for (let i = 0; i < 200; i++) {
      const code = newArrivalCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{9}$/);
      expect(parseArrivalCode(code)).toBe(code);
      expect(parseArrivalCode(formatArrivalCode(code))).toBe(code);
      expect(parseArrivalCode(` ${formatArrivalCode(code).toLowerCase()} `)).toBe(code);
    }
  });

  it('reads O as zero and I or L as one', () => {
    const code = '01234567';
    const full = parseArrivalCode(`${code}${checkOf(code)}`);
    expect(full).toBeDefined();
    expect(parseArrivalCode(`O1234567${checkOf(code)}`)).toBe(full);
    expect(parseArrivalCode(`0I234567${checkOf(code)}`)).toBe(full);
    expect(parseArrivalCode(`0l234567${checkOf(code)}`)).toBe(full);
  });

  it('refuses any code with one symbol changed', () => {
    fc.assert(
      fc.property(fc.nat(8), fc.nat(ALPHABET.length - 1), (position, replacement) => {
        const code = newArrivalCode();
        const symbol = ALPHABET.charAt(replacement);
        fc.pre(code.charAt(position) !== symbol);
        const typo = code.slice(0, position) + symbol + code.slice(position + 1);
        expect(parseArrivalCode(typo)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a code with two neighbouring symbols swapped', () => {
    fc.assert(
      fc.property(fc.nat(7), (position) => {
        const code = newArrivalCode();
        fc.pre(code.charAt(position) !== code.charAt(position + 1));
        const swapped =
          code.slice(0, position) +
          code.charAt(position + 1) +
          code.charAt(position) +
          code.slice(position + 2);
        expect(parseArrivalCode(swapped)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses wrong lengths and foreign symbols', () => {
    expect(parseArrivalCode('')).toBeUndefined();
    expect(parseArrivalCode('ABC-DEF')).toBeUndefined();
    expect(parseArrivalCode('ABCDEFGHJK')).toBeUndefined();
    expect(parseArrivalCode('ABCDEFGH*')).toBeUndefined();
    expect(parseArrivalCode('ABCDEFGHÜ')).toBeUndefined();
  });
});

function checkOf(body: string): string {
  for (const symbol of ALPHABET) {
    if (parseArrivalCode(body + symbol)) return symbol;
  }
  throw new Error('no check symbol');
}
