// Checks the demo city directory and its translations. No dependencies.
// Usage: node src/domains/directory/demo/check.mjs [--partial]
// Exits 1 with a list of problems if anything is wrong. --partial skips translation files not written yet.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LANGS = ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'];
const CATEGORIES = new Set([
  'legal-aid',
  'health',
  'mental-health',
  'housing',
  'food',
  'language-classes',
  'work',
  'education',
  'children-families',
  'women',
  'lgbtiq',
  'emergency',
  'connectivity',
  'essentials',
  'welcome',
]);
const LABELS = new Set([
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
]);
const SECTIONS = [
  'first-days',
  'health',
  'legal-help',
  'housing',
  'language-classes',
  'work-rights',
  'children-school',
  'emergencies',
];
const DAYS = new Set(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LANG_CODE = /^[a-z]{2}$/;
const PHONE = /^(\+\d[\d ]{6,18}\d|\d{3,6})$/;
const EXAMPLE_URL = /^https:\/\/[a-z0-9-]+\.example\.org(\/[\w\-/]*)?$/;
const EXAMPLE_EMAIL = /^[a-z0-9.-]+@[a-z0-9-]+\.example\.org$/;

const partial = process.argv.includes('--partial');
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(path, `does not parse: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const isText = (value) => typeof value === 'string' && value.trim().length > 0 && value === value.trim();
const isTextList = (value) => Array.isArray(value) && value.length > 0 && value.every(isText);

function checkDirectory(dir) {
  const ids = new Set();
  const claim = (where, id) => {
    if (typeof id !== 'string' || !UUID_V4.test(id)) fail(where, `id ${id} is not a v4 UUID`);
    else if (ids.has(id)) fail(where, `id ${id} is used twice`);
    ids.add(id);
  };
  const { city, organizations = [], locations = [], services = [] } = dir;
  if (
    !city ||
    !isText(city.name) ||
    !/^[A-Z]{2}$/.test(city.country ?? '') ||
    !isText(city.emergencyNumber)
  ) {
    fail('city', 'needs name, alpha-2 country and emergencyNumber');
  }
  if (typeof city?.latitude !== 'number' || typeof city?.longitude !== 'number') {
    fail('city', 'needs numeric latitude and longitude');
  }
  const orgIds = new Set();
  const orgLang = new Map();
  for (const [i, org] of organizations.entries()) {
    const where = `organizations[${i}]`;
    claim(where, org.id);
    orgIds.add(org.id);
    orgLang.set(org.id, org.lang);
    for (const field of ['name', 'description']) if (!isText(org[field])) fail(where, `${field} missing`);
    if (!LANGS.includes(org.lang)) fail(where, `lang ${org.lang} is not one of ${LANGS.join(' ')}`);
    if (org.website !== undefined && !EXAMPLE_URL.test(org.website)) fail(where, `website ${org.website}`);
    if (org.email !== undefined && !EXAMPLE_EMAIL.test(org.email)) fail(where, `email ${org.email}`);
  }
  const locIds = new Set();
  for (const [i, loc] of locations.entries()) {
    const where = `locations[${i}]`;
    claim(where, loc.id);
    locIds.add(loc.id);
    if (!orgIds.has(loc.organization_id))
      fail(where, `organization_id ${loc.organization_id} does not resolve`);
    if (!isText(loc.name)) fail(where, 'name missing');
    const a = loc.address ?? {};
    for (const field of ['address_1', 'city', 'postal_code'])
      if (!isText(a[field])) fail(where, `address.${field}`);
    if (a.country !== city?.country) fail(where, 'address.country differs from the city country');
    if (typeof loc.latitude !== 'number' || Math.abs(loc.latitude - city.latitude) > 0.05)
      fail(where, 'latitude');
    if (typeof loc.longitude !== 'number' || Math.abs(loc.longitude - city.longitude) > 0.08)
      fail(where, 'longitude');
    if (loc.transportation !== undefined && !isText(loc.transportation)) fail(where, 'transportation');
    if (typeof loc.accessible !== 'boolean') fail(where, 'accessible must be true or false');
  }
  const perSection = new Map(SECTIONS.map((s) => [s, 0]));
  const usedOrgs = new Set();
  for (const [i, s] of services.entries()) {
    const where = `services[${i}] (${s.name})`;
    claim(where, s.id);
    if (!orgIds.has(s.organization_id)) fail(where, `organization_id ${s.organization_id} does not resolve`);
    usedOrgs.add(s.organization_id);
    if (!LANGS.includes(s.lang)) fail(where, `lang ${s.lang}`);
    for (const field of ['name', 'description', 'verified_by'])
      if (!isText(s[field])) fail(where, `${field} missing`);
    for (const field of ['eligibility_description', 'application_process']) {
      if (s[field] !== undefined && !isText(s[field])) fail(where, `${field} is empty`);
    }
    if (s.url !== undefined && !EXAMPLE_URL.test(s.url)) fail(where, `url ${s.url}`);
    if (s.email !== undefined && !EXAMPLE_EMAIL.test(s.email)) fail(where, `email ${s.email}`);
    const set = (field, allowed) => {
      const list = s[field];
      if (!Array.isArray(list) || list.length === 0) return fail(where, `${field} must be a non-empty list`);
      if (new Set(list).size !== list.length) fail(where, `${field} has duplicates`);
      for (const v of list) if (!allowed(v)) fail(where, `${field}: unknown ${v}`);
    };
    set('categories', (v) => CATEGORIES.has(v));
    set('labels', (v) => LABELS.has(v));
    set('languages', (v) => LANG_CODE.test(v));
    set('kit_sections', (v) => perSection.has(v));
    for (const section of s.kit_sections ?? []) perSection.set(section, (perSection.get(section) ?? 0) + 1);
    const free = s.cost?.free;
    if (free === true && s.labels?.includes('free-of-charge') !== true)
      fail(where, 'free but not labelled so');
    if (free === false && (!isText(s.cost.description) || s.labels?.includes('free-of-charge'))) {
      fail(where, 'a paid service needs a cost description and no free-of-charge label');
    }
    if (typeof free !== 'boolean') fail(where, 'cost.free must be true or false');
    if (!Array.isArray(s.phones)) fail(where, 'phones must be a list');
    for (const p of s.phones ?? []) {
      if (!PHONE.test(p.number ?? '')) fail(where, `phone ${p.number}`);
      if (p.description !== undefined && !isText(p.description)) fail(where, 'phone description is empty');
    }
    if (!Array.isArray(s.location_ids)) fail(where, 'location_ids must be a list');
    for (const id of s.location_ids ?? [])
      if (!locIds.has(id)) fail(where, `location ${id} does not resolve`);
    if (!Array.isArray(s.schedules)) fail(where, 'schedules must be a list');
    for (const sch of s.schedules ?? []) {
      const days = String(sch.byday ?? '').split(',');
      if (days.some((d) => !DAYS.has(d)) || new Set(days).size !== days.length)
        fail(where, `byday ${sch.byday}`);
      if (!TIME.test(sch.opens_at ?? '') || !TIME.test(sch.closes_at ?? ''))
        fail(where, 'opens_at/closes_at');
      else if (sch.opens_at >= sch.closes_at)
        fail(where, `closes ${sch.closes_at} before it opens ${sch.opens_at}`);
    }
    if (!isTextList(s.required_documents)) fail(where, 'required_documents must be a non-empty list of text');
    if (!DATE.test(s.verified_at ?? '')) fail(where, `verified_at ${s.verified_at}`);
  }
  for (const [section, count] of perSection)
    if (count < 4) fail('kit', `section ${section} has ${count} services`);
  for (const id of orgIds) if (!usedOrgs.has(id)) fail('organizations', `${id} has no services`);
  return orgLang;
}

// The fields a translation of `original` must have, with the length of each list.
function expectedFields(kind, original) {
  if (kind === 'organizations') return { name: 0, description: 0 };
  if (kind === 'locations')
    return original.transportation === undefined ? { name: 0 } : { name: 0, transportation: 0 };
  const fields = { name: 0, description: 0 };
  if (original.eligibility_description !== undefined) fields.eligibility_description = 0;
  if (original.application_process !== undefined) fields.application_process = 0;
  fields.required_documents = original.required_documents.length;
  if (original.cost?.free === false) fields.cost_description = 0;
  return fields;
}

function checkTranslations(dir) {
  const originals = {
    organizations: dir.organizations,
    locations: dir.locations.map((l) => ({ ...l, lang: 'en' })),
    services: dir.services,
  };
  const counts = {};
  for (const lang of LANGS) {
    const path = join(here, 'translations', `${lang}.json`);
    if (!existsSync(path)) {
      if (!partial) fail(path, 'missing');
      continue;
    }
    const file = readJson(path);
    if (!file) continue;
    counts[lang] = Object.keys(file.services ?? {}).length;
    for (const [kind, list] of Object.entries(originals)) {
      const entries = file[kind] ?? {};
      const wanted = new Map(list.filter((o) => o.lang !== lang).map((o) => [o.id, o]));
      for (const id of Object.keys(entries))
        if (!wanted.has(id)) fail(`${lang}.json ${kind}`, `unexpected ${id}`);
      for (const [id, original] of wanted) {
        const where = `${lang}.json ${kind} ${id} (${original.name})`;
        const entry = entries[id];
        if (!entry) {
          fail(where, 'missing');
          continue;
        }
        const fields = expectedFields(kind, original);
        for (const key of Object.keys(entry)) if (!(key in fields)) fail(where, `unexpected field ${key}`);
        for (const [key, length] of Object.entries(fields)) {
          const value = entry[key];
          if (length === 0 && !isText(value)) fail(where, `${key} missing or empty`);
          if (length > 0 && (!isTextList(value) || value.length !== length))
            fail(where, `${key} needs ${length} items`);
        }
        if (lang === 'fa' && /[يك]/.test(JSON.stringify(entry))) fail(where, 'Arabic ي or ك in Persian text');
      }
    }
  }
  for (const o of [...originals.organizations, ...originals.services]) {
    if (o.lang === 'fa' && /[يك]/.test(JSON.stringify(o))) fail(`directory.json ${o.name}`, 'Arabic ي or ك');
  }
  return counts;
}

const dir = readJson(join(here, 'directory.json'));
if (dir) {
  checkDirectory(dir);
  const counts = checkTranslations(dir);
  const summary = `${dir.organizations.length} organisations, ${dir.locations.length} locations, ${dir.services.length} services`;
  const translated = Object.entries(counts)
    .map(([lang, n]) => `${lang} ${n}`)
    .join(', ');
  process.stdout.write(`${summary}; translated services: ${translated}\n`);
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} problem(s)\n`);
  process.exit(1);
}
process.stdout.write('demo directory ok\n');
