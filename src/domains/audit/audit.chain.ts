import { createHash } from 'node:crypto';

/** The hash before the first row: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit row says, without its place in the chain. Ids and codes only: never personal plaintext. */
export interface AuditFields {
  id: string;
  at: Date;
  actorUserId: string | null;
  actorOrganisationId: string | null;
  actorRole: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  purpose: string | null;
  requestId: string | null;
}

export interface ChainedRow extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * The canonical form of a row: a JSON array with every field in a fixed order, as text or null. A version tag
 * first, so that a future format can be told apart; `seq` and `prevHash` inside, so that moving or renumbering
 * a row changes its hash.
 */
export function canonicalRow(row: AuditFields & { seq: number; prevHash: string }): string {
  return JSON.stringify([
    'arrival-audit-v1',
    String(row.seq),
    row.id,
    row.at.toISOString(),
    row.actorUserId,
    row.actorOrganisationId,
    row.actorRole,
    row.action,
    row.objectType,
    row.objectId,
    row.purpose,
    row.requestId,
    row.prevHash,
  ]);
}

export function hashRow(row: AuditFields & { seq: number; prevHash: string }): string {
  return createHash('sha256').update(canonicalRow(row), 'utf8').digest('hex');
}

/** Links a new row to the head of the chain (`head` undefined for the first row). */
export function chainRow(fields: AuditFields, head: { seq: number; hash: string } | undefined): ChainedRow {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...fields, seq, prevHash, hash: hashRow({ ...fields, seq, prevHash }) };
}

export type ChainVerdict =
  | { intact: true; length: number; head: string }
  | { intact: false; brokenAtSeq: number; reason: 'sequence' | 'link' | 'hash' };

/**
 * Walks rows in `seq` order and finds the first that does not follow from the one before: a gap or a
 * repeated number (`sequence`: a row deleted or inserted), a `prev_hash` that is not the previous row's hash
 * (`link`: reordered or inserted), or a hash that does not match the row (`hash`: edited).
 * Rows removed from the end leave an intact, shorter chain: compare the head with the published metric.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private broken: ChainVerdict | undefined;

  /** Feeds the next row; returns false once the chain is broken (later rows need not be read). */
  push(row: ChainedRow): boolean {
    if (this.broken) return false;
    const fail = (reason: 'sequence' | 'link' | 'hash') => {
      this.broken = { intact: false, brokenAtSeq: row.seq, reason };
      return false;
    };
    if (row.seq !== this.expectedSeq) return fail('sequence');
    if (row.prevHash !== this.prevHash) return fail('link');
    if (hashRow(row) !== row.hash) return fail('hash');
    this.expectedSeq += 1;
    this.prevHash = row.hash;
    return true;
  }

  verdict(): ChainVerdict {
    return this.broken ?? { intact: true, length: this.expectedSeq - 1, head: this.prevHash };
  }
}

export function verifyChain(rows: Iterable<ChainedRow>): ChainVerdict {
  const verifier = new ChainVerifier();
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.verdict();
}
