import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import type { Catalogues } from '../../i18n/index.ts';
import { ACCESS_LABELS, ACCESS_TAXONOMY, CATEGORY_TAXONOMY } from './directory.repo.ts';
import { directoryTranslation, hsdsService, type TranslationOrigin } from './directory.schema.ts';
import { addRow, emptyFlatRows, type FlatRows, type HsdsRow } from './hsds.flatten.ts';
import { upsertRows } from './hsds.rows.ts';
import { reindexServices } from './search.index.ts';

/** The taxonomy whose terms are the welcome kit's sections; a service is in a section by an attribute. */
export const KIT_TAXONOMY = 'arrival-kit';
export const KIT_SECTIONS = [
  'first-days',
  'health',
  'legal-help',
  'housing',
  'language-classes',
  'work-rights',
  'children-school',
  'emergencies',
] as const;

const DEMO_DIR = path.join(import.meta.dirname, 'demo');

interface DemoService {
  id: string;
  organization_id: string;
  lang: string;
  name: string;
  description: string;
  eligibility_description?: string;
  application_process?: string;
  url?: string;
  email?: string;
  categories: string[];
  labels: string[];
  languages: string[];
  phones: { number: string; description?: string }[];
  location_ids: string[];
  schedules: { byday: string; opens_at: string; closes_at: string }[];
  required_documents: string[];
  cost: { free: boolean; description?: string };
  verified_by: string;
  verified_at: string;
  kit_sections: string[];
}

interface DemoDirectory {
  city: { name: string; country: string; emergencyNumber: string; latitude: number; longitude: number };
  organizations: {
    id: string;
    name: string;
    description: string;
    website?: string;
    email?: string;
    lang: string;
  }[];
  locations: {
    id: string;
    organization_id: string;
    name: string;
    address: { address_1: string; city: string; postal_code: string; country: string };
    latitude: number;
    longitude: number;
    transportation?: string;
    accessible?: boolean;
  }[];
  services: DemoService[];
}

type Translations = Record<
  'organizations' | 'locations' | 'services',
  Record<string, Record<string, unknown>>
>;

/** A stable UUID (version 4 layout) derived from a name, so the demo has the same ids everywhere. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function readDemo(): { directory: DemoDirectory; translations: Map<string, Translations> } {
  const directory = JSON.parse(readFileSync(path.join(DEMO_DIR, 'directory.json'), 'utf8')) as DemoDirectory;
  const translations = new Map<string, Translations>();
  for (const lang of ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru']) {
    const file = path.join(DEMO_DIR, 'translations', `${lang}.json`);
    translations.set(lang, JSON.parse(readFileSync(file, 'utf8')) as Translations);
  }
  return { directory, translations };
}

interface TranslationRow {
  tableName: string;
  recordId: string;
  field: string;
  lang: string;
  value: string;
  origin: TranslationOrigin;
  reviewed: boolean;
}

/** The taxonomies of Arrival's profile: status-safety labels, categories and kit sections, named per locale. */
function addTaxonomies(
  flat: FlatRows,
  catalogues: Catalogues,
  categories: string[],
  out: TranslationRow[],
  only?: string,
) {
  const source = { file: 'demo', row: 0 };
  const en = catalogues.translator('en');
  const taxonomies: [string, string, readonly string[], (code: string) => string][] = [
    [
      ACCESS_TAXONOMY,
      'Status-safety labels: what a newcomer can count on',
      ACCESS_LABELS,
      (c) => `label.${c}`,
    ],
    [CATEGORY_TAXONOMY, 'Types of help', categories, (c) => `category.${c}`],
    [KIT_TAXONOMY, 'Sections of the welcome kit', KIT_SECTIONS, (c) => `kit.section.${c}.title`],
  ];
  for (const [taxonomy, description, codes, key] of taxonomies) {
    if (only && taxonomy !== only) continue;
    const taxonomyId = stableUuid(`taxonomy:${taxonomy}`);
    addRow(flat, 'taxonomy', { id: taxonomyId, name: taxonomy, description, content_lang: 'en' }, source);
    for (const code of codes) {
      const id = stableUuid(`term:${taxonomy}:${code}`);
      addRow(
        flat,
        'taxonomy_term',
        {
          id,
          code,
          name: en(key(code)),
          description: en(key(code)),
          taxonomy,
          taxonomy_id: taxonomyId,
          content_lang: 'en',
        },
        source,
      );
      for (const catalogue of catalogues.all()) {
        if (catalogue.locale === 'en') continue;
        out.push({
          tableName: 'taxonomy_term',
          recordId: id,
          field: 'name',
          lang: catalogue.locale,
          value: catalogues.translator(catalogue.locale)(key(code)),
          origin: catalogue.reviewed ? 'human' : 'machine',
          reviewed: catalogue.reviewed,
        });
      }
    }
  }
}

function attribute(
  flat: FlatRows,
  serviceId: string,
  taxonomy: string,
  code: string,
  verified?: DemoService,
) {
  const termId = stableUuid(`term:${taxonomy}:${code}`);
  const row: HsdsRow = {
    id: stableUuid(`attribute:${serviceId}:${taxonomy}:${code}`),
    link_id: serviceId,
    link_type: taxonomy,
    link_entity: 'service',
    taxonomy_term_id: termId,
    value: code,
  };
  if (verified) {
    row.verified_by = verified.verified_by;
    row.verified_at = verified.verified_at;
  }
  addRow(flat, 'attribute', row, { file: 'demo', row: 0 });
}

/** Builds the demo city's HSDS rows and translations from src/domains/directory/demo. */
export function buildDemoCity(catalogues: Catalogues): {
  flat: FlatRows;
  translations: TranslationRow[];
  city: DemoDirectory['city'];
} {
  const { directory, translations } = readDemo();
  const flat = emptyFlatRows();
  const out: TranslationRow[] = [];
  const source = { file: 'demo', row: 0 };
  const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
  const categories = [...new Set(directory.services.flatMap((s) => s.categories))].sort();
  addTaxonomies(flat, catalogues, categories, out);

  for (const o of directory.organizations) {
    addRow(
      flat,
      'organization',
      {
        id: o.id,
        name: o.name,
        description: o.description,
        ...(o.website ? { website: o.website } : {}),
        ...(o.email ? { email: o.email } : {}),
        content_lang: o.lang,
      },
      source,
    );
  }
  for (const l of directory.locations) {
    addRow(
      flat,
      'location',
      {
        id: l.id,
        location_type: 'physical',
        organization_id: l.organization_id,
        name: l.name,
        latitude: l.latitude,
        longitude: l.longitude,
        ...(l.transportation ? { transportation: l.transportation } : {}),
        content_lang: 'en',
      },
      source,
    );
    addRow(
      flat,
      'address',
      {
        id: stableUuid(`address:${l.id}`),
        location_id: l.id,
        address_1: l.address.address_1,
        city: l.address.city,
        state_province: l.address.city,
        postal_code: l.address.postal_code,
        country: l.address.country,
        address_type: 'physical',
      },
      source,
    );
    if (l.accessible !== undefined) {
      addRow(
        flat,
        'accessibility',
        {
          id: stableUuid(`accessibility:${l.id}`),
          location_id: l.id,
          description: l.accessible ? 'Step-free access' : 'Not step-free',
        },
        source,
      );
    }
  }
  for (const s of directory.services) {
    addRow(
      flat,
      'service',
      {
        id: s.id,
        organization_id: s.organization_id,
        name: s.name,
        description: s.description,
        ...(s.eligibility_description ? { eligibility_description: s.eligibility_description } : {}),
        ...(s.application_process ? { application_process: s.application_process } : {}),
        ...(s.url ? { url: s.url } : {}),
        ...(s.email ? { email: s.email } : {}),
        status: 'active',
        assured_date: s.verified_at,
        last_modified: `${s.verified_at}T00:00:00Z`,
        ...(s.cost.description ? { fees_description: s.cost.description } : {}),
        content_lang: s.lang,
      },
      source,
    );
    s.phones.forEach((p, i) => {
      addRow(
        flat,
        'phone',
        {
          id: stableUuid(`phone:${s.id}:${i}`),
          service_id: s.id,
          number: p.number,
          ...(p.description ? { description: p.description } : {}),
        },
        source,
      );
    });
    s.schedules.forEach((sc, i) => {
      addRow(
        flat,
        'schedule',
        {
          id: stableUuid(`schedule:${s.id}:${i}`),
          service_id: s.id,
          freq: 'WEEKLY',
          byday: sc.byday,
          opens_at: sc.opens_at,
          closes_at: sc.closes_at,
        },
        source,
      );
    });
    for (const code of s.languages) {
      addRow(
        flat,
        'language',
        {
          id: stableUuid(`language:${s.id}:${code}`),
          service_id: s.id,
          code,
          name: languageNames.of(code) ?? code,
        },
        source,
      );
    }
    s.required_documents.forEach((document, i) => {
      addRow(
        flat,
        'required_document',
        { id: stableUuid(`document:${s.id}:${i}`), service_id: s.id, document },
        source,
      );
    });
    addRow(
      flat,
      'cost_option',
      {
        id: stableUuid(`cost:${s.id}`),
        service_id: s.id,
        option: s.cost.free ? 'Free' : 'Paid',
        ...(s.cost.free ? { amount: 0 } : {}),
        ...(s.cost.description ? { amount_description: s.cost.description } : {}),
      },
      source,
    );
    for (const locationId of s.location_ids) {
      addRow(
        flat,
        'service_at_location',
        {
          id: stableUuid(`sal:${s.id}:${locationId}`),
          service_id: s.id,
          location_id: locationId,
        },
        source,
      );
    }
    for (const label of s.labels) attribute(flat, s.id, ACCESS_TAXONOMY, label, s);
    for (const category of s.categories) attribute(flat, s.id, CATEGORY_TAXONOMY, category);
    for (const section of s.kit_sections) attribute(flat, s.id, KIT_TAXONOMY, section);
  }

  // Translations: the demo's were drafted by machine and await review.
  const push = (tableName: string, recordId: string, field: string, lang: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') return;
    out.push({ tableName, recordId, field, lang, value, origin: 'machine', reviewed: false });
  };
  const services = new Map(directory.services.map((s) => [s.id, s]));
  for (const [lang, t] of translations) {
    for (const [id, fields] of Object.entries(t.organizations ?? {})) {
      push('organization', id, 'name', lang, fields.name);
      push('organization', id, 'description', lang, fields.description);
    }
    for (const [id, fields] of Object.entries(t.locations ?? {})) {
      push('location', id, 'name', lang, fields.name);
      push('location', id, 'transportation', lang, fields.transportation);
    }
    for (const [id, fields] of Object.entries(t.services ?? {})) {
      for (const f of ['name', 'description', 'eligibility_description', 'application_process'])
        push('service', id, f, lang, fields[f]);
      push('service', id, 'fees_description', lang, fields.cost_description);
      push('cost_option', stableUuid(`cost:${id}`), 'amount_description', lang, fields.cost_description);
      const documents = Array.isArray(fields.required_documents) ? fields.required_documents : [];
      if (services.has(id)) {
        documents.forEach((d, i) => {
          push('required_document', stableUuid(`document:${id}:${i}`), 'document', lang, d);
        });
      }
    }
  }
  return { flat, translations: out, city: directory.city };
}

async function writeRows(db: Db, flat: FlatRows, translations: TranslationRow[]): Promise<void> {
  await db.transaction(async (tx) => {
    await upsertRows(tx, flat);
    for (let i = 0; i < translations.length; i += 500) {
      await tx
        .insert(directoryTranslation)
        .values(translations.slice(i, i + 500))
        .onConflictDoNothing();
    }
    await reindexServices(tx, [...(flat.tables.get('service')?.keys() ?? [])]);
  });
}

/**
 * Publishes the `arrival-access` taxonomy of status-safety labels (with stable ids and names in every locale),
 * so that any directory, imported or demo, can point its labels at it. Idempotent; run at start.
 */
export async function publishAccessTaxonomy(db: Db, catalogues: Catalogues): Promise<void> {
  const flat = emptyFlatRows();
  const translations: TranslationRow[] = [];
  addTaxonomies(flat, catalogues, [], translations, ACCESS_TAXONOMY);
  await writeRows(db, flat, translations);
}

/** Loads the demo city into a directory with no services (`ARRIVAL_DEMO=1`); returns whether it did. */
export async function loadDemoCityIfEmpty(db: Db, catalogues: Catalogues): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(hsdsService);
  if ((existing?.n ?? 0) > 0) return false;
  const { flat, translations } = buildDemoCity(catalogues);
  await writeRows(db, flat, translations);
  return true;
}
