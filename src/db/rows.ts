import type { SQL } from 'drizzle-orm';
import type { Executor } from './driver.ts';

/**
 * Runs raw SQL and returns its rows. Both drivers answer `{ rows }` (node-postgres' QueryResult, PGlite's
 * Results), but Drizzle types the result per driver, so the one cast lives here.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
