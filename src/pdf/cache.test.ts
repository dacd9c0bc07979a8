import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PdfCache } from './cache.ts';

const bytes = (n: number) => new Uint8Array(n);

describe('the PDF cache', () => {
  it('drops the least recently used entries first', () => {
    const cache = new PdfCache(100);
    cache.set('a', bytes(40));
    cache.set('b', bytes(40));
    cache.get('a'); // a is now more recent than b
    cache.set('c', bytes(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.byteLength).toBe(40);
    expect(cache.get('c')?.byteLength).toBe(40);
  });

  it('does not keep a document larger than its whole budget', () => {
    const cache = new PdfCache(100);
    cache.set('a', bytes(60));
    cache.set('huge', bytes(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')?.byteLength).toBe(60);
  });

  it('never holds more bytes than its budget, and counts them right', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 150 }))),
        (writes) => {
          const cache = new PdfCache(200);
          for (const [key, size] of writes) cache.set(key, bytes(size));
          let held = 0;
          for (const key of ['a', 'b', 'c', 'd', 'e']) held += cache.get(key)?.byteLength ?? 0;
          return cache.bytes <= 200 && held === cache.bytes;
        },
      ),
    );
  });
});
