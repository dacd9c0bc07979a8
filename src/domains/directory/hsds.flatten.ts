import type { JsonSchema } from './hsds.schemas.ts';

/** A row of an HSDS table, keyed by HSDS field names (snake_case), absent fields left out. */
export type HsdsRow = Record<string, unknown> & { id: string };

/** Where a row came from, for error reports. */
export interface RowSource {
  file: string;
  /** 1-based record number in a JSON file, or line number in a CSV file. */
  row: number;
}

export interface FlatRows {
  /** Rows by HSDS table, then by id. A record nested in many services (its organization) appears once. */
  tables: Map<string, Map<string, HsdsRow>>;
  /** Where each row was last read from, by table and id. */
  sources: Map<string, Map<string, RowSource>>;
}

export function emptyFlatRows(): FlatRows {
  return { tables: new Map(), sources: new Map() };
}

export function addRow(flat: FlatRows, table: string, row: HsdsRow, source: RowSource): void {
  let rows = flat.tables.get(table);
  let sources = flat.sources.get(table);
  if (!rows || !sources) {
    rows = new Map();
    sources = new Map();
    flat.tables.set(table, rows);
    flat.sources.set(table, sources);
  }
  // The same record may be nested under many parents: merge, later fields win.
  const seen = rows.get(row.id);
  if (seen) Object.assign(seen, row);
  else rows.set(row.id, row);
  sources.set(row.id, source);
}

export function sourceOf(flat: FlatRows, table: string, id: string): RowSource | undefined {
  return flat.sources.get(table)?.get(id);
}

/** The HSDS table a nested property refers to (`items: { $ref: "phone.json" }` → phone). */
function refTable(prop: { $ref?: string; items?: { $ref?: string } }): string | undefined {
  const ref = prop.items?.$ref ?? prop.$ref;
  return ref?.replace(/\.json$/, '');
}

/**
 * Turns a nested HSDS JSON record (a service with its organization, locations, phones…) into rows of the HSDS
 * tables, filling in the link from each child to its parent the way the tabular format has it
 * (HSDS 3.0: phone.service_id, attribute.link_id/link_entity, metadata.resource_id/resource_type, …).
 */
export function flattenRecord(
  schemas: Map<string, JsonSchema>,
  columns: Map<string, Set<string>>,
  table: string,
  record: Record<string, unknown>,
  source: RowSource,
  flat: FlatRows,
  parent?: { table: string; id: string },
): void {
  const schema = schemas.get(table);
  const tableColumns = columns.get(table);
  if (!schema?.properties || !tableColumns) return;
  const row: Record<string, unknown> = {};
  const children: [string, unknown][] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined) continue;
    const prop = schema.properties[key];
    const child = prop ? refTable(prop) : undefined;
    if (child) children.push([child, value]);
    else if (tableColumns.has(key)) row[key] = value;
  }
  if (parent) linkToParent(table, row, parent, tableColumns);
  if (typeof row.id !== 'string') return; // reported by schema validation
  const id = row.id;
  for (const [child, value] of children) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const nested = item as Record<string, unknown>;
      // A nested object this row points to (service.organization, service_at_location.location,
      // taxonomy_term.taxonomy_detail): the row takes its id as the foreign key.
      const pointer = `${child}_id`;
      if (!Array.isArray(value) && tableColumns.has(pointer)) {
        if (row[pointer] === undefined && typeof nested.id === 'string') row[pointer] = nested.id;
        flattenRecord(schemas, columns, child, nested, source, flat);
      } else {
        flattenRecord(schemas, columns, child, nested, source, flat, { table, id });
      }
    }
  }
  addRow(flat, table, row as HsdsRow, source);
}

function linkToParent(
  table: string,
  row: Record<string, unknown>,
  parent: { table: string; id: string },
  tableColumns: Set<string>,
): void {
  if (table === 'attribute') {
    row.link_id ??= parent.id;
    row.link_entity ??= parent.table;
    return;
  }
  if (table === 'metadata') {
    row.resource_id ??= parent.id;
    row.resource_type ??= parent.table;
    return;
  }
  const fk = `${parent.table}_id`;
  if (tableColumns.has(fk)) row[fk] ??= parent.id;
}
