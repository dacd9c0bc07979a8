import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor, Tx } from '../../db/driver.ts';
import type { StaffActor } from '../../http/policy.ts';
import { type ChainedRow, type ChainVerdict, ChainVerifier, chainRow } from './audit.chain.ts';
import {
  type AuditFilter,
  auditRowInsert,
  findChainHead,
  listChainPage,
  lockChainHead,
  searchAuditRows,
} from './audit.repo.ts';
import type { TAuditQuery } from './audit.schema.ts';

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
  const row = nextAuditRow(entry, await lockChainHead(tx));
  await auditRowInsert(tx, row);
  return { seq: row.seq, hash: row.hash };
}

/**
 * The row that follows `head` (from `lockChainHead`, in the same transaction) for an entry, checked. For a
 * use case that writes its rows in one statement (`auditRowInsert` among them); others call `recordAudit`.
 */
export function nextAuditRow(entry: AuditEntry, head: { seq: number; hash: string } | undefined): ChainedRow {
  check(entry);
  return chainRow(
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

/** One page of the audit viewer, newest first; `nextBefore` continues it. */
export async function findAuditEntries(db: Executor, query: TAuditQuery) {
  const entries = await searchAuditRows(db, filterOf(query), { limit: query.limit, beforeSeq: query.before });
  const last = entries.at(-1);
  return { entries, nextBefore: entries.length === query.limit && last ? last.seq : null };
}

function filterOf(query: Omit<TAuditQuery, 'limit' | 'before'>): AuditFilter {
  return {
    ...(query.actor ? { actorUserId: query.actor } : {}),
    ...(query.organisation ? { organisationId: query.organisation } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.objectType ? { objectType: query.objectType } : {}),
    ...(query.objectId ? { objectId: query.objectId } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
  };
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_user_id',
  'actor_organisation_id',
  'actor_role',
  'action',
  'object_type',
  'object_id',
  'purpose',
  'request_id',
  'prev_hash',
  'hash',
] as const;
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The filtered log as CSV (RFC 4180, CRLF), oldest first; the export itself is audited. */
export async function exportAuditCsv(
  deps: { db: Db; clock: Clock },
  actor: StaffActor,
  query: Omit<TAuditQuery, 'limit' | 'before'>,
  requestId: string,
): Promise<string> {
  return deps.db.transaction(async (tx) => {
    const rows = (await searchAuditRows(tx, filterOf(query), { limit: AUDIT_EXPORT_MAX_ROWS })).reverse();
    await recordAudit(tx, {
      at: deps.clock.now(),
      actor: { userId: actor.userId, organisationId: actor.organisationId, role: actor.role },
      action: 'audit.exported',
      objectType: 'audit_log',
      requestId,
    });
    const lines = [CSV_COLUMNS.join(',')];
    for (const r of rows) {
      lines.push(
        [
          r.seq,
          r.at.toISOString(),
          r.actorUserId,
          r.actorOrganisationId,
          r.actorRole,
          r.action,
          r.objectType,
          r.objectId,
          r.purpose,
          r.requestId,
          r.prevHash,
          r.hash,
        ]
          .map(csvField)
          .join(','),
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  });
}
