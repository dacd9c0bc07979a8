import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import {
  addRow,
  emptyFlatRows,
  type FlatRows,
  flattenRecord,
  type HsdsRow,
  type RowSource,
} from './hsds.flatten.ts';
import { describeSchemaError, type HsdsValidator } from './hsds.schemas.ts';

/** One problem found in an import, precise enough to fix the file: file, row, field, message. */
export interface ImportProblem {
  file: string;
  row: number | null;
  field: string;
  message: string;
}

export class ImportRejected extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(`The import was rejected: ${problems.length} problem(s); nothing was written.`);
    this.name = 'ImportRejected';
  }
}

/** Files above this are refused before they are read (they would be held in memory whole). */
export const MAX_IMPORT_FILE_BYTES = 128 * 1024 * 1024;

/** The tables whose text has a language (Arrival's `content_lang`). */
export const TEXT_TABLES = new Set([
  'organization',
  'program',
  'service',
  'location',
  'taxonomy',
  'taxonomy_term',
]);

/** The HSDS tabular data package (vendor/hsds/datapackage.json), as far as Arrival reads it. */
export interface DataPackage {
  resources: {
    name: string;
    path: string;
    schema: {
      fields: { name: string; type: string }[];
      foreignKeys?: {
        fields: string | string[];
        reference: { resource: string; fields: string | string[] };
      }[];
    };
  }[];
}

export interface ParsedImport {
  flat: FlatRows;
  problems: ImportProblem[];
}

function readText(file: string, problems: ImportProblem[]): string | undefined {
  const size = statSync(file).size;
  if (size > MAX_IMPORT_FILE_BYTES) {
    problems.push({
      file,
      row: null,
      field: '(file)',
      message: `is ${Math.round(size / 1048576)} MB; files up to ${MAX_IMPORT_FILE_BYTES / 1048576} MB are accepted`,
    });
    return undefined;
  }
  try {
    // Fatal: a file that is not UTF-8 is refused rather than read as mojibake.
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file)).replace(/^\uFEFF/, '');
  } catch {
    problems.push({ file, row: null, field: '(file)', message: 'is not valid UTF-8 text' });
    return undefined;
  }
}

function pushSchemaProblems(
  validator: HsdsValidator,
  table: string,
  value: unknown,
  source: RowSource,
  problems: ImportProblem[],
): boolean {
  const errors = validator.validate(table, value);
  for (const error of errors) {
    const { field, message } = describeSchemaError(error);
    problems.push({ file: source.file, row: source.row, field, message });
  }
  return errors.length === 0;
}

/** HSDS JSON: one service, an array of services, or an API page `{ contents: [...] }`. */
function parseJsonFile(
  file: string,
  validator: HsdsValidator,
  columns: Map<string, Set<string>>,
): ParsedImport {
  const problems: ImportProblem[] = [];
  const flat = emptyFlatRows();
  const text = readText(file, problems);
  if (text === undefined) return { flat, problems };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    problems.push({
      file,
      row: null,
      field: '(file)',
      message: `is not valid JSON (${(error as Error).message})`,
    });
    return { flat, problems };
  }
  const records = Array.isArray(data)
    ? data
    : data && typeof data === 'object' && Array.isArray((data as { contents?: unknown }).contents)
      ? (data as { contents: unknown[] }).contents
      : [data];
  records.forEach((record, index) => {
    const source = { file, row: index + 1 };
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      problems.push({ ...source, field: '(record)', message: 'is not an HSDS service object' });
      return;
    }
    if (pushSchemaProblems(validator, 'service', record, source, problems)) {
      flattenRecord(validator.schemas, columns, 'service', record as Record<string, unknown>, source, flat);
    }
  });
  return { flat, problems };
}

/** HSDS tabular: a directory with `datapackage.json` and one CSV per table. */
function parseTabular(dir: string, validator: HsdsValidator, pkg: DataPackage): ParsedImport {
  const problems: ImportProblem[] = [];
  const flat = emptyFlatRows();
  for (const resource of pkg.resources) {
    const file = path.join(dir, resource.path);
    if (!existsSync(file)) continue;
    const text = readText(file, problems);
    if (text === undefined) continue;
    // Comma-separated, quoted with '"' (RFC 4180, as HSDS tabular is); lines split by \n or \r\n.
    const parsed = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true });
    if (parsed.errors.length > 0) {
      for (const error of parsed.errors) {
        problems.push({
          file,
          row: error.row === undefined ? null : error.row + 1,
          field: '(file)',
          message: `is not valid CSV (${error.message})`,
        });
      }
      continue;
    }
    const [header = [], ...lines] = parsed.data;
    const repeated = header.filter((name, i) => header.indexOf(name) !== i);
    if (repeated.length > 0) {
      problems.push({ file, row: 1, field: repeated.join(', '), message: 'is a column named twice' });
      continue;
    }
    const types = new Map(resource.schema.fields.map((f) => [f.name, f.type]));
    for (const name of header) {
      if (!types.has(name))
        problems.push({ file, row: 1, field: name, message: 'is not a field of this HSDS table' });
    }
    lines.forEach((line, index) => {
      const source = { file, row: index + 2 }; // line 1 is the header
      if (line.length !== header.length) {
        problems.push({
          ...source,
          field: '(record)',
          message: `has ${line.length} fields; the header has ${header.length}`,
        });
        return;
      }
      const row: Record<string, unknown> = {};
      header.forEach((key, i) => {
        const raw = line[i] ?? '';
        if (raw === '' || !types.has(key)) return;
        if (types.get(key) === 'number') {
          const n = Number(raw);
          if (Number.isFinite(n)) row[key] = n;
          else problems.push({ ...source, field: key, message: 'must be a number' });
        } else {
          row[key] = raw;
        }
      });
      if (pushSchemaProblems(validator, resource.name, row, source, problems)) {
        addRow(flat, resource.name, row as HsdsRow, source);
      }
    });
  }
  return { flat, problems };
}

/** Reads an HSDS source (a JSON file or a tabular package directory), validating every record. */
export function parseHsdsSource(
  source: string,
  validator: HsdsValidator,
  columns: Map<string, Set<string>>,
  pkg: DataPackage,
): ParsedImport {
  if (!existsSync(source)) {
    return {
      flat: emptyFlatRows(),
      problems: [{ file: source, row: null, field: '(file)', message: 'does not exist' }],
    };
  }
  if (statSync(source).isDirectory()) {
    if (existsSync(path.join(source, 'datapackage.json'))) return parseTabular(source, validator, pkg);
    const csvs = readdirSync(source).filter((f) => f.endsWith('.csv'));
    if (csvs.length > 0) return parseTabular(source, validator, pkg);
    return {
      flat: emptyFlatRows(),
      problems: [
        { file: source, row: null, field: '(file)', message: 'has no datapackage.json and no CSV files' },
      ],
    };
  }
  return parseJsonFile(source, validator, columns);
}

/** Every foreign key of the HSDS tables: (table, column) → referenced table. */
export function foreignKeys(pkg: DataPackage): { table: string; column: string; references: string }[] {
  return pkg.resources.flatMap((r) =>
    (r.schema.foreignKeys ?? []).map((fk) => ({
      table: r.name,
      column: [fk.fields].flat()[0] ?? '',
      references: fk.reference.resource,
    })),
  );
}
