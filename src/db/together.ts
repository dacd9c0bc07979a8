import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Executor } from './driver.ts';

/**
 * Runs several writes as one statement — `with w0 as (first), w1 as (second) last` — for a use case whose
 * round trips to the database are its cost (each statement is a round trip, and on PGlite a trip through the
 * WASM engine). PostgreSQL runs every data-modifying part to completion, in one snapshot: the parts do not see
 * each other's rows, and foreign keys are checked at the end of the statement, so a row may reference one
 * written beside it. Give it Drizzle query builders (`tx.insert(t).values(…)`, `tx.update(t)…`), not awaited;
 * `undefined` parts are left out.
 */
export async function writeTogether(db: Executor, writes: (SQLWrapper | undefined)[]): Promise<void> {
  // `getSQL()`: Drizzle would put a query builder in parentheses, which a WITH part cannot be.
  const parts = writes.filter((w): w is SQLWrapper => w !== undefined).map((w) => w.getSQL());
  const last = parts.pop();
  if (!last) return;
  const ctes: SQL[] = parts.map((part, i) => sql`${sql.raw(`w${i}`)} as (${part})`);
  await db.execute(ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ${last}` : last);
}
