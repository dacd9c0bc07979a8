import { randomInt } from 'node:crypto';

/**
 * Arrival codes: what a person holds instead of being searched for. Nine symbols of Crockford's base 32 (no
 * I, L, O or U, so nothing reads as another letter), shown as `K7Q-4M2-XPB`: eight random symbols (40 bits)
 * and a check symbol that catches any one mistyped symbol and any swap of two neighbours (Damm's algorithm
 * over GF(32): x∘y = 2x + y is a totally anti-symmetric quasigroup, so both kinds of mistake change the result).
 * Only a keyed HMAC of a code is stored (people.crypto.ts); the code itself is printed once, on the slip.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
const RANDOM_SYMBOLS = 8;

/** x∘y = 2·x + y in GF(2⁵) with the polynomial x⁵ + x² + 1; the running value of Damm's algorithm. */
function step(interim: number, symbol: number): number {
  const doubled = interim << 1;
  return (doubled & 32 ? doubled ^ 0b100101 : doubled) ^ symbol;
}

function interimOf(symbols: string): number {
  let interim = 0;
  for (const symbol of symbols) interim = step(interim, ALPHABET.indexOf(symbol));
  return interim;
}

/** The symbol that brings the running value back to 0. */
function checkSymbol(symbols: string): string {
  return ALPHABET.charAt(step(interimOf(symbols), 0));
}

/** A new random code in its canonical form (nine symbols, no separators). */
export function newArrivalCode(): string {
  let symbols = '';
  for (let i = 0; i < RANDOM_SYMBOLS; i++) symbols += ALPHABET.charAt(randomInt(N));
  return symbols + checkSymbol(symbols);
}

/** `K7Q4M2XPB` → `K7Q-4M2-XPB`, easier to read aloud and to type. */
export function formatArrivalCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3, 6)}-${code.slice(6)}`;
}

/**
 * What a person typed → the canonical code, or undefined when it cannot be one (wrong length, a symbol outside
 * the alphabet, a wrong check symbol). Case, spaces and dashes are ignored; O reads as 0, I and L as 1.
 */
export function parseArrivalCode(input: string): string | undefined {
  const symbols = input
    .toUpperCase()
    .replace(/[\s\-‐-―_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== RANDOM_SYMBOLS + 1) return undefined;
  for (const symbol of symbols) if (!ALPHABET.includes(symbol)) return undefined;
  return interimOf(symbols) === 0 ? symbols : undefined;
}
