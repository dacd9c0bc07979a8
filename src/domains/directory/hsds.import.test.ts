import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDir } from '../../../test/temp.ts';
import { queryRows } from '../../db/rows.ts';
import type { TestDatabase } from '../../db/testing.ts';
import { freshDatabase } from '../../db/testing.ts';
import { allRows } from './hsds.rows.ts';
import { exportHsds, hsdsValidator, ImportRejected, importHsds, importHsdsTranslations } from './index.ts';
import { reindexServices } from './search.index.ts';

// The official HSDS 3.0 example (vendor/hsds examples, CC BY-SA 4.0).
const EXAMPLE = path.join(import.meta.dirname, 'testdata/service_full.json');
const tmp = () => testDir('hsds');
const options = { locales: ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'], defaultLocale: 'en' };

function writeJson(value: unknown): string {
  const file = path.join(tmp(), 'services.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;

async function rejection(run: Promise<unknown>): Promise<ImportRejected> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ImportRejected) return error;
    throw error;
  }
  throw new Error('the import was accepted');
}

async function snapshot(db: TestDatabase) {
  return JSON.stringify(
    await Promise.all(['service', 'organization', 'phone', 'location'].map((t) => allRows(db.db, t))),
  );
}

describe('import-hsds and export-hsds', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('imports the official full-service example with everything nested in it', async () => {
    const summary = await importHsds(db.db, EXAMPLE, options);
    expect(summary.services).toBe(1);
    for (const table of [
      'organization',
      'location',
      'address',
      'phone',
      'schedule',
      'attribute',
      'taxonomy_term',
    ]) {
      expect(summary.counts[table], table).toBeGreaterThanOrEqual(1);
    }
    const [service] = await allRows(db.db, 'service');
    expect(service?.name).toBe('Community Counselling');
  });

  it('updates a record when the same id is imported again, and drops children it no longer has', async () => {
    const changed = example();
    const phones = async () => (await allRows(db.db, 'phone')).filter((p) => p.service_id === changed.id);
    // Only the service holds its cost options (its phone is also its places' and organization's).
    const costs = async () =>
      (await allRows(db.db, 'cost_option')).filter((c) => c.service_id === changed.id);
    expect(await costs(), 'the service has a cost option to lose').not.toEqual([]);
    changed.name = 'Community Counselling (renamed)';
    changed.phones = [];
    changed.cost_options = [];
    await importHsds(db.db, writeJson(changed), options);
    const services = await allRows(db.db, 'service');
    expect(services).toHaveLength(1);
    expect(services[0]?.name).toBe('Community Counselling (renamed)');
    expect(await phones()).toEqual([]);
    expect(await costs()).toEqual([]);
    await importHsds(db.db, EXAMPLE, options);
  });

  it('leaves a record re-imported as it is untouched, and still drops the children it no longer has', async () => {
    const id = String(example().id);
    const version = async () =>
      (
        await queryRows<{ v: string }>(db.db, sql`select xmin::text as v from hsds_service where id = ${id}`)
      )[0]?.v;
    const costs = async () => (await allRows(db.db, 'cost_option')).filter((c) => c.service_id === id);
    const before = await version();
    expect(before).toBeDefined();
    await importHsds(db.db, EXAMPLE, options);
    expect(await version()).toBe(before);
    expect(await costs(), 'the service has a cost option to lose').not.toEqual([]);
    await importHsds(db.db, writeJson({ ...example(), cost_options: [] }), options);
    expect(await version()).toBe(before);
    expect(await costs()).toEqual([]);
    await importHsds(db.db, EXAMPLE, options);
  });

  it('keeps who verified a label when the label is imported again (HSDS files do not carry it)', async () => {
    const [label] = await allRows(db.db, 'attribute');
    if (!label) throw new Error('the example has an attribute');
    await db.db.execute(
      sql`update hsds_attribute set verified_by = 'City helpdesk', verified_at = '2026-12-01' where id = ${label.id}`,
    );
    const changed = example();
    changed.name = 'Community Counselling (verified labels kept)';
    await importHsds(db.db, writeJson(changed), options);
    const again = (await allRows(db.db, 'attribute')).find((a) => a.id === label.id);
    expect(again?.value).toBe(label.value);
    const [kept] = await queryRows<{ verified_by: string; verified_at: string }>(
      db.db,
      sql`select verified_by, verified_at::text from hsds_attribute where id = ${label.id}`,
    );
    expect(kept).toEqual({ verified_by: 'City helpdesk', verified_at: '2026-12-01' });
    await importHsds(db.db, EXAMPLE, options);
  });

  it('rejects a whole file with every problem listed, and writes nothing', async () => {
    const before = await snapshot(db);
    const good = { ...example(), id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0001', name: 'Would be new' };
    const badType = { ...example(), id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0002', minimum_age: 'eighteen' };
    const missingName: Record<string, unknown> = { ...example(), id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0003' };
    delete missingName.name;
    const error = await rejection(importHsds(db.db, writeJson([good, badType, missingName]), options));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, field: 'minimum_age', message: expect.stringMatching(/number/) }),
        expect.objectContaining({ row: 3, field: 'name', message: 'is required' }),
      ]),
    );
    expect(await snapshot(db)).toBe(before);
  });

  it('rejects broken references', async () => {
    const broken = {
      ...example(),
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0004',
      organization: undefined,
      organization_id: 'd8f3e9d4-0000-4000-8000-000000000000',
    };
    const error = await rejection(importHsds(db.db, writeJson(broken), options));
    expect(error.problems[0]).toMatchObject({
      field: 'service.organization_id',
      message: expect.stringMatching(/neither in this import/),
    });
  });

  it('rejects files that are not UTF-8, not JSON, or missing', async () => {
    const latin1 = path.join(tmp(), 'latin1.json');
    writeFileSync(latin1, Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
    expect((await rejection(importHsds(db.db, latin1, options))).problems[0]?.message).toMatch(/UTF-8/);
    const notJson = path.join(tmp(), 'x.json');
    writeFileSync(notJson, '{"id": ');
    expect((await rejection(importHsds(db.db, notJson, options))).problems[0]?.message).toMatch(
      /not valid JSON/,
    );
    expect(
      (await rejection(importHsds(db.db, '/nonexistent/file.json', options))).problems[0]?.message,
    ).toMatch(/does not exist/);
  });

  it('reports CSV problems by file, line and field', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'services.csv'),
      'id,name,status,minimum_age\nnot-a-uuid,Food bank,active,ten\n',
    );
    const error = await rejection(importHsds(db.db, dir, options));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: path.join(dir, 'services.csv'), row: 2, field: 'minimum_age' }),
        expect.objectContaining({ row: 2, field: 'id', message: expect.stringMatching(/uuid/) }),
      ]),
    );
  });

  it('reports malformed CSV and changes nothing', async () => {
    const before = await snapshot(db);
    const id = '0f7c54c4-6e44-4d5b-9a55-8d1f4f2c9e01';
    const write = (csv: string) => {
      const dir = tmp();
      writeFileSync(path.join(dir, 'services.csv'), csv);
      return dir;
    };
    const problemsOf = async (csv: string) => {
      const dir = write(csv);
      const { problems } = await rejection(importHsds(db.db, dir, options));
      for (const p of problems) expect(p.file).toBe(path.join(dir, 'services.csv'));
      return problems;
    };
    // A quote opened and never closed.
    expect(await problemsOf(`id,name,status\n${id},"Food bank,active\n`)).toEqual([
      expect.objectContaining({ field: '(file)', message: expect.stringMatching(/not valid CSV/) }),
    ]);
    // A line with more fields than the header, one with fewer.
    expect(await problemsOf(`id,name,status\n${id},Food,bank,active\n${id},Food\n`)).toEqual([
      expect.objectContaining({ row: 2, field: '(record)', message: 'has 4 fields; the header has 3' }),
      expect.objectContaining({ row: 3, field: '(record)', message: 'has 2 fields; the header has 3' }),
    ]);
    // A column HSDS does not have; a column named twice.
    expect(await problemsOf(`id,name,status,colour\n${id},Food bank,active,red\n`)).toEqual([
      expect.objectContaining({ row: 1, field: 'colour', message: 'is not a field of this HSDS table' }),
    ]);
    expect(await problemsOf(`id,name,name,status\n${id},Food,Bank,active\n`)).toEqual([
      expect.objectContaining({ row: 1, field: 'name', message: 'is a column named twice' }),
    ]);
    expect(await snapshot(db)).toBe(before);
  });

  it('exports a tabular package and services.json that validate and import back without loss', async () => {
    const dir = path.join(tmp(), 'export');
    await exportHsds(db.db, dir);
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining(['datapackage.json', 'services.csv', 'services.json']),
    );
    const services = JSON.parse(readFileSync(path.join(dir, 'services.json'), 'utf8')) as unknown[];
    const validator = hsdsValidator();
    for (const service of services) expect(validator.validate('service', service)).toEqual([]);
    await expect(exportHsds(db.db, dir)).rejects.toThrow(/not empty/);

    // services.json alone is self-contained: it imports into an empty directory.
    const alone = await freshDatabase();
    try {
      const summary = await importHsds(alone.db, path.join(dir, 'services.json'), options);
      expect(summary.counts.taxonomy).toBeGreaterThanOrEqual(1);
    } finally {
      await alone.close();
    }

    const copy = await freshDatabase();
    try {
      await importHsds(copy.db, dir, options);
      await importHsds(copy.db, path.join(dir, 'services.json'), options);
      const again = path.join(tmp(), 'again');
      await exportHsds(copy.db, again);
      for (const file of readdirSync(dir)) {
        expect(readFileSync(path.join(again, file), 'utf8'), file).toBe(
          readFileSync(path.join(dir, file), 'utf8'),
        );
      }
    } finally {
      await copy.close();
    }
  });

  it('detects the language of each record when --lang is not given', async () => {
    const arabic = {
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e00a1',
      name: 'مساعدة قانونية مجانية للقادمين الجدد',
      description: 'نقدم استشارات قانونية مجانية حول السكن والعمل. لا نسأل عن وضعك.',
      status: 'active',
    };
    const persian = {
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e00a2',
      name: 'کلاس رایگان زبان برای تازه‌واردان',
      description: 'ما هر هفته کلاس‌های رایگان زبان برگزار می‌کنیم. برای ثبت‌نام به مدرک نیاز ندارید.',
      status: 'active',
    };
    const ukrainian = {
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e00a3',
      name: 'Безкоштовна юридична допомога',
      description: 'Ми допомагаємо з житлом, роботою та документами. Ми не питаємо про ваш статус.',
      status: 'active',
    };
    await importHsds(db.db, writeJson([arabic, persian, ukrainian]), options);
    const rows = await queryRows(
      db.db,
      sql`select id, content_lang from hsds_service where id like 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e00a%' order by id`,
    );
    expect(rows).toEqual([
      { id: arabic.id, content_lang: 'ar' },
      { id: persian.id, content_lang: 'fa' },
      { id: ukrainian.id, content_lang: 'uk' },
    ]);
  });
});

describe('import-hsds --translation', () => {
  it('adds translations to records already in the directory, and the pages and API use them', async () => {
    const t = await (await import('../../../test/app.ts')).buildTestApp();
    try {
      const original = example();
      await importHsds(t.database.db, EXAMPLE, options);
      const spanish = {
        ...original,
        name: 'Asesoramiento comunitario',
        description: 'Servicios de asesoramiento.',
      };
      await importHsdsTranslations(t.database.db, writeJson(spanish), { lang: 'es', origin: 'partner' });
      const api = (await t.app.inject(`/api/hsds/services/${original.id}?lang=es`)).json();
      expect(api.name).toBe('Asesoramiento comunitario');
      const english = (await t.app.inject(`/api/hsds/services/${original.id}`)).json();
      expect(english.name).toBe('Community Counselling');
      const page = await t.app.inject(`/es/services/${original.id}`);
      expect(page.body).toContain('lang="es" dir="ltr">Asesoramiento comunitario');
      const found = await t.app.inject('/api/hsds/services?search=asesoramiento');
      expect(found.json().contents.map((s: { id: string }) => s.id)).toContain(original.id);
      const unknown = { ...original, id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0999' };
      const error = await rejection(
        importHsdsTranslations(t.database.db, writeJson(unknown), { lang: 'es', origin: 'partner' }),
      );
      expect(error.problems[0]?.message).toMatch(/not in the directory/);
    } finally {
      await t.close();
    }
  });
});

describe('import-hsds and search', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('indexes the services it writes for search as it would index them from the directory', async () => {
    // A service whose organization is in the file, and one whose organization is only in the directory.
    const withOrganization = { ...example(), id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0010', name: 'Café Ñandú' };
    const { organization, ...rest } = example();
    const withoutOrganization = {
      ...rest,
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0011',
      name: 'مركز المساعدة القانونية',
      organization_id: (organization as { id: string }).id,
    };
    await importHsds(db.db, EXAMPLE, options);
    await importHsds(db.db, writeJson([withOrganization, withoutOrganization]), options);
    const ids = [withOrganization.id, withoutOrganization.id];
    const documents = () =>
      queryRows(
        db.db,
        sql`select service_id, lang, is_original, name_norm, document::text from directory_search_doc
             where service_id = any(${sql.param(ids)}::text[]) order by service_id, lang`,
      );
    const imported = await documents();
    expect(imported.map((d) => d.service_id)).toEqual(ids);
    // The organization's name is searched too.
    for (const d of imported) expect(String(d.document)).toMatch(/'exampl'.*'organ'/);
    await db.db.transaction((tx) => reindexServices(tx, ids));
    expect(await documents()).toEqual(imported);
  });

  it('leaves the search documents of services re-imported unchanged as they are, and remakes the others', async () => {
    const first = {
      ...example(),
      id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0020',
      name: 'Bicycle repair workshop',
    };
    const second = { ...example(), id: 'd8f3e9d4-5b0e-4bb4-8d1b-9a2f1c1e0021', name: 'Sewing circle' };
    const ids = [first.id, second.id];
    const state = async () =>
      Object.fromEntries(
        (
          await queryRows<{ id: string; gen: string; docs: string }>(
            db.db,
            sql`select s.service_id as id, s.gen::text as gen,
                       string_agg(d.lang || d.doc_no || d.name_norm || d.source_hash, ',' order by d.lang) as docs
                  from directory_search_service s join directory_search_doc d on d.service_id = s.service_id
                 where s.service_id = any(${sql.param(ids)}::text[]) group by 1, 2`,
          )
        ).map((r) => [r.id, r]),
      );
    await importHsds(db.db, writeJson([first, second]), options);
    const imported = await state();
    expect(Object.keys(imported).sort()).toEqual(ids);
    await importHsds(db.db, writeJson([first, second]), options);
    expect(await state()).toEqual(imported);

    await importHsds(db.db, writeJson([{ ...first, name: 'Bicycle repair café' }, second]), options);
    const edited = await state();
    expect(edited[second.id]).toEqual(imported[second.id]);
    expect(Number(edited[first.id]?.gen)).toBeGreaterThan(Number(imported[first.id]?.gen));
    expect(edited[first.id]?.docs).toMatch(/bicycle repair cafe/);

    // Documents made before their sources were kept are made again.
    await db.db.execute(
      sql`update directory_search_doc set source_hash = null where service_id = ${second.id}`,
    );
    await db.db.transaction((tx) => reindexServices(tx, ids));
    const remade = await state();
    expect(remade[first.id]).toEqual(edited[first.id]);
    expect(remade[second.id]?.docs).toBe(imported[second.id]?.docs);
    expect(Number(remade[second.id]?.gen)).toBeGreaterThan(Number(imported[second.id]?.gen));
  });
});
