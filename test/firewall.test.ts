import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/rows.ts';
import { exportHsds, loadDemoCityIfEmpty } from '../src/domains/directory/index.ts';
import { PERSONAL_FIELDS } from '../src/domains/people/index.ts';
import { loadCatalogues } from '../src/i18n/index.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { forbidden, isExempt } from './forbidden-names.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from './staff.ts';
import { testDir } from './temp.ts';

/**
 * The firewall of DESIGN.md, rules 1, 2 and 7, checked on the migrated schema, the OpenAPI document, the exports
 * and the audit log. Rules 3 and 4 end to end (a real server, its data directory, logs and exports) are in
 * `firewall-process.test.ts`; rule 5 in `src/domains/people/people.test.ts`, rule 6 in
 * `authorization-matrix.test.ts`, retention (rule 4) in `src/domains/people/retention.test.ts`.
 */

describe('the forbidden-name check itself', () => {
  it('catches status and document names however they are written, and leaves ordinary words alone', () => {
    expect(
      forbidden([
        'immigrationStatus',
        'visa_type',
        'asylum-seeker',
        'passportNumber',
        'documentNumber',
        'id_number',
        'nationality',
        'citizenship',
        'countryOfBirth',
        'entryDate',
        'dateOfEntry',
        'manner_of_entry',
        'undocumented',
        'irregularStay',
        'deportationRisk',
        'residencePermit',
        'workPermit',
        'refugee_status',
        'legalStatus',
      ]),
    ).toHaveLength(19);
    expect(
      forbidden([
        'provisional',
        'advisable',
        'displayName',
        'languages',
        'interpreterNeeded',
        'need',
        'status',
        'legal',
        'document',
        'entries',
        'citation',
        'arrival',
      ]),
    ).toEqual([]);
  });
});

/** OpenAPI/JSON Schema keywords that nest schemas without naming what they describe. */
const STRUCTURAL = new Set(['properties', 'items', 'allOf', 'anyOf', 'oneOf', 'not', 'schema', 'content']);

/**
 * Every property name (qualified by the schema or property that holds it: `Person.displayName`), parameter name
 * and enum value in an OpenAPI document.
 */
function openApiNames(node: unknown, into = new Set<string>(), owner = ''): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) openApiNames(item, into, owner);
    return into;
  }
  if (node === null || typeof node !== 'object') return into;
  const object = node as Record<string, unknown>;
  if (object.properties && typeof object.properties === 'object')
    for (const key of Object.keys(object.properties)) into.add(owner ? `${owner}.${key}` : key);
  if (typeof object.in === 'string' && typeof object.name === 'string') into.add(object.name);
  if (Array.isArray(object.enum)) for (const value of object.enum) into.add(String(value));
  if ('const' in object && typeof object.const === 'string') into.add(object.const);
  for (const [key, value] of Object.entries(object))
    openApiNames(value, into, STRUCTURAL.has(key) || key.includes('/') || /^\d+$/.test(key) ? owner : key);
  return into;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every key of a JSON value, at any depth, qualified by the key that holds it (`organization.name`). */
function jsonKeys(node: unknown, into = new Set<string>(), owner = ''): Set<string> {
  if (Array.isArray(node)) for (const item of node) jsonKeys(item, into, owner);
  else if (node !== null && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      into.add(owner ? `${owner}.${key}` : key);
      jsonKeys(value, into, key);
    }
  return into;
}

/** The `name` of every field of every resource's schema in a data package. */
function fieldNames(datapackage: unknown): string[] {
  type Resource = { name?: unknown; schema?: { fields?: { name?: unknown }[] } };
  const resources = (datapackage as { resources?: Resource[] }).resources;
  return (resources ?? []).flatMap((r) =>
    (r.schema?.fields ?? []).map((f) => `${String(r.name)}.${String(f.name)}`),
  );
}

describe('firewall rule 1: no immigration status, anywhere', () => {
  let t: TestApp;
  let auditor: StaffSession;
  beforeAll(async () => {
    t = await buildTestApp();
    auditor = await logInAs(
      t,
      await createStaff(t, { email: 'audit@firewall.example', role: 'auditor', organisation: 'City' }),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has no such table or column in the database', async () => {
    const columns = await queryRows<{ table_name: string; column_name: string }>(
      t.database.db,
      sql`select table_name, column_name from information_schema.columns
          where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(columns.length).toBeGreaterThan(100);
    const names = columns.flatMap((c) => [c.table_name, `${c.table_name}.${c.column_name}`]);
    expect(forbidden(names, isExempt)).toEqual([]);
  });

  it('has no such property, parameter or value in the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const names = openApiNames(res.json());
    // The document does describe people: the check below would see a status field if there were one.
    expect(names).toContain('PersonCreate.displayName');
    expect(forbidden(names, isExempt)).toEqual([]);
  });

  it('has no such column in the HSDS export, and no such header in the audit CSV export', async () => {
    await loadDemoCityIfEmpty(t.database.db, loadCatalogues(t.config.defaultLocale));
    const dir = path.join(testDir('firewall'), 'export');
    await exportHsds(t.database.db, dir);
    const names = new Set<string>();
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file, 'utf8');
      if (file.endsWith('.csv')) {
        const table = path.basename(file, '.csv');
        for (const header of (text.split(/\r?\n/)[0] ?? '').split(','))
          names.add(`${table}.${header.replace(/"/g, '')}`);
      } else if (file.endsWith('.json')) {
        const json: unknown = JSON.parse(text);
        jsonKeys(json, names);
        // datapackage.json names each column as a field's `name` (Frictionless Table Schema).
        if (path.basename(file) === 'datapackage.json') for (const name of fieldNames(json)) names.add(name);
      }
    }
    expect(names).toContain('service_at_location.service_id');
    // HSDS organization: exempt (forbidden-names.ts), and proof that the scan sees the columns.
    expect(names).toContain('organization.legal_status');
    expect(forbidden(names, isExempt)).toEqual([]);

    const csv = await t.app.inject({ url: '/api/v1/audit/export.csv', headers: auditor.headers() });
    expect(csv.statusCode).toBe(200);
    const header = (csv.body.split(/\r?\n/)[0] ?? '').split(',');
    expect(header).toContain('action');
    expect(forbidden(header)).toEqual([]);
  });
});

/** Every table that holds something about a person (rule 2). */
const PEOPLE_TABLES = [
  'people',
  'person_needs',
  'person_notes',
  'person_visits',
  'consents',
  'referrals',
  'referral_events',
  'erasure_requests',
  'deletion_records',
] as const;

/**
 * Columns of those tables that are not something a person told us: random ids, links to organisations and
 * staff, states, bookkeeping times. Everything else must be declared in a field of `fields.ts` (`stored`), with
 * its purpose, retention and audiences. Add here only what says nothing about the person.
 */
const NOT_PERSONAL: Record<(typeof PEOPLE_TABLES)[number], readonly string[]> = {
  people: [
    'id', // random
    'organisation_id', // the recording organisation
    'wrapped_key', // the person's data key, sealed under the deployment key: key material, no content
    'created_by', // the member of staff
    'created_at',
    'updated_at',
    'last_contact_at', // retention counts from it (fields.ts `last_contact`)
  ],
  person_needs: ['id', 'person_id', 'progress', 'created_at', 'updated_at'], // the need itself is declared
  person_notes: ['id', 'person_id', 'organisation_id', 'kind', 'author_user_id', 'created_at', 'done_at'],
  person_visits: ['id', 'person_id', 'organisation_id', 'recorded_by'], // where and when are declared
  consents: [
    'id',
    'person_id',
    'organisation_id',
    'recipient_organisation_id',
    'purpose', // one of three fixed purposes
    'fields', // names of registry fields, never their values
    'expires_at',
    'attested_by',
    'attested',
    'created_at',
    'revoked_at',
    'revoked_via', // 'person' | 'staff'
  ],
  referrals: [
    'id',
    'person_id',
    'need_id',
    'service_id', // a public directory service
    'sender_organisation_id',
    'receiver_organisation_id',
    'consent_id',
    'pseudonymous',
    'state',
    'identity_disclosed_at',
    'created_by',
    'created_at',
    'updated_at',
    'sent_at',
    'received_at',
    'escalated_at',
    'closed_at',
  ],
  referral_events: [
    'id',
    'referral_id',
    'at',
    'actor_user_id',
    'actor_organisation_id',
    'from_state',
    'to_state',
  ],
  erasure_requests: ['id', 'person_id', 'requested_at', 'due_at'],
  // What is left after an erasure: that it happened, why, and row counts (people.schema.ts).
  deletion_records: ['id', 'person_id', 'organisation_id', 'reason', 'rows', 'at'],
};

describe('firewall rule 2: every personal column is declared in the field registry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const declared = new Set<string>(Object.values(PERSONAL_FIELDS).flatMap((f) => [...f.stored]));

  it('finds each column of the people tables either in fields.ts or in the reviewed list of non-personal ones', async () => {
    const columns = await queryRows<{ table_name: string; column_name: string }>(
      t.database.db,
      sql`select table_name, column_name from information_schema.columns
          where table_schema = 'public' and table_name in ${sql.raw(`(${PEOPLE_TABLES.map((n) => `'${n}'`).join(', ')})`)}`,
    );
    const tables = new Set(columns.map((c) => c.table_name));
    expect([...tables].sort()).toEqual([...PEOPLE_TABLES].sort());
    const undeclared = columns
      .map((c) => `${c.table_name}.${c.column_name}`)
      .filter((name) => {
        const [table = '', column = ''] = name.split('.');
        return !declared.has(name) && !NOT_PERSONAL[table as keyof typeof NOT_PERSONAL]?.includes(column);
      });
    expect(undeclared, 'declare these in src/domains/people/fields.ts (or, if not personal, above)').toEqual(
      [],
    );
    // Neither list may name a column that no longer exists (both would then hide a mistake).
    const existing = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    expect([...declared].filter((name) => !existing.has(name))).toEqual([]);
    const listed = Object.entries(NOT_PERSONAL).flatMap(([table, cols]) => cols.map((c) => `${table}.${c}`));
    expect(listed.filter((name) => !existing.has(name))).toEqual([]);
    expect(listed.filter((name) => declared.has(name))).toEqual([]);
  });

  it('gives every declared field a purpose, a retention period and someone who may see it', () => {
    for (const [name, field] of Object.entries(PERSONAL_FIELDS)) {
      expect(field.retentionDays, name).toBeGreaterThan(0);
      expect(field.audiences.length, name).toBeGreaterThan(0);
      expect(field.stored.length, name).toBeGreaterThan(0);
    }
  });
});

describe('firewall rule 7: every read and write of personal data is audited in the same transaction', () => {
  let t: TestApp;
  let desk: TestStaff;
  let other: TestStaff;
  let session: StaffSession;
  const SECRET = 'Audit Plaintext Xyzzy';

  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 1000 });
    desk = await createStaff(t, { email: 'desk@audit7.example', role: 'caseworker', organisation: 'Desk' });
    other = await createStaff(t, { email: 'ngo@audit7.example', role: 'caseworker', organisation: 'NGO' });
    session = await logInAs(t, desk);
  });
  afterAll(async () => {
    await t?.close();
  });

  type AuditRow = {
    seq: string;
    action: string;
    actor_user_id: string | null;
    object_type: string | null;
    object_id: string | null;
  };
  const auditCount = async () =>
    Number(
      (await queryRows<{ n: string }>(t.database.db, sql`select count(*) as n from audit_log`))[0]?.n ?? 0,
    );
  const auditAfter = (count: number) =>
    queryRows<AuditRow & Record<string, unknown>>(
      t.database.db,
      sql`select * from audit_log order by seq offset ${count}`,
    );
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, staff = true) =>
    t.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      ...(staff ? { headers: session.headers(method !== 'GET') } : {}),
    });

  /** Runs an action and expects exactly one new audit row, as described, without personal plaintext. */
  async function expectAudited(
    run: () => Promise<{ statusCode: number; body: string }>,
    expected: { action: string; actor: string | null; objectType: string; objectId?: string },
  ) {
    const before = await auditCount();
    const res = await run();
    expect(res.statusCode, res.body).toBeLessThan(300);
    const rows = await auditAfter(before);
    expect(rows.map((r) => r.action)).toEqual([expected.action]);
    const [row] = rows;
    expect(row?.actor_user_id ?? null).toBe(expected.actor);
    expect(row?.object_type).toBe(expected.objectType);
    if (expected.objectId) expect(row?.object_id).toBe(expected.objectId);
    else expect(row?.object_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(row)).not.toMatch(/Xyzzy|600 55|xyzzy@example/i);
    return res;
  }

  it('writes exactly one audit row per action, naming actor, action and object and nothing personal', async () => {
    const created = await expectAudited(
      () =>
        call('POST', '/api/v1/people', {
          displayName: SECRET,
          phone: '+34 600 55 44 33',
          email: 'xyzzy@example.org',
        }),
      { action: 'person.created', actor: desk.userId, objectType: 'person' },
    );
    const { id, code } = JSON.parse(created.body) as { id: string; code: string };
    await expectAudited(() => call('GET', `/api/v1/people/${id}`), {
      action: 'person.read',
      actor: desk.userId,
      objectType: 'person',
      objectId: id,
    });
    await expectAudited(() => call('PATCH', `/api/v1/people/${id}`, { displayName: `${SECRET} Jr` }), {
      action: 'person.updated',
      actor: desk.userId,
      objectType: 'person',
      objectId: id,
    });
    await expectAudited(() => call('POST', `/api/v1/people/${id}/notes`, { body: `About ${SECRET}` }), {
      action: 'person.note_added',
      actor: desk.userId,
      objectType: 'person',
      objectId: id,
    });
    const consent = await expectAudited(
      () =>
        call('POST', `/api/v1/people/${id}/consents`, {
          recipientOrganisationId: other.organisationId,
          fields: ['displayName'],
          purpose: 'referral',
          expiresAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
        }),
      { action: 'consent.created', actor: desk.userId, objectType: 'consent' },
    );
    const { id: consentId, receiptCode } = JSON.parse(consent.body) as { id: string; receiptCode: string };
    await expectAudited(() => call('POST', '/api/v1/my-data', { code }, false), {
      action: 'my_data.viewed',
      actor: null,
      objectType: 'person',
      objectId: id,
    });
    await expectAudited(() => call('POST', '/api/v1/my-data/revoke', { receiptCode }, false), {
      action: 'consent.revoked',
      actor: null,
      objectType: 'consent',
      objectId: consentId,
    });
    const second = JSON.parse(
      (
        await call('POST', `/api/v1/people/${id}/consents`, {
          recipientOrganisationId: other.organisationId,
          fields: ['needs'],
          purpose: 'follow_up',
          expiresAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
        })
      ).body,
    ) as { id: string };
    await expectAudited(() => call('POST', `/api/v1/consents/${second.id}/revoke`, {}), {
      action: 'consent.revoked',
      actor: desk.userId,
      objectType: 'consent',
      objectId: second.id,
    });
    await expectAudited(() => call('DELETE', `/api/v1/people/${id}`), {
      action: 'person.erased',
      actor: desk.userId,
      objectType: 'person',
      objectId: id,
    });
  });

  /** Makes every insert of `action` into the audit log fail, for the length of `run`. */
  async function withAuditFailing(action: string, run: () => Promise<void>) {
    const db = t.database.db;
    await db.execute(
      sql.raw(`create or replace function firewall_test_refuse() returns trigger language plpgsql as $$
        begin raise exception 'audit refused by the test'; end $$`),
    );
    await db.execute(
      sql.raw(`create trigger firewall_test_refuse before insert on audit_log for each row
        when (new.action = '${action.replace(/'/g, '')}') execute function firewall_test_refuse()`),
    );
    try {
      await run();
    } finally {
      await db.execute(sql.raw('drop trigger firewall_test_refuse on audit_log'));
    }
  }
  const count = async (query: ReturnType<typeof sql>) =>
    Number((await queryRows<{ n: string }>(t.database.db, query))[0]?.n ?? 0);

  it('rolls the change back when its audit row cannot be written', async () => {
    const people = () => count(sql`select count(*) as n from people`);
    const before = await people();
    await withAuditFailing('person.created', async () => {
      const res = await call('POST', '/api/v1/people', { displayName: SECRET });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Xyzzy');
    });
    expect(await people()).toBe(before);

    const { id } = (await call('POST', '/api/v1/people', { displayName: SECRET })).json() as { id: string };
    await withAuditFailing('person.read', async () => {
      const res = await call('GET', `/api/v1/people/${id}`);
      // No audit row, no data.
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Xyzzy');
    });
    await withAuditFailing('person.updated', async () => {
      expect((await call('PATCH', `/api/v1/people/${id}`, { displayName: 'Changed' })).statusCode).toBe(500);
    });
    expect((await call('GET', `/api/v1/people/${id}`)).json().displayName).toBe(SECRET);
    await withAuditFailing('person.note_added', async () => {
      expect((await call('POST', `/api/v1/people/${id}/notes`, { body: 'lost' })).statusCode).toBe(500);
    });
    expect(await count(sql`select count(*) as n from person_notes where person_id = ${id}`)).toBe(0);
    const consentBody = {
      recipientOrganisationId: other.organisationId,
      fields: ['displayName'],
      purpose: 'referral',
      expiresAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
    };
    await withAuditFailing('consent.created', async () => {
      expect((await call('POST', `/api/v1/people/${id}/consents`, consentBody)).statusCode).toBe(500);
    });
    expect(await count(sql`select count(*) as n from consents where person_id = ${id}`)).toBe(0);
    const consent = (await call('POST', `/api/v1/people/${id}/consents`, consentBody)).json() as {
      id: string;
    };
    await withAuditFailing('consent.revoked', async () => {
      expect((await call('POST', `/api/v1/consents/${consent.id}/revoke`, {})).statusCode).toBe(500);
    });
    expect(
      await count(sql`select count(*) as n from consents where id = ${consent.id} and revoked_at is null`),
    ).toBe(1);
    await withAuditFailing('person.erased', async () => {
      expect((await call('DELETE', `/api/v1/people/${id}`)).statusCode).toBe(500);
    });
    expect(await count(sql`select count(*) as n from people where id = ${id}`)).toBe(1);
    expect(await count(sql`select count(*) as n from deletion_records where person_id = ${id}`)).toBe(0);
    expect(t.logs()).not.toContain('Xyzzy');
  });
});
