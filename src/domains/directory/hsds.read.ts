import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { directoryTranslation } from './directory.schema.ts';
import type { HsdsRow } from './hsds.flatten.ts';
import { rowsWhere } from './hsds.rows.ts';

/** Text fields that may have translations, per HSDS table. */
export const TRANSLATABLE_FIELDS: Record<string, string[]> = {
  service: [
    'name',
    'alternate_name',
    'description',
    'eligibility_description',
    'application_process',
    'fees_description',
    'alert',
  ],
  organization: ['name', 'alternate_name', 'description'],
  location: ['name', 'alternate_name', 'description', 'transportation'],
  program: ['name', 'alternate_name', 'description'],
  required_document: ['document'],
  cost_option: ['amount_description'],
  schedule: ['description', 'notes'],
  taxonomy_term: ['name', 'description'],
};

type Grouped = Map<string, HsdsRow[]>;

function groupBy(rows: HsdsRow[], key: string): Grouped {
  const map: Grouped = new Map();
  for (const row of rows) {
    const k = row[key];
    if (typeof k !== 'string') continue;
    const list = map.get(k) ?? [];
    list.push(row);
    map.set(k, list);
  }
  return map;
}

/** Replaces text fields by their translation into `lang`, where there is one. Returns the language used. */
async function applyTranslations(
  db: Db,
  table: string,
  rows: HsdsRow[],
  lang: string | undefined,
): Promise<void> {
  if (!lang || rows.length === 0 || !TRANSLATABLE_FIELDS[table]) return;
  const translations = await db
    .select()
    .from(directoryTranslation)
    .where(
      and(
        eq(directoryTranslation.tableName, table),
        eq(directoryTranslation.lang, lang),
        inArray(
          directoryTranslation.recordId,
          rows.map((r) => r.id),
        ),
      ),
    );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const t of translations) {
    const row = byId.get(t.recordId);
    if (row && TRANSLATABLE_FIELDS[table]?.includes(t.field)) row[t.field] = t.value;
  }
}

function strip(row: HsdsRow, ...fields: string[]): HsdsRow {
  const copy = { ...row };
  for (const f of fields) delete copy[f];
  return copy;
}

async function attributesOf(db: Db, ids: string[], lang: string | undefined): Promise<Grouped> {
  const attributes = await rowsWhere(db, 'attribute', 'link_id', ids);
  const termIds = [
    ...new Set(attributes.map((a) => a.taxonomy_term_id).filter((v): v is string => typeof v === 'string')),
  ];
  const terms = await rowsWhere(db, 'taxonomy_term', 'id', termIds);
  await applyTranslations(db, 'taxonomy_term', terms, lang);
  // Each term carries its taxonomy (HSDS taxonomy_term.taxonomy_detail), so an exported services.json is
  // self-contained and imports into an empty directory.
  const taxonomyIds = [
    ...new Set(terms.map((t) => t.taxonomy_id).filter((v): v is string => typeof v === 'string')),
  ];
  const taxonomies = new Map((await rowsWhere(db, 'taxonomy', 'id', taxonomyIds)).map((t) => [t.id, t]));
  for (const term of terms) {
    const taxonomy = taxonomies.get(String(term.taxonomy_id));
    if (taxonomy) term.taxonomy_detail = taxonomy;
  }
  const termById = new Map(terms.map((t) => [t.id, t]));
  for (const a of attributes) {
    const term = termById.get(String(a.taxonomy_term_id));
    if (term) a.taxonomy_term = term;
  }
  return groupBy(attributes, 'link_id');
}

/**
 * Full HSDS services (HSDS 3.0 "service" with its organization, places as service_at_locations[].location,
 * phones, schedules, languages, …), in the order of `ids`. Text in `lang` where a translation exists.
 */
export async function loadFullServices(db: Db, ids: string[], lang?: string): Promise<HsdsRow[]> {
  const services = await rowsWhere(db, 'service', 'id', ids);
  if (services.length === 0) return [];
  await applyTranslations(db, 'service', services, lang);
  const serviceIds = services.map((s) => s.id);
  const orgIds = [
    ...new Set(services.map((s) => s.organization_id).filter((v): v is string => typeof v === 'string')),
  ];
  const programIds = [
    ...new Set(services.map((s) => s.program_id).filter((v): v is string => typeof v === 'string')),
  ];

  const [
    organizations,
    programs,
    phones,
    schedules,
    areas,
    sals,
    languages,
    funding,
    costs,
    documents,
    contacts,
  ] = await Promise.all([
    rowsWhere(db, 'organization', 'id', orgIds),
    rowsWhere(db, 'program', 'id', programIds),
    rowsWhere(db, 'phone', 'service_id', serviceIds),
    rowsWhere(db, 'schedule', 'service_id', serviceIds),
    rowsWhere(db, 'service_area', 'service_id', serviceIds),
    rowsWhere(db, 'service_at_location', 'service_id', serviceIds),
    rowsWhere(db, 'language', 'service_id', serviceIds),
    rowsWhere(db, 'funding', 'service_id', serviceIds),
    rowsWhere(db, 'cost_option', 'service_id', serviceIds),
    rowsWhere(db, 'required_document', 'service_id', serviceIds),
    rowsWhere(db, 'contact', 'service_id', serviceIds),
  ]);
  await Promise.all([
    applyTranslations(db, 'organization', organizations, lang),
    applyTranslations(db, 'program', programs, lang),
    applyTranslations(db, 'schedule', schedules, lang),
    applyTranslations(db, 'cost_option', costs, lang),
    applyTranslations(db, 'required_document', documents, lang),
  ]);
  const locationIds = [
    ...new Set(sals.map((s) => s.location_id).filter((v): v is string => typeof v === 'string')),
  ];
  const [locations, addresses, locationPhones, locationSchedules, locationLanguages, accessibility] =
    await Promise.all([
      rowsWhere(db, 'location', 'id', locationIds),
      rowsWhere(db, 'address', 'location_id', locationIds),
      rowsWhere(db, 'phone', 'location_id', locationIds),
      rowsWhere(db, 'schedule', 'location_id', locationIds),
      rowsWhere(db, 'language', 'location_id', locationIds),
      rowsWhere(db, 'accessibility', 'location_id', locationIds),
    ]);
  await applyTranslations(db, 'location', locations, lang);
  const owners = [...serviceIds, ...locationIds, ...orgIds];
  const [attributes, metadata] = await Promise.all([
    attributesOf(db, owners, lang),
    rowsWhere(db, 'metadata', 'resource_id', owners).then((rows) => groupBy(rows, 'resource_id')),
  ]);
  // Attributes and metadata travel with their record, so that re-importing an export loses neither.
  const withOwned = (row: HsdsRow) => ({
    ...row,
    attributes: attributes.get(row.id) ?? [],
    metadata: metadata.get(row.id) ?? [],
  });

  const byLocation = {
    addresses: groupBy(addresses, 'location_id'),
    phones: groupBy(locationPhones, 'location_id'),
    schedules: groupBy(locationSchedules, 'location_id'),
    languages: groupBy(locationLanguages, 'location_id'),
    accessibility: groupBy(accessibility, 'location_id'),
  };
  const locationById = new Map(
    locations.map((l) => [
      l.id,
      {
        ...l,
        addresses: byLocation.addresses.get(l.id) ?? [],
        phones: byLocation.phones.get(l.id) ?? [],
        schedules: byLocation.schedules.get(l.id) ?? [],
        languages: byLocation.languages.get(l.id) ?? [],
        accessibility: byLocation.accessibility.get(l.id) ?? [],
        ...withOwned(l),
      },
    ]),
  );
  const orgById = new Map(organizations.map((o) => [o.id, withOwned(o)]));
  const programById = new Map(programs.map((p) => [p.id, p]));
  const grouped = {
    phones: groupBy(
      phones.filter((p) => !p.location_id),
      'service_id',
    ),
    schedules: groupBy(
      schedules.filter((s) => !s.location_id),
      'service_id',
    ),
    areas: groupBy(areas, 'service_id'),
    sals: groupBy(sals, 'service_id'),
    languages: groupBy(
      languages.filter((l) => !l.location_id),
      'service_id',
    ),
    funding: groupBy(funding, 'service_id'),
    costs: groupBy(costs, 'service_id'),
    documents: groupBy(documents, 'service_id'),
    contacts: groupBy(contacts, 'service_id'),
  };
  const full = services.map((s) => {
    const organization = orgById.get(String(s.organization_id));
    const program = programById.get(String(s.program_id));
    return {
      ...s,
      ...(organization ? { organization } : {}),
      ...(program ? { program } : {}),
      phones: grouped.phones.get(s.id) ?? [],
      schedules: grouped.schedules.get(s.id) ?? [],
      service_areas: grouped.areas.get(s.id) ?? [],
      service_at_locations: (grouped.sals.get(s.id) ?? []).map((sal) => {
        const location = locationById.get(String(sal.location_id));
        return { ...strip(sal), ...(location ? { location } : {}) };
      }),
      languages: grouped.languages.get(s.id) ?? [],
      funding: grouped.funding.get(s.id) ?? [],
      cost_options: grouped.costs.get(s.id) ?? [],
      required_documents: grouped.documents.get(s.id) ?? [],
      contacts: grouped.contacts.get(s.id) ?? [],
      ...withOwned(s),
    } as HsdsRow;
  });
  const order = new Map(ids.map((id, i) => [id, i]));
  return full.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}
