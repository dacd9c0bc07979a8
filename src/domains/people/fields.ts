import type { BlindIndexKind } from './people.crypto.ts';

/**
 * The field registry (firewall rule 2): everything Arrival keeps about a person is declared here once, with why
 * it is kept, for how long, and who may see it. The public page `/{lang}/privacy` is generated from this list,
 * retention (`arrival retention run`) deletes by it, consents may name only its shareable fields, and a test
 * fails when a table holds a column about a person that is not declared here.
 *
 * There is no field for immigration or residence status, visa, asylum, manner or date of entry, nationality or
 * identity-document numbers, and there must never be one (rule 1; `firewall.test.ts` scans for such names).
 * Nothing is required: a person record can be a random id and nothing else.
 */

/** Why a field is kept; each has a sentence on the privacy page (`privacy.purpose.<key>`). */
export const PURPOSES = [
  'address',
  'contact',
  'find_again',
  'communicate',
  'find_help',
  'prioritise',
  'casework',
  'consent',
  'referral',
  'visits',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Who may see a field (`privacy.audience.<key>`). */
export type Audience =
  /** staff of the organisation that recorded the person (caseworkers and organisation admins) */
  | 'recording_organisation'
  /** staff of an organisation the person consented to share the field with, while the consent lasts */
  | 'consented_recipient'
  /** staff of the organisation a referral was sent to (needs, languages, urgency: even when pseudonymous) */
  | 'referral_receiver'
  /** the person, with their Arrival code or a consent receipt code on /{lang}/my-data */
  | 'the_person';

/** From when a retention period counts. */
export type RetentionStart =
  /** the last time staff recorded a visit or changed the record */
  | 'last_contact'
  /** when the row was written */
  | 'created'
  /** when the consent ended (expired or revoked) or the referral closed */
  | 'ended';

export interface PersonalField {
  purpose: Purpose;
  /** Days after `from` when retention deletes it. */
  retentionDays: number;
  from: RetentionStart;
  audiences: readonly Audience[];
  /** May be named in a consent's `fields` (the property names of `POST /api/v1/people`). */
  shareable: boolean;
  /** Found by a keyed HMAC of its normalised value, never by its plaintext. */
  blindIndex?: BlindIndexKind;
  /** Where it is stored (`table.column`), sealed under the person's data key unless said otherwise. */
  stored: readonly string[];
}

const TWO_YEARS = 730;
const ONE_YEAR = 365;

export const PERSONAL_FIELDS = {
  displayName: {
    purpose: 'address',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'consented_recipient', 'the_person'],
    shareable: true,
    stored: ['people.display_name'],
  },
  phone: {
    purpose: 'contact',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'consented_recipient'],
    shareable: true,
    blindIndex: 'phone',
    stored: ['people.phone', 'people.phone_index'],
  },
  email: {
    purpose: 'contact',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'consented_recipient'],
    shareable: true,
    blindIndex: 'email',
    stored: ['people.email', 'people.email_index'],
  },
  languages: {
    purpose: 'communicate',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'consented_recipient', 'referral_receiver'],
    shareable: true,
    stored: ['people.languages'],
  },
  interpreterNeeded: {
    purpose: 'communicate',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'referral_receiver'],
    shareable: false,
    stored: ['people.interpreter_needed'],
  },
  needs: {
    purpose: 'find_help',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'consented_recipient', 'referral_receiver', 'the_person'],
    shareable: true,
    stored: ['person_needs.need'],
  },
  urgency: {
    purpose: 'prioritise',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['recording_organisation', 'referral_receiver'],
    shareable: false,
    stored: ['people.urgency'],
  },
  personCode: {
    purpose: 'find_again',
    retentionDays: TWO_YEARS,
    from: 'last_contact',
    audiences: ['the_person'],
    shareable: false,
    blindIndex: 'person-code',
    stored: ['people.code_index'],
  },
  caseNotes: {
    purpose: 'casework',
    retentionDays: ONE_YEAR,
    from: 'created',
    audiences: ['recording_organisation'],
    shareable: false,
    stored: ['person_notes.body'],
  },
  visits: {
    purpose: 'visits',
    retentionDays: ONE_YEAR,
    from: 'created',
    audiences: ['recording_organisation'],
    shareable: false,
    stored: ['person_visits.site_id', 'person_visits.at'],
  },
  consents: {
    purpose: 'consent',
    retentionDays: ONE_YEAR,
    from: 'ended',
    audiences: ['recording_organisation', 'the_person'],
    shareable: false,
    blindIndex: 'receipt-code',
    stored: ['consents.explanation', 'consents.receipt_index'],
  },
  referrals: {
    purpose: 'referral',
    retentionDays: ONE_YEAR,
    from: 'ended',
    audiences: ['recording_organisation', 'referral_receiver', 'the_person'],
    shareable: false,
    blindIndex: 'disclosure-code',
    stored: ['referrals.reason', 'referral_events.reason', 'referrals.disclosure_index'],
  },
} as const satisfies Record<string, PersonalField>;

export type PersonalFieldName = keyof typeof PERSONAL_FIELDS;

/** The fields a consent may share: exactly the shareable properties of `POST /api/v1/people`. */
export const SHAREABLE_FIELDS = [
  'displayName',
  'phone',
  'email',
  'languages',
  'needs',
] as const satisfies readonly PersonalFieldName[];
export type ShareableField = (typeof SHAREABLE_FIELDS)[number];

/** A person record with no contact for this long is deleted, with everything about them. */
export const PERSON_RETENTION_DAYS = TWO_YEARS;
