import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { directoryTranslation, type TranslationOrigin } from './directory.schema.ts';
import { type FlatRows, type HsdsRow, sourceOf } from './hsds.flatten.ts';
import {
  type DataPackage,
  foreignKeys,
  type ImportProblem,
  ImportRejected,
  parseHsdsSource,
  TEXT_TABLES,
} from './hsds.import.ts';
import { detectLanguages } from './hsds.languages.ts';
import { loadFullServices, TRANSLATABLE_FIELDS } from './hsds.read.ts';
import {
  allRows,
  existingIds,
  HSDS_TABLE_NAMES,
  hsdsFields,
  removeDroppedChildren,
  upsertRows,
} from './hsds.rows.ts';
import { createHsdsValidator, HSDS_DIR, type HsdsValidator } from './hsds.schemas.ts';
import { reindexServices } from './search.index.ts';

let cachedValidator: HsdsValidator | undefined;
/** The compiled HSDS schemas (compiling them takes a moment, so once per process). */
export function hsdsValidator(): HsdsValidator {
  cachedValidator ??= createHsdsValidator();
  return cachedValidator;
}

export function readDataPackage(): DataPackage {
  return JSON.parse(readFileSync(path.join(HSDS_DIR, 'datapackage.json'), 'utf8')) as DataPackage;
}

export interface ImportOptions {
  /** The language of the records' text; detected per record when absent. */
  lang?: string;
  /** The languages the city has (for detection), and the default when detection is unsure. */
  locales: readonly string[];
  defaultLocale: string;
}

export interface ImportSummary {
  /** Rows written, by HSDS table. */
  counts: Record<string, number>;
  services: number;
}

/** Text enough to tell a language apart (franc reads trigrams; more text costs time, not accuracy). */
const DETECTION_CHARS = 400;

/**
 * Sets each text record's content language: the one given, or the one its text is in (detected in a worker thread,
 * so that the import can write the tables without text meanwhile). Never rejects.
 */
async function setContentLanguages(flat: FlatRows, options: ImportOptions): Promise<void> {
  const rows = [...flat.tables]
    .filter(([table]) => TEXT_TABLES.has(table))
    .flatMap(([, records]) => [...records.values()]);
  if (options.lang) {
    for (const row of rows) row.content_lang = options.lang;
    return;
  }
  // Many rows repeat a text (an organization's name on each of its places, a shared description): detect once.
  const textOf = (row: HsdsRow) =>
    ['name', 'alternate_name', 'description']
      .map((f) => row[f])
      .filter((v) => typeof v === 'string')
      .join('. ')
      .slice(0, DETECTION_CHARS);
  const texts = [...new Set(rows.map(textOf))];
  const langs = await detectLanguages(texts, options.locales);
  const detected = new Map(texts.map((text, i) => [text, langs[i] ?? options.defaultLocale]));
  for (const row of rows) row.content_lang = detected.get(textOf(row)) ?? options.defaultLocale;
}

async function findBrokenReferences(db: Db, flat: FlatRows, links: ReturnType<typeof foreignKeys>) {
  const problems: ImportProblem[] = [];
  for (const link of links) {
    const rows = flat.tables.get(link.table);
    if (!rows) continue;
    const wanted = new Map<string, HsdsRow[]>();
    for (const row of rows.values()) {
      const ref = row[link.column];
      if (typeof ref !== 'string') continue;
      if (flat.tables.get(link.references)?.has(ref)) continue;
      wanted.set(ref, [...(wanted.get(ref) ?? []), row]);
    }
    if (wanted.size === 0) continue;
    const found = await existingIds(db, link.references, [...wanted.keys()]);
    for (const [ref, referrers] of wanted) {
      if (found.has(ref)) continue;
      for (const row of referrers) {
        const source = sourceOf(flat, link.table, row.id);
        problems.push({
          file: source?.file ?? '',
          row: source?.row ?? null,
          field: `${link.table}.${link.column}`,
          message: `refers to ${link.references} ${ref}, which is neither in this import nor in the directory`,
        });
      }
    }
  }
  return problems;
}

/**
 * `arrival import-hsds`: validates every record against the HSDS 3.0 schemas and every reference, then writes
 * all of it in one transaction — or nothing, with every problem listed. Re-importing an id updates it.
 */
export async function importHsds(db: Db, source: string, options: ImportOptions): Promise<ImportSummary> {
  const validator = hsdsValidator();
  const pkg = readDataPackage();
  const { flat, problems } = parseHsdsSource(source, validator, hsdsFields(), pkg);
  const links = foreignKeys(pkg);
  if (problems.length === 0) problems.push(...(await findBrokenReferences(db, flat, links)));
  if (problems.length > 0) throw new ImportRejected(problems);
  const languages = setContentLanguages(flat, options);
  const tabular = statSync(source).isDirectory();
  await db.transaction(async (tx) => {
    const replaced = await upsertRows(tx, flat, languages);
    // A nested JSON service says all its children; a tabular package only for the tables it has files for.
    await removeDroppedChildren(
      tx,
      flat,
      replaced,
      CONTAINMENT,
      tabular ? new Set(flat.tables.keys()) : undefined,
    );
    await reindexServices(tx, [...(flat.tables.get('service')?.keys() ?? [])], flat.tables);
  });
  return {
    counts: Object.fromEntries([...flat.tables].map(([t, rows]) => [t, rows.size])),
    services: flat.tables.get('service')?.size ?? 0,
  };
}

export interface TranslationImportOptions {
  /** The language the file's text is written in. */
  lang: string;
  origin: TranslationOrigin;
}

/**
 * `arrival import-hsds <path> --lang L --translation`: the same records in another language. Their text fields
 * become translations of records already in the directory (which stay as they are); all or nothing.
 */
export async function importHsdsTranslations(
  db: Db,
  source: string,
  options: TranslationImportOptions,
): Promise<{ translations: number }> {
  const validator = hsdsValidator();
  const { flat, problems } = parseHsdsSource(source, validator, hsdsFields(), readDataPackage());
  const rows: (typeof directoryTranslation.$inferInsert)[] = [];
  for (const [table, records] of flat.tables) {
    const fields = TRANSLATABLE_FIELDS[table];
    if (!fields) continue;
    const found = await existingIds(db, table, [...records.keys()]);
    for (const record of records.values()) {
      if (!found.has(record.id)) {
        const at = sourceOf(flat, table, record.id);
        problems.push({
          file: at?.file ?? source,
          row: at?.row ?? null,
          field: `${table}.id`,
          message: `${record.id} is not in the directory: import the original first`,
        });
        continue;
      }
      for (const field of fields) {
        const value = record[field];
        if (typeof value !== 'string' || value === '') continue;
        rows.push({
          tableName: table,
          recordId: record.id,
          field,
          lang: options.lang,
          value,
          origin: options.origin,
          reviewed: options.origin === 'human',
        });
      }
    }
  }
  if (problems.length > 0) throw new ImportRejected(problems);
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insert(directoryTranslation)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({
          target: [
            directoryTranslation.tableName,
            directoryTranslation.recordId,
            directoryTranslation.field,
            directoryTranslation.lang,
          ],
          set: {
            value: sql`excluded.value`,
            origin: sql`excluded.origin`,
            reviewed: sql`excluded.reviewed`,
            updatedAt: sql`now()`,
          },
        });
    }
    await reindexServices(tx, [...(flat.tables.get('service')?.keys() ?? [])]);
  });
  return { translations: rows.length };
}

/**
 * The records an imported service or location owns (HSDS 3.0 nests them inside it): re-importing the parent
 * replaces them. A service's organization is not owned by it, nor an organization's other services.
 */
const CONTAINMENT = [
  ...[
    'phone',
    'schedule',
    'service_area',
    'service_at_location',
    'language',
    'funding',
    'cost_option',
    'required_document',
    'contact',
  ].map((table) => ({ table, column: 'service_id', references: 'service' })),
  ...['address', 'phone', 'schedule', 'language', 'accessibility', 'contact'].map((table) => ({
    table,
    column: 'location_id',
    references: 'location',
  })),
  ...['service', 'location', 'organization'].flatMap((parent) => [
    { table: 'attribute', column: 'link_id', references: parent },
    { table: 'metadata', column: 'resource_id', references: parent },
  ]),
];

/**
 * `arrival export-hsds <dir>`: an HSDS tabular data package (datapackage.json + one CSV per table with rows)
 * and services.json, an array of full services. Refuses a directory that is not empty.
 */
export async function exportHsds(db: Db, dir: string): Promise<Record<string, number>> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty; export into a new or empty directory.`);
  }
  mkdirSync(dir, { recursive: true });
  const pkg = readDataPackage();
  const counts: Record<string, number> = {};
  const resources: DataPackage['resources'] = [];
  for (const resource of pkg.resources) {
    if (!HSDS_TABLE_NAMES.includes(resource.name as (typeof HSDS_TABLE_NAMES)[number])) continue;
    const rows = await allRows(db, resource.name);
    if (rows.length === 0) continue;
    const header = resource.schema.fields.map((f) => f.name);
    const csv = stringify(
      rows.map((row) => header.map((f) => (row[f] === undefined ? '' : String(row[f])))),
      { header: true, columns: header },
    );
    writeFileSync(path.join(dir, resource.path), csv);
    resources.push(resource);
    counts[resource.name] = rows.length;
  }
  writeFileSync(path.join(dir, 'datapackage.json'), `${JSON.stringify({ ...pkg, resources }, null, 2)}\n`);
  const ids = (await allRows(db, 'service')).map((s) => s.id);
  const services: HsdsRow[] = [];
  for (let i = 0; i < ids.length; i += 500)
    services.push(...(await loadFullServices(db, ids.slice(i, i + 500))));
  writeFileSync(path.join(dir, 'services.json'), `${JSON.stringify(services, null, 2)}\n`);
  counts.services_json = services.length;
  return counts;
}
