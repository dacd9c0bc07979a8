import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The official HSDS 3.0 JSON schemas, vendored under vendor/hsds (CC BY-SA 4.0, Open Referral). Imports are
 * validated against them, and tests validate the API's responses and the exports against them.
 */
export const HSDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../vendor/hsds');
export const HSDS_VERSION = '3.0';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema & { $ref?: string; items?: JsonSchema & { $ref?: string } }>;
  required?: string[];
  $ref?: string;
  items?: JsonSchema & { $ref?: string };
  format?: string;
}

/** The table schemas by HSDS table name (service, phone, …). */
export function readHsdsSchemas(dir: string = HSDS_DIR): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const file of readdirSync(path.join(dir, 'schema'))) {
    if (!file.endsWith('.json')) continue;
    schemas.set(
      file.slice(0, -5),
      JSON.parse(readFileSync(path.join(dir, 'schema', file), 'utf8')) as JsonSchema,
    );
  }
  return schemas;
}

export interface HsdsValidator {
  schemas: Map<string, JsonSchema>;
  /** Validates one object against an HSDS table schema (nested objects included); returns its problems. */
  validate(table: string, value: unknown): ErrorObject[];
  /** A compiled schema from vendor/hsds/schema/compiled (e.g. `service_list`). */
  compiled(name: string): ValidateFunction;
}

export function createHsdsValidator(dir: string = HSDS_DIR): HsdsValidator {
  // The HSDS schemas carry non-standard keywords (name, constraints, datapackage_metadata…): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  const schemas = readHsdsSchemas(dir);
  for (const [name, schema] of schemas) ajv.addSchema(schema as object, `${name}.json`);
  const validators = new Map<string, ValidateFunction>();
  return {
    schemas,
    validate(table, value) {
      let validate = validators.get(table);
      if (!validate) {
        const found = ajv.getSchema(`${table}.json`);
        if (!found) throw new Error(`No HSDS schema for ${table}`);
        validate = found;
        validators.set(table, validate);
      }
      return validate(value) ? [] : [...(validate.errors ?? [])];
    },
    compiled(name) {
      const key = `compiled/${name}`;
      const existing = ajv.getSchema(key);
      if (existing) return existing;
      // The large compiled schemas are vendored gzipped (vendor/hsds/SOURCES.md).
      const file = path.join(dir, 'schema', 'compiled', `${name}.json`);
      const text = existsSync(file)
        ? readFileSync(file, 'utf8')
        : gunzipSync(readFileSync(`${file}.gz`)).toString('utf8');
      const schema = JSON.parse(text);
      delete schema.$id;
      ajv.addSchema(schema, key);
      const compiled = ajv.getSchema(key);
      if (!compiled) throw new Error(`Could not compile ${name}`);
      return compiled;
    },
  };
}

/** A readable line for one schema error: the field and what is wrong with it. */
export function describeSchemaError(error: ErrorObject): { field: string; message: string } {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const field = `${error.instancePath}${missing}`.replace(/^\//, '').replaceAll('/', '.') || '(record)';
  return { field, message: error.keyword === 'required' ? 'is required' : (error.message ?? 'is not valid') };
}
