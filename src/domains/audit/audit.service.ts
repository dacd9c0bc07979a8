import { randomUUID } from 'node:crypto';
import type { Executor, Tx } from '../../db/driver.ts';
import { type ChainVerdict, ChainVerifier, chainRow } from './audit.chain.ts';
import { findChainHead, insertAuditRow, listChainPage, lockChainHead } from './audit.repo.ts';

/** Who acted: a staff member acting for one organisation in one role, or nobody (the system, a CLI). */
export interface AuditActor {
  userId: string;
  organisationId: string | null;
  role: string | null;
}

export interface AuditEntry {
  at: Date;
  actor: AuditActor | null;
  /** A dotted verb, e.g. `auth.login`, `user.disabled`, `referral.sent`. */
  action: string;
  objectType?: string;
  /** An id or code of the object: never a name, an email or anything else a person wrote. */
  objectId?: string;
  purpose?: string;
  requestId?: string;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
// Ids, codes and enum values only: no spaces and no `@`, so an email or a name cannot slip in.
const TOKEN = /^[A-Za-z0-9_.:-]{1,100}$/;

export class InvalidAuditEntryError extends Error {
  constructor(field: string) {
    super(`Invalid audit entry: ${field} is not an id, code or dotted action`);
    this.name = 'InvalidAuditEntryError';
  }
}

function check(entry: AuditEntry): void {
  if (!ACTION.test(entry.action)) throw new InvalidAuditEntryError('action');
  for (const field of ['objectType', 'objectId', 'purpose', 'requestId'] as const) {
    const value = entry[field];
    if (value !== undefined && !TOKEN.test(value)) throw new InvalidAuditEntryError(field);
  }
}

/**
 * Appends one row to the audit chain inside the caller's transaction (firewall rule 7): if the action rolls
 * back, so does its audit row; if the audit row cannot be written, the action fails. Call it where the action
 * happens, so a reader sees it: `await recordAudit(tx, { action: 'user.disabled', … })`.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  check(entry);
  await lockChainHead(tx);
  const head = await findChainHead(tx);
  const row = chainRow(
    {
      id: randomUUID(),
      at: entry.at,
      actorUserId: entry.actor?.userId ?? null,
      actorOrganisationId: entry.actor?.organisationId ?? null,
      actorRole: entry.actor?.role ?? null,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId: entry.objectId ?? null,
      purpose: entry.purpose ?? null,
      requestId: entry.requestId ?? null,
    },
    head,
  );
  await insertAuditRow(tx, row);
  return { seq: row.seq, hash: row.hash };
}

/** Recomputes the whole chain, a page at a time (`arrival audit verify`). */
export async function verifyAuditLog(db: Executor, pageSize = 1000): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const page = await listChainPage(db, after, pageSize);
    for (const row of page) if (!verifier.push(row)) return verifier.verdict();
    const last = page.at(-1);
    if (!last || page.length < pageSize) return verifier.verdict();
    after = last.seq;
  }
}

/** The latest row's place and hash: published as a metric so that an outside monitor sees a truncation. */
export async function auditChainHead(db: Executor): Promise<{ length: number; hash: string | null }> {
  const head = await findChainHead(db);
  return { length: head?.seq ?? 0, hash: head?.hash ?? null };
}
