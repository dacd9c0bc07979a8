import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { normalizeText, searchConfigFor, wordsOf } from './normalize.ts';

/** Services read and indexed per statement (tests make it small to cross chunk boundaries). */
export const reindexing = { chunk: 1000 };
/** Words of digits only are not in the lexeme dictionary (search.ts never corrects them). */
export const DIGITS_ONLY = /^\p{N}+$/u;

interface ServiceText extends Record<string, unknown> {
  id: string;
  content_lang: string | null;
  name: string | null;
  alternate_name: string | null;
  description: string | null;
  eligibility_description: string | null;
  organization_name: string | null;
}
/** Fields of a service that are searched, with their weight (A counts most). */
const NAME_FIELDS = ['name'];
const BODY_FIELDS = ['alternate_name', 'description', 'eligibility_description'];

interface Version {
  lang: string;
  isOriginal: boolean;
  fields: Record<string, string>;
}

/** The rows an import has just written (by HSDS table, then id): their text need not be read back. */
export type WrittenRows = ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;

/** The searched text of these services from the rows just written, when they have all of it. */
function writtenText(ids: string[], written: WrittenRows | undefined): Map<string, ServiceText> {
  const known = new Map<string, ServiceText>();
  const services = written?.get('service');
  const organizations = written?.get('organization');
  if (!services) return known;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  for (const id of ids) {
    const row = services.get(id);
    if (!row) continue;
    const organizationId = text(row.organization_id);
    const organization = organizationId === null ? undefined : organizations?.get(organizationId);
    // Its organization is elsewhere in the directory: read from there.
    if (organizationId !== null && !organization) continue;
    known.set(id, {
      id,
      content_lang: text(row.content_lang),
      name: text(row.name),
      alternate_name: text(row.alternate_name),
      description: text(row.description),
      eligibility_description: text(row.eligibility_description),
      organization_name: text(organization?.name),
    });
  }
  return known;
}

/** What a search document is made from, as a hash (stored with it: migration 0012). */
function sourceHash(doc: { lang: string; isOriginal: boolean; name: string; body: string }, config: string) {
  return createHash('sha256')
    .update(JSON.stringify([doc.lang, doc.isOriginal, config, doc.name, doc.body]))
    .digest('base64url');
}

/** The services among `ids` whose documents would not be the ones they have (by language and source hash). */
async function changedServices(
  tx: Db,
  ids: string[],
  docs: { serviceId: string; lang: string; sourceHash: string }[],
): Promise<string[]> {
  const old = await queryRows<{ id: string; lang: string; hash: string | null }>(
    tx,
    sql`select service_id as id, lang, source_hash as hash from directory_search_doc
         where service_id = any(${sql.param(ids)}::text[])`,
  );
  const versions = (rows: { id: string; lang: string; hash: string | null }[]) => {
    const byService = new Map<string, string[]>();
    for (const row of rows)
      byService.set(row.id, [...(byService.get(row.id) ?? []), `${row.lang} ${row.hash}`]);
    return (id: string) => (byService.get(id) ?? []).sort().join('\n');
  };
  const before = versions(old);
  const after = versions(docs.map((d) => ({ id: d.serviceId, lang: d.lang, hash: d.sourceHash })));
  // A document made before its source was kept (no hash) differs from any: it is made again.
  return ids.filter((id) => before(id) !== after(id));
}

/**
 * Rebuilds the search documents of these services: one per language version (original and translations),
 * each with its own text search configuration, plus the lexeme dictionary used to correct typos. Call it inside
 * a transaction: the term sets learn the new documents at the end (migration 0008).
 */
export async function reindexServices(tx: Db, serviceIds: string[], written?: WrittenRows): Promise<void> {
  const unique = [...new Set(serviceIds)];
  const learned: string[] = [];
  for (let i = 0; i < unique.length; i += reindexing.chunk) {
    const ids = unique.slice(i, i + reindexing.chunk);
    const known = writtenText(ids, written);
    const unknown = ids.filter((id) => !known.has(id));
    // One read per chunk for the services' searched fields and their organization's name (those not just
    // written), one for translations; ids travel as one array parameter.
    const services =
      unknown.length === 0
        ? []
        : await queryRows<ServiceText>(
            tx,
            sql`select s.id, s.content_lang, s.name, s.alternate_name, s.description, s.eligibility_description,
                       o.name as organization_name
                  from hsds_service s left join hsds_organization o on o.id = s.organization_id
                 where s.id = any(${sql.param(unknown)}::text[])`,
          );
    services.push(...known.values());
    const translations = await queryRows<{ record_id: string; field: string; lang: string; value: string }>(
      tx,
      sql`select record_id, field, lang, value from directory_translation
           where table_name = 'service' and record_id = any(${sql.param(ids)}::text[])`,
    );
    const translationsOf = new Map<string, typeof translations>();
    for (const t of translations) {
      const list = translationsOf.get(t.record_id);
      if (list) list.push(t);
      else translationsOf.set(t.record_id, [t]);
    }
    const docs: { serviceId: string; lang: string; isOriginal: boolean; name: string; body: string }[] = [];
    for (const service of services) {
      const original: Version = {
        lang: String(service.content_lang ?? 'en'),
        isOriginal: true,
        fields: Object.fromEntries(
          [...NAME_FIELDS, ...BODY_FIELDS]
            .filter((f) => typeof service[f] === 'string')
            .map((f) => [f, String(service[f])]),
        ),
      };
      const versions = new Map<string, Version>([[original.lang, original]]);
      for (const t of translationsOf.get(service.id) ?? []) {
        let version = versions.get(t.lang);
        if (!version) {
          version = { lang: t.lang, isOriginal: false, fields: {} };
          versions.set(t.lang, version);
        }
        if (!version.isOriginal) version.fields[t.field] = t.value;
      }
      const organizationName = service.organization_name ?? '';
      for (const version of versions.values()) {
        // A translation lacking a field falls back to the original's.
        const field = (f: string) => version.fields[f] ?? original.fields[f] ?? '';
        const name = normalizeText(field('name'));
        const rawBody = [...BODY_FIELDS.map(field), organizationName].join(' ');
        let body = normalizeText(rawBody);
        // Persian text with zero-width non-joiners is indexed both ways (see normalizeText).
        if (`${field('name')} ${rawBody}`.includes('\u200C')) {
          body += ` ${normalizeText(`${field('name')} ${rawBody}`, 'split')}`;
        }
        docs.push({ serviceId: service.id, lang: version.lang, isOriginal: version.isOriginal, name, body });
      }
    }
    const made = docs.map((d) => {
      const config = searchConfigFor(d.lang);
      return { ...d, config, sourceHash: sourceHash(d, config) };
    });
    // A service whose documents would be the same as those it has (re-imported unchanged) keeps them: their
    // numbers, the term sets and the dictionary stay as they are.
    const changed = await changedServices(tx, ids, made);
    if (changed.length === 0) continue;
    const changing = new Set(changed);
    const changedDocs = made.filter((d) => changing.has(d.serviceId));
    // The documents travel as one JSON parameter; the function replaces the services' old documents by them and
    // takes the old ones out of the term sets (migration 0008).
    await tx.execute(
      sql`select directory_search_reindex(${sql.param(changed)}::text[], ${JSON.stringify(changedDocs)}::json)`,
    );
    learned.push(...changed);
    // Words of digits only (house and service numbers) are left out: a number is never corrected as a typo.
    const words = new Set<string>();
    for (const d of changedDocs) {
      for (const w of wordsOf(`${d.name} ${d.body}`)) {
        if (w.length >= 3 && w.length <= 40 && !DIGITS_ONLY.test(w)) words.add(w);
      }
    }
    const list = [...words];
    if (list.length > 0) {
      await tx.execute(
        sql`insert into directory_lexeme (word) select unnest(${sql.param(list)}::text[]) on conflict do nothing`,
      );
    }
  }
  // The new documents join the term sets and champions once for all chunks: a common term's set is rewritten once
  // per call, not once per chunk (a no-op where search has no term sets, as on PGlite).
  if (learned.length > 0) await tx.execute(sql`select directory_search_learn(${sql.param(learned)}::text[])`);
}
