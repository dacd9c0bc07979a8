import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditFields, type ChainedRow, chainRow, GENESIS_HASH, verifyChain } from './audit.chain.ts';

const token = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
const fields: fc.Arbitrary<AuditFields> = fc.record({
  id: fc.uuid(),
  at: fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
  actorUserId: fc.option(fc.uuid(), { nil: null }),
  actorOrganisationId: fc.option(fc.uuid(), { nil: null }),
  actorRole: fc.option(fc.constantFrom('city_admin', 'caseworker', 'auditor'), { nil: null }),
  action: fc.constantFrom('auth.login', 'auth.logout', 'user.disabled', 'referral.sent'),
  objectType: fc.option(token, { nil: null }),
  objectId: fc.option(token, { nil: null }),
  purpose: fc.option(token, { nil: null }),
  requestId: fc.option(token, { nil: null }),
});

function buildChain(entries: AuditFields[]): ChainedRow[] {
  const rows: ChainedRow[] = [];
  for (const entry of entries) rows.push(chainRow(entry, rows.at(-1)));
  return rows;
}

const chains = fc.array(fields, { minLength: 2, maxLength: 25 }).map(buildChain);

describe('audit hash chain', () => {
  it('starts from the genesis hash and numbers rows from 1', () => {
    fc.assert(
      fc.property(chains, (rows) => {
        expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      }),
    );
  });

  it('verifies any chain it built, and names its head', () => {
    fc.assert(
      fc.property(chains, (rows) => {
        expect(verifyChain(rows)).toEqual({ intact: true, length: rows.length, head: rows.at(-1)?.hash });
      }),
    );
    expect(verifyChain([])).toEqual({ intact: true, length: 0, head: GENESIS_HASH });
  });

  it('finds an edit of any field of any row, at that row', () => {
    const editable = [
      'id',
      'actorUserId',
      'actorOrganisationId',
      'actorRole',
      'action',
      'objectType',
      'objectId',
      'purpose',
      'requestId',
    ] as const;
    fc.assert(
      fc.property(
        chains,
        fc.nat(),
        fc.constantFrom(...editable, 'at' as const),
        token,
        (rows, at, field, value) => {
          const i = at % rows.length;
          const original = rows[i] as ChainedRow;
          const edited: ChainedRow =
            field === 'at'
              ? { ...original, at: new Date(original.at.getTime() + 1) }
              : { ...original, [field]: original[field] === value ? `${value}x` : value };
          const tampered = rows.map((r, j) => (j === i ? edited : r));
          expect(verifyChain(tampered)).toMatchObject({ intact: false, brokenAtSeq: i + 1, reason: 'hash' });
        },
      ),
    );
  });

  it('finds a deleted row (other than the last) at the row after it', () => {
    fc.assert(
      fc.property(chains, fc.nat(), (rows, at) => {
        const i = at % (rows.length - 1);
        const tampered = rows.filter((_, j) => j !== i);
        expect(verifyChain(tampered)).toMatchObject({ intact: false, brokenAtSeq: i + 2 });
      }),
    );
  });

  it('finds a deleted row even when the rows after it are renumbered', () => {
    fc.assert(
      fc.property(chains, fc.nat(), (rows, at) => {
        const i = at % (rows.length - 1);
        const tampered = rows.filter((_, j) => j !== i).map((r, j) => (j >= i ? { ...r, seq: j + 1 } : r));
        expect(verifyChain(tampered)).toMatchObject({ intact: false, brokenAtSeq: i + 1 });
      }),
    );
  });

  it('finds a row inserted anywhere but at the end, even one with a correct hash', () => {
    fc.assert(
      fc.property(chains, fields, fc.nat(), (rows, extra, at) => {
        const i = at % rows.length;
        const before = rows.slice(0, i);
        const inserted = chainRow(extra, before.at(-1));
        const after = rows.slice(i).map((r) => ({ ...r, seq: r.seq + 1 }));
        const tampered = [...before, inserted, ...after];
        expect(verifyChain(tampered)).toMatchObject({ intact: false, brokenAtSeq: i + 2 });
      }),
    );
  });

  it('finds two rows swapped, at the first of them', () => {
    fc.assert(
      fc.property(chains, fc.nat(), fc.nat(), (rows, a, b) => {
        const i = a % rows.length;
        const j = b % rows.length;
        fc.pre(i !== j);
        const [lo, hi] = i < j ? [i, j] : [j, i];
        // A reorder as a database would show it: the contents move, the seq numbers stay in order.
        const tampered = rows.map((r, k) => {
          if (k === lo) return { ...(rows[hi] as ChainedRow), seq: r.seq };
          if (k === hi) return { ...(rows[lo] as ChainedRow), seq: r.seq };
          return r;
        });
        expect(verifyChain(tampered)).toMatchObject({ intact: false, brokenAtSeq: lo + 1 });
      }),
    );
  });

  it('gives different rows different hashes', () => {
    fc.assert(
      fc.property(chains, (rows) => {
        expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
      }),
    );
  });
});
