import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { directorySearchDoc, directoryTranslation } from './directory.schema.ts';
import { rowsWhere } from './hsds.rows.ts';
import { normalizeText, searchConfigFor, wordsOf } from './normalize.ts';

const CHUNK = 200;
/** Fields of a service that are searched, with their weight (A counts most). */
const NAME_FIELDS = ['name'];
const BODY_FIELDS = ['alternate_name', 'description', 'eligibility_description'];

interface Version {
  lang: string;
  isOriginal: boolean;
  fields: Record<string, string>;
}

/**
 * Rebuilds the search documents of these services: one per language version (original and translations),
 * each with its own text search configuration, plus the lexeme dictionary used to correct typos.
 */
export async function reindexServices(tx: Db, serviceIds: string[]): Promise<void> {
  for (let i = 0; i < serviceIds.length; i += CHUNK) {
    const ids = serviceIds.slice(i, i + CHUNK);
    const services = await rowsWhere(tx, 'service', 'id', ids, true);
    const organizationIds = [
      ...new Set(services.map((s) => s.organization_id).filter((v) => typeof v === 'string')),
    ];
    const organizations = new Map(
      (await rowsWhere(tx, 'organization', 'id', organizationIds as string[])).map((o) => [o.id, o]),
    );
    const translations = await tx
      .select()
      .from(directoryTranslation)
      .where(inArray(directoryTranslation.recordId, ids));
    await tx.delete(directorySearchDoc).where(inArray(directorySearchDoc.serviceId, ids));

    const docs: { serviceId: string; lang: string; isOriginal: boolean; name: string; body: string }[] = [];
    const words = new Set<string>();
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
      for (const t of translations) {
        if (t.recordId !== service.id || t.tableName !== 'service') continue;
        let version = versions.get(t.lang);
        if (!version) {
          version = { lang: t.lang, isOriginal: false, fields: {} };
          versions.set(t.lang, version);
        }
        if (!version.isOriginal) version.fields[t.field] = t.value;
      }
      const organizationName = String(organizations.get(String(service.organization_id))?.name ?? '');
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
        for (const w of wordsOf(`${name} ${body}`)) if (w.length >= 3 && w.length <= 40) words.add(w);
      }
    }
    if (docs.length > 0) {
      // The documents travel as one JSON parameter; each is weighted: name (A), body (B), and the name once more in
      // the simple configuration (C), so an unstemmed name still matches.
      const batch = JSON.stringify(docs.map((d) => ({ ...d, config: searchConfigFor(d.lang) })));
      await tx.execute(
        sql`insert into directory_search_doc (service_id, lang, is_original, name_norm, document)
            select x."serviceId", x.lang, x."isOriginal", x.name,
                   setweight(to_tsvector(x.config::regconfig, x.name), 'A')
                   || setweight(to_tsvector(x.config::regconfig, x.body), 'B')
                   || setweight(to_tsvector('simple'::regconfig, x.name), 'C')
              from json_to_recordset(${batch}::json)
                as x("serviceId" text, lang text, "isOriginal" boolean, name text, body text, config text)`,
      );
    }
    const list = [...words];
    if (list.length > 0) {
      await tx.execute(
        sql`insert into directory_lexeme (word) select unnest(${sql.param(list)}::text[]) on conflict do nothing`,
      );
    }
  }
}
