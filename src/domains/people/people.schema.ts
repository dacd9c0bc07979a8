import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { organisations, users } from '../accounts/accounts.schema.ts';
import { NEED_CODES, NEED_STATUSES, type Need, URGENCY_FLAGS } from './needs.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A person helped by a helpdesk: a random id and, optionally, what they chose to tell (fields.ts). Every
 * personal column holds a value sealed under the person's data key (`wrapped_key`, itself sealed under the
 * deployment key); the `*_index` columns are keyed HMACs for finding a returning person, never plaintext.
 */
export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey(),
    /** The organisation whose staff recorded the person: the only one that sees them without a consent. */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    wrappedKey: text('wrapped_key').notNull(),
    displayName: text('display_name'),
    phone: text('phone'),
    email: text('email'),
    languages: text('languages'),
    interpreterNeeded: text('interpreter_needed'),
    urgency: text('urgency'),
    phoneIndex: text('phone_index'),
    emailIndex: text('email_index'),
    codeIndex: text('code_index').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
    /** The last visit or change: retention counts from here. */
    lastContactAt: time('last_contact_at').notNull(),
  },
  (t) => [
    uniqueIndex('people_code_index_idx').on(t.codeIndex),
    index('people_phone_index_idx').on(t.organisationId, t.phoneIndex),
    index('people_email_index_idx').on(t.organisationId, t.emailIndex),
    index('people_last_contact_idx').on(t.lastContactAt),
  ],
);

/** What a person came for; the need itself is sealed, its progress is not (it says nothing about them). */
export const personNeeds = pgTable(
  'person_needs',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    need: text('need').notNull(),
    progress: text('progress', { enum: NEED_STATUSES }).notNull(),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [index('person_needs_person_idx').on(t.personId)],
);

/** Short case notes and next steps of the recording organisation, sealed. No documents, ever. */
export const personNotes = pgTable(
  'person_notes',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind', { enum: ['note', 'next_step'] }).notNull(),
    body: text('body').notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id),
    createdAt: time('created_at').notNull(),
    doneAt: time('done_at'),
  },
  (t) => [index('person_notes_person_idx').on(t.personId), index('person_notes_created_idx').on(t.createdAt)],
);

/** A visit to a helpdesk site (an HSDS location of the organisation). */
export const personVisits = pgTable(
  'person_visits',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    siteId: text('site_id'),
    at: time('at').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
  },
  (t) => [index('person_visits_person_idx').on(t.personId), index('person_visits_at_idx').on(t.at)],
);

/** A person asked on /{lang}/my-data to be erased; the city confirms within a set time, or it happens then. */
export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    requestedAt: time('requested_at').notNull(),
    dueAt: time('due_at').notNull(),
  },
  (t) => [
    uniqueIndex('erasure_requests_person_idx').on(t.personId),
    index('erasure_requests_due_idx').on(t.dueAt),
  ],
);

/**
 * What is left when a person is erased or their record expires: that it happened, when, why and how many rows
 * went — never anything they told us. The person id is random and kept so an erasure can be proved.
 */
export const deletionRecords = pgTable(
  'deletion_records',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id'),
    organisationId: uuid('organisation_id'),
    reason: text('reason', { enum: ['erasure_by_staff', 'erasure_requested', 'retention'] }).notNull(),
    /** Rows deleted per table, e.g. `{"people":1,"person_notes":3}`. */
    rows: jsonb('rows').$type<Record<string, number>>().notNull(),
    at: time('at').notNull(),
  },
  (t) => [index('deletion_records_at_idx').on(t.at)],
);

// ---- JSON API shapes ----

/** Directory category codes and common spellings that name a need, so real inputs need no exact code. */
const NEED_ALIASES: Record<string, Need> = {
  legal_aid: 'legal',
  legal_help: 'legal',
  law: 'legal',
  medical: 'health',
  healthcare: 'health',
  mental: 'mental_health',
  psychosocial: 'mental_health',
  shelter: 'housing',
  accommodation: 'housing',
  emergency: 'safety',
  women: 'safety',
  lgbtiq: 'safety',
  protection: 'safety',
  violence: 'safety',
  clothes: 'essentials',
  hygiene: 'essentials',
  language_classes: 'language',
  languages: 'language',
  jobs: 'work',
  employment: 'work',
  work_rights: 'work',
  school: 'education',
  children_families: 'children',
  children_school: 'children',
  family: 'children',
  internet: 'connectivity',
  phone: 'connectivity',
  welcome: 'orientation',
  information: 'orientation',
  first_days: 'orientation',
};

export const ZNeed = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const code = value
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    return NEED_ALIASES[code] ?? code;
  },
  z.enum(NEED_CODES as [Need, ...Need[]]),
);

/** A language a person speaks: a BCP 47 tag (`ar`, `fa-AF`) or a plain name; at most 35 characters. */
const ZLanguage = z
  .string()
  .trim()
  .regex(/^[\p{L}]{2,20}(-[\p{L}\p{N}]{1,8})*$/u)
  .max(35);
const ZPhone = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[0-9 ().\-/]+$/)
  .refine((phone) => phone.replace(/\D/g, '').length >= 5, { message: 'too few digits' });

/**
 * What staff may record about a person (fields.ts); everything optional. Unknown properties are refused, so
 * nothing outside the registry (a status, a document number) can be stored by mistake.
 */
export const ZPersonCreate = z
  .strictObject({
    displayName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('A name or alias, as the person wishes.'),
    phone: ZPhone.optional(),
    email: z.email().max(254).optional(),
    languages: z.array(ZLanguage).max(10).optional(),
    needs: z.array(ZNeed).max(20).optional(),
    interpreterNeeded: z.boolean().optional(),
    urgency: z.array(z.enum(URGENCY_FLAGS)).max(3).optional(),
    siteId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('The helpdesk site (HSDS location id) of the visit.'),
    sendCode: z
      .boolean()
      .optional()
      .describe('Also email the Arrival code to `email` (the person asked for it).'),
  })
  .meta({ id: 'PersonCreate' });
export type TPersonCreate = z.infer<typeof ZPersonCreate>;

/** A change to a person: a property set to `null` is forgotten. */
export const ZPersonUpdate = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100).nullable().optional(),
    phone: ZPhone.nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    languages: z.array(ZLanguage).max(10).nullable().optional(),
    interpreterNeeded: z.boolean().nullable().optional(),
    urgency: z.array(z.enum(URGENCY_FLAGS)).max(3).nullable().optional(),
  })
  .meta({ id: 'PersonUpdate' });
export type TPersonUpdate = z.infer<typeof ZPersonUpdate>;

export const ZPersonCreated = z
  .object({ id: z.uuid(), code: z.string().describe('The Arrival code, shown once: print it on the slip.') })
  .meta({ id: 'PersonCreated' });

export const ZNeedView = z.object({
  id: z.uuid(),
  need: z.enum(NEED_CODES as [Need, ...Need[]]),
  status: z.enum(NEED_STATUSES),
  createdAt: z.iso.datetime(),
});

export const ZNoteView = z.object({
  id: z.uuid(),
  kind: z.enum(['note', 'next_step']),
  body: z.string(),
  createdAt: z.iso.datetime(),
  doneAt: z.iso.datetime().optional(),
});

/**
 * A person as the caller may see them: the recording organisation sees all; an organisation with a consent sees
 * only the consented fields (`access: "consent"`).
 */
export const ZPersonView = z
  .object({
    id: z.uuid(),
    access: z.enum(['owner', 'consent']),
    displayName: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    languages: z.array(z.string()).optional(),
    needs: z.array(ZNeedView).optional(),
    interpreterNeeded: z.boolean().optional(),
    urgency: z.array(z.enum(URGENCY_FLAGS)).optional(),
    notes: z.array(ZNoteView).optional(),
    visits: z
      .array(z.object({ id: z.uuid(), siteId: z.string().optional(), at: z.iso.datetime() }))
      .optional(),
    erasureRequestedAt: z.iso.datetime().optional(),
    createdAt: z.iso.datetime().optional(),
    lastContactAt: z.iso.datetime().optional(),
    sharedUntil: z.iso.datetime().optional().describe('For `access: "consent"`: when the consent ends.'),
  })
  .meta({ id: 'Person' });
export type TPersonView = z.infer<typeof ZPersonView>;

export const ZPersonLookup = z
  .strictObject({
    phone: ZPhone.optional(),
    email: z.email().max(254).optional(),
    code: z.string().trim().min(1).max(40).optional(),
  })
  .refine((v) => v.phone ?? v.email ?? v.code, { message: 'phone, email or code' })
  .meta({ id: 'PersonLookup' });

export const ZNeedsAdd = z.strictObject({ needs: z.array(ZNeed).min(1).max(20) }).meta({ id: 'NeedsAdd' });
export const ZNeedUpdate = z.strictObject({ status: z.enum(NEED_STATUSES) }).meta({ id: 'NeedUpdate' });
export const NOTE_MAX_CHARS = 2000;
export const ZNoteCreate = z
  .strictObject({
    kind: z.enum(['note', 'next_step']).default('note'),
    body: z.string().trim().min(1).max(NOTE_MAX_CHARS),
  })
  .meta({ id: 'NoteCreate' });
export const ZVisitCreate = z
  .strictObject({ siteId: z.string().trim().min(1).max(200).optional() })
  .meta({ id: 'VisitCreate' });
