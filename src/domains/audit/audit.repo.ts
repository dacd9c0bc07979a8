import { and, asc, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/driver.ts';
import type { ChainedRow } from './audit.chain.ts';
import { auditLog } from './audit.schema.ts';

// Any constant will do, as long as no other advisory lock of Arrival uses it.
const AUDIT_APPEND_LOCK_KEY = 7_243_902;

/**
 * Serialises appends for the rest of the transaction, so that two transactions cannot both read the same head
 * and fork the chain. The lock is released at commit or rollback.
 */
export async function lockChainHead(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY})`);
}

export async function findChainHead(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  const [head] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head;
}

export async function insertAuditRow(tx: Tx, row: ChainedRow): Promise<void> {
  await tx.insert(auditLog).values(row);
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
