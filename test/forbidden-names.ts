/**
 * Firewall rule 1 (DESIGN.md): the names no table, column, API property, filter or export may carry.
 * Used by `firewall.test.ts`.
 */

/**
 * Rule 1, reviewed list: names that would record immigration status or how and when someone entered the country,
 * or identify them by documents. Matched on whole words of a name (`visaType`, `visa_type`, `visa-type` all split
 * into `visa` `type`), so `provisional` or `advisable` never match. Change this list only with a review.
 */
export const FORBIDDEN_NAMES: readonly RegExp[] = [
  /_immigra/, // immigration status, immigrant status, immigration case
  /_(e)?migra(tion|tory)_status_/, // migration status, migratory status
  /_residen(ce|cy|t)_(status|permit|card|title|type)_/, // residence status or permit
  /_residency_/,
  /_visas?_/,
  /_asylum/, // asylum status, asylum seeker, asylum case
  /_refugee_status_/,
  /_protection_status_/,
  /_legal_status_/, // of a person (HSDS organisations have one too: see the exemption below)
  /_immigration_status_/,
  /_(work_)?permits?_/,
  /_passports?/,
  /_(document|id|identity|identification|ssn|nie|nin|alien|registration)_(number|no|nr|num)_/,
  /_(id|identity|identification)_card_/,
  /_national_(id|identity|insurance)_/,
  /_nationalit(y|ies)_/,
  /_citizen/, // citizen, citizenship
  /_country_of_birth_/,
  /_birth_(country|place)_/,
  /_place_of_birth_/,
  /_birthplace_/,
  /_(entry|arrival|landing)_(date|manner|mode|route|method|port|way|type)_/, // date or manner of entry
  /_(date|manner|mode|means|method|port|way|route)_of_(entry|arrival)_/,
  /_undocumented_/,
  /_irregular/,
  /_illegal/,
  /_deport/,
  /_removal_(order|status)_/,
  /_aliens?_/,
  /_overstay/,
  /_stateless/,
];

/**
 * Qualified names (`table.column`, `schema.property`) that match the list but are not about a person, each
 * with the reason. Nothing here may describe a newcomer; a bare name is never exempt, so a person's
 * `legal_status` would still be caught.
 */
const EXEMPT_NAMES: Record<string, string> = {
  // HSDS 3.0 §organization.legal_status: the legal form of a service provider (charity, public body).
  'hsds_organization.legal_status': 'database column of the HSDS organization table',
  'organization.legal_status': 'HSDS export (CSV, datapackage, services.json) and API: an organisation',
  'organizations.legal_status': 'HSDS services.json: the organizations of a service',
};

export const isExempt = (name: string): boolean => name.toLowerCase() in EXEMPT_NAMES;

/** `visaType` / `visa_type` / `Visa-Type` → `_visa_type_`. */
function words(name: string): string {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return `_${parts.join('_')}_`;
}

export function forbidden(
  names: Iterable<string>,
  exempt: (name: string) => boolean = () => false,
): string[] {
  const found = new Set<string>();
  for (const name of names) {
    if (exempt(name)) continue;
    const w = words(name);
    if (FORBIDDEN_NAMES.some((re) => re.test(w))) found.add(name);
  }
  return [...found].sort();
}
