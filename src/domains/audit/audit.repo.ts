import { and, asc, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import type { ChainedRow } from './audit.chain.ts';
import { auditLog } from './audit.schema.ts';

/**
 * Locks the chain for the rest of the transaction and reads its head, in one statement (migration
 * `audit_chain_head`): two transactions can never read the same head and fork the chain. The advisory lock
 * (key 7243902) is released at commit or rollback. `undefined` before the first row.
 */
export async function lockChainHead(tx: Tx): Promise<{ seq: number; hash: string } | undefined> {
  const [head] = await queryRows<{ seq: string | number | null; hash: string | null }>(
    tx,
    sql`select seq, hash from audit_chain_head_locked()`,
  );
  return head?.seq == null || head.hash === null ? undefined : { seq: Number(head.seq), hash: head.hash };
}

export async function findChainHead(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  const [head] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head;
}

/** The INSERT of a chained row, to run alone or with the statements of its action (see `db/together.ts`). */
export function auditRowInsert(tx: Tx, row: ChainedRow) {
  return tx.insert(auditLog).values(row);
}

/** Rows after `afterSeq`, in order: the verifier reads the chain page by page. */
export async function listChainPage(db: Executor, afterSeq: number, size: number): Promise<ChainedRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(size);
}

export interface AuditFilter {
  actorUserId?: string;
  organisationId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
}

/** Newest first; `beforeSeq` pages backwards. */
export async function searchAuditRows(
  db: Executor,
  filter: AuditFilter,
  options: { limit: number; beforeSeq?: number },
): Promise<ChainedRow[]> {
  const where: SQL[] = [];
  if (filter.actorUserId) where.push(eq(auditLog.actorUserId, filter.actorUserId));
  if (filter.organisationId) where.push(eq(auditLog.actorOrganisationId, filter.organisationId));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.objectType) where.push(eq(auditLog.objectType, filter.objectType));
  if (filter.objectId) where.push(eq(auditLog.objectId, filter.objectId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (options.beforeSeq !== undefined) where.push(lt(auditLog.seq, options.beforeSeq));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(options.limit);
}
