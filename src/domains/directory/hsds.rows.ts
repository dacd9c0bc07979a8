import { getTableColumns, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Db, stagedRows, type Tx } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import type { FlatRows, HsdsRow } from './hsds.flatten.ts';
import { HSDS_TABLES, type HsdsTableName } from './hsds.tables.ts';

/** Columns that are Arrival's, not HSDS fields: never read from an import, never written to an export. */
const ARRIVAL_COLUMNS = new Set(['content_lang', 'verified_by', 'verified_at']);

type AnyTable = PgTable & { id: PgColumn };

export function hsdsTable(name: string): AnyTable {
  const table = (HSDS_TABLES as Record<string, PgTable>)[name];
  if (!table) throw new Error(`No HSDS table ${name}`);
  return table as AnyTable;
}

export const HSDS_TABLE_NAMES = Object.keys(HSDS_TABLES) as HsdsTableName[];

/** HSDS field name (snake_case) → Drizzle property (camelCase), per table. */
const FIELD_MAPS = new Map(
  HSDS_TABLE_NAMES.map((name) => {
    const columns = getTableColumns(hsdsTable(name));
    return [name, new Map(Object.entries(columns).map(([prop, column]) => [column.name, prop]))] as const;
  }),
);

/** The HSDS fields of each table (without Arrival's own columns). */
export function hsdsFields(): Map<string, Set<string>> {
  return new Map(
    [...FIELD_MAPS].map(([table, fields]) => [
      table,
      new Set([...fields.keys()].filter((f) => !ARRIVAL_COLUMNS.has(f))),
    ]),
  );
}

function fieldMap(table: string): Map<string, string> {
  const map = FIELD_MAPS.get(table as HsdsTableName);
  if (!map) throw new Error(`No HSDS table ${table}`);
  return map;
}

/** A database row (camelCase properties) → an HSDS object (snake_case), absent values left out. */
export function toHsds(table: string, row: Record<string, unknown>, keepArrival = false): HsdsRow {
  const out: Record<string, unknown> = {};
  for (const [field, prop] of fieldMap(table)) {
    if (!keepArrival && ARRIVAL_COLUMNS.has(field)) continue;
    const value = row[prop];
    if (value === null || value === undefined) continue;
    out[field] =
      field === 'last_modified' && typeof value === 'string' ? new Date(value).toISOString() : value;
  }
  return out as HsdsRow;
}

const CHUNK = 500;

/**
 * Inserts or replaces (by id) every row of an import, in the caller's transaction. Returns, per table, the ids
 * that were already there (replaced, not new): only those can have children the import no longer has.
 * `languages`: settles when the rows have their content language; the tables without one are written meanwhile.
 */
export async function upsertRows(
  tx: Tx,
  flat: FlatRows,
  languages: Promise<void> = Promise.resolve(),
): Promise<Map<string, Set<string>>> {
  const replaced = new Map<string, Set<string>>();
  const columnsOf = (name: string) => Object.values(getTableColumns(hsdsTable(name))).map((c) => c.name);
  const hasText = (name: string) => columnsOf(name).includes('content_lang');
  const tables = [...flat.tables].sort(([a], [b]) => Number(hasText(a)) - Number(hasText(b)));
  for (const [name, rows] of tables) {
    if (hasText(name)) await languages;
    const table = hsdsTable(name);
    const columns = columnsOf(name);
    const quoted = columns.map((c) => `"${c}"`).join(', ');
    // Left out, the content language takes its default; every other absent field is null.
    const select = columns
      .map((c) => (c === 'content_lang' ? `coalesce(r."content_lang", 'en')` : `r."${c}"`))
      .join(', ');
    // Re-importing an id replaces the record: every HSDS field takes the new value (or null when absent). Arrival's
    // own columns that no row carries (who verified a label, and when: an HSDS file never has them) keep theirs. A
    // record re-imported as it is stays untouched (no new row version, no index entries).
    const values = [...rows.values()];
    const kept = (c: string) =>
      c !== 'content_lang' && ARRIVAL_COLUMNS.has(c) && !values.some((row) => row[c] !== undefined);
    const others = columns.filter((c) => c !== 'id' && !kept(c));
    const update = others.map((c) => `"${c}" = excluded."${c}"`).join(', ');
    const tableName = getTableName(table);
    const current = others.map((c) => `"${tableName}"."${c}"`).join(', ');
    const incoming = others.map((c) => `excluded."${c}"`).join(', ');
    const staged = await stagedRows(tx, tableName, columns, values);
    // The statement's snapshot is from before its insert: `existing` finds the records that were already there.
    const already = await queryRows<{ id: string }>(
      tx,
      sql`with r as materialized (select * from ${staged}),
          existing as (select r."id" from r join ${sql.identifier(tableName)} t on t."id" = r."id"),
          written as (
            insert into ${sql.identifier(tableName)} (${sql.raw(quoted)})
            select ${sql.raw(select)} from r
            on conflict ("id") do update set ${sql.raw(update)}
            where (${sql.raw(current)}) is distinct from (${sql.raw(incoming)}))
          select "id" from existing`,
    );
    replaced.set(name, new Set(already.map((row) => row.id)));
  }
  return replaced;
}

/**
 * After a record is re-imported, its children that the new version no longer has are removed
 * (a service that lost a phone number loses it here too). `replaced`: the ids upsertRows found already there; a new
 * record has no other children than those of the import (nothing deletes a record and leaves its children).
 */
export async function removeDroppedChildren(
  tx: Db,
  flat: FlatRows,
  replaced: Map<string, Set<string>>,
  links: { table: string; column: string; references: string }[],
  onlyTables?: Set<string>,
): Promise<void> {
  for (const link of links) {
    if (onlyTables && !onlyTables.has(link.table)) continue;
    const parents = [...(replaced.get(link.references) ?? [])];
    if (parents.length === 0) continue;
    if (!fieldMap(link.table).has(link.column)) continue;
    const keep = [...(flat.tables.get(link.table)?.keys() ?? [])];
    // Two array parameters, whatever the number of ids (an IN list per id is slow past a few thousand).
    await tx.execute(
      sql`delete from ${sql.raw(`"${getTableName(hsdsTable(link.table))}"`)}
           where ${sql.raw(`"${link.column}"`)} = any(${sql.param(parents)}::text[])
             and not ("id" = any(${sql.param(keep)}::text[]))`,
    );
  }
}

/** Ids among `ids` that exist in an HSDS table. */
export async function existingIds(db: Db, table: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const t = hsdsTable(table);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select({ id: t.id })
      .from(t)
      .where(inArray(t.id, ids.slice(i, i + CHUNK)));
    for (const r of rows) found.add(String(r.id));
  }
  return found;
}

/** Every row of an HSDS table whose `column` is one of `values`, as HSDS objects. */
export async function rowsWhere(
  db: Db,
  table: string,
  column: string,
  values: string[],
  keepArrival = false,
): Promise<HsdsRow[]> {
  if (values.length === 0) return [];
  const t = hsdsTable(table);
  const prop = fieldMap(table).get(column);
  const col = prop ? (getTableColumns(t) as Record<string, PgColumn>)[prop] : undefined;
  if (!col) throw new Error(`No column ${table}.${column}`);
  const out: HsdsRow[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const rows = (await db
      .select()
      .from(t)
      .where(inArray(col, values.slice(i, i + CHUNK)))) as Record<string, unknown>[];
    for (const r of rows) out.push(toHsds(table, r, keepArrival));
  }
  return out;
}

/** Every row of an HSDS table, in id order, as HSDS objects. */
export async function allRows(db: Db, table: string): Promise<HsdsRow[]> {
  const t = hsdsTable(table);
  const rows = (await db.select().from(t).orderBy(t.id)) as Record<string, unknown>[];
  return rows.map((r) => toHsds(table, r));
}
