import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { directoryTranslation, type TranslationOrigin } from './directory.schema.ts';
import type { HsdsRow } from './hsds.flatten.ts';
import { loadFullServices } from './hsds.read.ts';
import { rowsWhere } from './hsds.rows.ts';

/** The taxonomy of status-safety labels (Arrival's HSDS profile). */
export const ACCESS_TAXONOMY = 'arrival-access';
/** The taxonomy of service categories used by the demo city and the search filters. */
export const CATEGORY_TAXONOMY = 'arrival-categories';

export const ACCESS_LABELS = [
  'no-id-required',
  'free-of-charge',
  'no-status-questions',
  'no-sharing-with-enforcement',
  'interpreter-available',
  'walk-in',
  'anonymous-ok',
  'women-only',
  'lgbtiq-safe',
  'families-children',
] as const;

export interface Label {
  code: string;
  name: string;
  verifiedBy?: string;
  verifiedAt?: string;
}

/** A text as shown: in the visitor's language when translated, else in its original language. */
export interface ShownText {
  text: string;
  lang: string;
  /** Set when the text shown is a translation: where it came from. */
  origin?: TranslationOrigin;
}

export interface ServiceView {
  id: string;
  full: HsdsRow;
  name: ShownText;
  description?: ShownText;
  texts: Record<string, ShownText>;
  organizationName?: string;
  labels: Label[];
  categories: { code: string; name: string }[];
  lastVerified?: string;
}

/**
 * Bidirectional control characters (U+202A–U+202E, U+2066–U+2069) in directory text could reorder the page
 * around them (a name with U+202E reads backwards and drags what follows): pages show the text without them.
 */
export function displayText(text: string): string {
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

const SHOWN_FIELDS = [
  'name',
  'description',
  'eligibility_description',
  'application_process',
  'fees_description',
  'alert',
];

/**
 * Services as a page shows them in `locale`: each text in that language where a translation exists (saying
 * where it came from), else in the original with its language; labels with who verified them and when.
 */
export async function loadServiceViews(db: Db, ids: string[], locale: string): Promise<ServiceView[]> {
  if (ids.length === 0) return [];
  const [originals, translated, translations, attributes] = await Promise.all([
    rowsWhere(db, 'service', 'id', ids, true),
    loadFullServices(db, ids, locale),
    db
      .select()
      .from(directoryTranslation)
      .where(
        and(
          eq(directoryTranslation.tableName, 'service'),
          eq(directoryTranslation.lang, locale),
          inArray(directoryTranslation.recordId, ids),
        ),
      ),
    rowsWhere(db, 'attribute', 'link_id', ids, true),
  ]);
  const terms = await rowsWhere(
    db,
    'taxonomy_term',
    'id',
    [...new Set(attributes.map((a) => String(a.taxonomy_term_id)))],
    true,
  );
  const termTranslations = await db
    .select()
    .from(directoryTranslation)
    .where(
      and(
        eq(directoryTranslation.tableName, 'taxonomy_term'),
        eq(directoryTranslation.lang, locale),
        eq(directoryTranslation.field, 'name'),
      ),
    );
  const termName = new Map(termTranslations.map((t) => [t.recordId, t.value]));
  const termById = new Map(terms.map((t) => [t.id, t]));
  const originalById = new Map(originals.map((o) => [o.id, o]));

  return translated.map((full) => {
    const original = originalById.get(full.id) ?? full;
    const lang = String(original.content_lang ?? 'en');
    const texts: Record<string, ShownText> = {};
    for (const field of SHOWN_FIELDS) {
      const value = original[field];
      if (typeof value !== 'string' || value === '') continue;
      const translation =
        lang === locale ? undefined : translations.find((t) => t.recordId === full.id && t.field === field);
      texts[field] = translation
        ? { text: displayText(translation.value), lang: locale, origin: translation.origin }
        : { text: displayText(value), lang };
    }
    const labels: Label[] = [];
    const categories: { code: string; name: string }[] = [];
    for (const attribute of attributes.filter((a) => a.link_id === full.id)) {
      const term = termById.get(String(attribute.taxonomy_term_id));
      if (!term || typeof term.code !== 'string') continue;
      const name = termName.get(term.id) ?? String(term.name ?? term.code);
      if (term.taxonomy === ACCESS_TAXONOMY) {
        labels.push({
          code: term.code,
          name,
          ...(typeof attribute.verified_by === 'string' ? { verifiedBy: attribute.verified_by } : {}),
          ...(typeof attribute.verified_at === 'string' ? { verifiedAt: attribute.verified_at } : {}),
        });
      } else {
        categories.push({ code: term.code, name });
      }
    }
    labels.sort((a, b) => ACCESS_LABELS.indexOf(a.code as never) - ACCESS_LABELS.indexOf(b.code as never));
    const verifiedDates = [
      ...labels.map((l) => l.verifiedAt),
      typeof original.assured_date === 'string' ? original.assured_date : undefined,
    ].filter((d): d is string => typeof d === 'string');
    const organization = full.organization as HsdsRow | undefined;
    return {
      id: full.id,
      full,
      name: texts.name ?? { text: full.id, lang },
      ...(texts.description ? { description: texts.description } : {}),
      texts,
      ...(typeof organization?.name === 'string' ? { organizationName: displayText(organization.name) } : {}),
      labels,
      categories,
      ...(verifiedDates.length ? { lastVerified: verifiedDates.sort().at(-1) } : {}),
    };
  });
}

/** The category terms (for the search filter), with names in `locale` where translated. */
export async function loadCategories(db: Db, locale: string): Promise<{ code: string; name: string }[]> {
  const terms = (await rowsWhere(db, 'taxonomy_term', 'taxonomy', [CATEGORY_TAXONOMY])).filter(
    (t) => typeof t.code === 'string',
  );
  const names = await db
    .select()
    .from(directoryTranslation)
    .where(and(eq(directoryTranslation.tableName, 'taxonomy_term'), eq(directoryTranslation.lang, locale)));
  const byId = new Map(names.filter((n) => n.field === 'name').map((n) => [n.recordId, n.value]));
  return terms
    .map((t) => ({ code: String(t.code), name: byId.get(t.id) ?? String(t.name) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** Service ids in each section of the welcome kit (attributes on the `arrival-kit` taxonomy), by name. */
export async function loadKitServiceIds(db: Db, taxonomy: string): Promise<Map<string, string[]>> {
  const rows = await queryRows<{ code: string; service_id: string }>(
    db,
    sql`select t.code, a.link_id as service_id
          from hsds_attribute a
          join hsds_taxonomy_term t on t.id = a.taxonomy_term_id
          join hsds_service s on s.id = a.link_id
         where t.taxonomy = ${taxonomy} and (s.status is null or s.status <> 'defunct')
         order by t.code, lower(s.name), s.id`,
  );
  const sections = new Map<string, string[]>();
  for (const r of rows) sections.set(r.code, [...(sections.get(r.code) ?? []), r.service_id]);
  return sections;
}
