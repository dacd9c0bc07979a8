/**
 * Sorted postings and the small algorithms the in-memory term sets (search.memory.ts) are made of: reading a
 * tsvector as PostgreSQL prints it, merging sorted postings, selecting the k-th value, a binary search.
 */

/** directory_search_impact's value of each weight (migration 0008): name A, body B, simple-config name C. */
const WEIGHTS: Record<string, number> = { A: 1, B: 0.4, C: 0.2, D: 0.1 };

/** Documents in ascending order, each with a score. */
export interface Postings {
  readonly docs: Int32Array;
  readonly scores: Float64Array;
}

export const NONE: Postings = { docs: new Int32Array(0), scores: new Float64Array(0) };

/**
 * Merges postings: the documents in all of them (intersect) or in any, each scored by `combine` of its scores.
 */
export function merge(
  a: Postings,
  b: Postings,
  intersect: boolean,
  combine: (x: number, y: number) => number,
): Postings {
  const size = intersect ? Math.min(a.docs.length, b.docs.length) : a.docs.length + b.docs.length;
  const docs = new Int32Array(size);
  const scores = new Float64Array(size);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i] as number;
    const y = b.docs[j] as number;
    if (x === y) {
      docs[n] = x;
      scores[n++] = combine(a.scores[i++] as number, b.scores[j++] as number);
    } else if (x < y) {
      if (!intersect) {
        docs[n] = x;
        scores[n++] = a.scores[i] as number;
      }
      i++;
    } else {
      if (!intersect) {
        docs[n] = y;
        scores[n++] = b.scores[j] as number;
      }
      j++;
    }
  }
  if (!intersect) {
    for (; i < a.docs.length; i++, n++) {
      docs[n] = a.docs[i] as number;
      scores[n] = a.scores[i] as number;
    }
    for (; j < b.docs.length; j++, n++) {
      docs[n] = b.docs[j] as number;
      scores[n] = b.scores[j] as number;
    }
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/**
 * The lexemes of a tsvector as PostgreSQL prints it ('it''s':1A,4B 'x':2), each with the sum of its positions'
 * weights. Quotes and backslashes in a lexeme are doubled.
 */
export function parseTsvector(text: string): [lexeme: string, weight: number][] {
  const lexemes: [string, number][] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") {
      i++;
      continue;
    }
    let lexeme = '';
    let from = ++i;
    for (; i < text.length; i++) {
      if (text[i] === "'" && text[i + 1] !== "'") break;
      if (text[i] === "'" || text[i] === '\\') {
        lexeme += text.slice(from, i) + (text[i + 1] ?? '');
        from = ++i + 1;
      }
    }
    lexeme += text.slice(from, i);
    i++;
    let weight = 0;
    if (text[i] === ':') {
      // Positions: digits and a weight letter (none for D), separated by commas.
      for (i++; i < text.length && text[i] !== ' '; i++) {
        const c = text[i] as string;
        if (c === ',') continue;
        if (c >= '0' && c <= '9') {
          const next = text[i + 1];
          if (next === undefined || next === ',' || next === ' ') weight += WEIGHTS.D as number;
        } else weight += WEIGHTS[c] ?? 0;
      }
    } else weight = WEIGHTS.D as number;
    lexemes.push([lexeme, weight]);
  }
  return lexemes;
}

/** The value that would stand at `index` were `values` sorted (Hoare's selection; reorders `values`). */
export function kthSmallest(values: Float64Array, index: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = swap;
      }
    }
    if (index <= j) hi = j;
    else if (index >= i) lo = i;
    else break;
  }
  return values[index] as number;
}

/** The first index of a sorted list whose item is not below `key`. */
export function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
