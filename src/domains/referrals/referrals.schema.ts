import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { organisations, users } from '../accounts/accounts.schema.ts';
import { consents } from '../consent/consent.schema.ts';
import { NEED_CODES, type Need, URGENCY_FLAGS } from '../people/needs.ts';
import { people, personNeeds } from '../people/people.schema.ts';
import { REFERRAL_STATES } from './referrals.machine.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A closed-loop referral of a person to a service of the directory. It goes to the Arrival organisation linked
 * to the service's HSDS organization. The receiver sees it only while its consent lasts (or, pseudonymous and
 * without consent, needs, languages and urgency only); reasons are sealed under the person's key.
 */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    needId: uuid('need_id').references(() => personNeeds.id, { onDelete: 'set null' }),
    /** The HSDS service id (text, as HSDS ids are). */
    serviceId: text('service_id').notNull(),
    senderOrganisationId: uuid('sender_organisation_id')
      .notNull()
      .references(() => organisations.id),
    receiverOrganisationId: uuid('receiver_organisation_id')
      .notNull()
      .references(() => organisations.id),
    consentId: uuid('consent_id').references(() => consents.id, { onDelete: 'set null' }),
    pseudonymous: boolean('pseudonymous').notNull(),
    state: text('state', { enum: REFERRAL_STATES }).notNull(),
    /** Sealed: why it was declined, not completed or cancelled. */
    reason: text('reason'),
    /** Keyed HMAC of the one-time code the person shows at the service to lift the pseudonym. */
    disclosureIndex: text('disclosure_index'),
    identityDisclosedAt: time('identity_disclosed_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
    sentAt: time('sent_at'),
    receivedAt: time('received_at'),
    escalatedAt: time('escalated_at'),
    closedAt: time('closed_at'),
  },
  (t) => [
    index('referrals_person_idx').on(t.personId),
    index('referrals_sender_idx').on(t.senderOrganisationId, t.state),
    index('referrals_receiver_idx').on(t.receiverOrganisationId, t.state),
    index('referrals_closed_idx').on(t.closedAt),
  ],
);

/** Every change of a referral, with time and actor: both sides see them all. */
export const referralEvents = pgTable(
  'referral_events',
  {
    id: uuid('id').primaryKey(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    at: time('at').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorOrganisationId: uuid('actor_organisation_id').references(() => organisations.id),
    fromState: text('from_state', { enum: REFERRAL_STATES }),
    toState: text('to_state', { enum: REFERRAL_STATES }).notNull(),
    /** Sealed, as on the referral. */
    reason: text('reason'),
  },
  (t) => [index('referral_events_referral_idx').on(t.referralId, t.at)],
);

/**
 * What a receiving organisation says about a service before anyone refers to it: whether it takes referrals
 * now, how many a week, how long people wait. Public to staff of every organisation; nothing personal.
 */
export const serviceCapacity = pgTable('service_capacity', {
  serviceId: text('service_id').primaryKey(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  accepting: boolean('accepting').notNull(),
  weeklyPlaces: integer('weekly_places'),
  waitingDays: integer('waiting_days'),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: time('updated_at').notNull(),
});

// ---- JSON API shapes ----

/** An HSDS service id as the directory keeps it (text; HSDS ids are usually UUIDs). */
const ZServiceId = z.string().trim().min(1).max(200);
export const REASON_MAX_CHARS = 500;
const ZReason = z.string().trim().min(1).max(REASON_MAX_CHARS);

export const ZReferralCreate = z
  .strictObject({
    personId: z.uuid(),
    serviceId: ZServiceId.describe('The HSDS id of the service in the directory.'),
    consentId: z
      .uuid()
      .optional()
      .describe('The person’s consent to share fields with the receiving organisation (purpose `referral`).'),
    pseudonymous: z
      .boolean()
      .describe('The receiver sees needs, languages and urgency only, until the person shows their code.'),
    needId: z.uuid().optional().describe('The need of the person this referral answers.'),
    draft: z.boolean().optional().describe('Keep it as a draft: the receiver sees nothing until it is sent.'),
  })
  .meta({ id: 'ReferralCreate' });
export type TReferralCreate = z.infer<typeof ZReferralCreate>;

export const ZReferralCreated = z
  .object({
    id: z.uuid(),
    state: z.enum(REFERRAL_STATES),
    disclosureCode: z
      .string()
      .optional()
      .describe('Pseudonymous only: the one-time code the person shows at the service. Shown once.'),
  })
  .meta({ id: 'ReferralCreated' });

export const ZReferralStatus = z
  .strictObject({
    status: z.enum(REFERRAL_STATES),
    reason: ZReason.optional().describe('Required to decline or to close as not completed.'),
  })
  .meta({ id: 'ReferralStatusChange' });
export type TReferralStatus = z.infer<typeof ZReferralStatus>;

export const ZDisclosure = z
  .strictObject({ code: z.string().trim().min(1).max(40) })
  .meta({ id: 'ReferralDisclosure' });

const ZNamed = z.object({ id: z.string(), name: z.string() });

/** What each side sees of a referral (GET /api/v1/referrals/{id}). */
export const ZReferralView = z
  .object({
    id: z.uuid(),
    state: z.enum(REFERRAL_STATES),
    side: z.enum(['sender', 'receiver']).describe('The caller’s side of the referral.'),
    pseudonymous: z.boolean(),
    service: ZNamed,
    sender: ZNamed,
    receiver: ZNamed,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    sentAt: z.iso.datetime().optional(),
    escalatedAt: z.iso.datetime().optional(),
    closedAt: z.iso.datetime().optional(),
    reason: z.string().optional(),
    consent: z.object({ id: z.uuid(), fields: z.array(z.string()), expiresAt: z.iso.datetime() }).optional(),
    person: z.object({
      identityDisclosed: z.boolean(),
      displayName: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
      languages: z.array(z.string()).optional(),
      needs: z.array(z.enum(NEED_CODES as [Need, ...Need[]])).optional(),
      urgency: z.array(z.enum(URGENCY_FLAGS)).optional(),
      interpreterNeeded: z.boolean().optional(),
    }),
    events: z.array(
      z.object({
        at: z.iso.datetime(),
        from: z.enum(REFERRAL_STATES).optional(),
        to: z.enum(REFERRAL_STATES),
        organisation: ZNamed.optional().describe('Absent when the system moved it (expiry).'),
        reason: z.string().optional(),
      }),
    ),
    moves: z.array(z.enum(REFERRAL_STATES)).describe('The states the caller may move it to now.'),
  })
  .meta({ id: 'Referral' });
export type TReferralView = z.infer<typeof ZReferralView>;

export const ZReferralListQuery = z.strictObject({
  box: z.enum(['sent', 'received']),
  state: z.enum(REFERRAL_STATES).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type TReferralListQuery = z.infer<typeof ZReferralListQuery>;

/** A referral in a list: no personal field at all. */
export const ZReferralListItem = z.object({
  id: z.uuid(),
  state: z.enum(REFERRAL_STATES),
  pseudonymous: z.boolean(),
  service: ZNamed,
  sender: ZNamed,
  receiver: ZNamed,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sentAt: z.iso.datetime().optional(),
  overdue: z.boolean().describe('Waiting for the receiver longer than the city’s acknowledgement time.'),
});

export const ZReferralList = z
  .object({
    items: z.array(ZReferralListItem),
    page: z.number().int(),
    perPage: z.number().int(),
    totalItems: z.number().int(),
    totalPages: z.number().int(),
  })
  .meta({ id: 'ReferralList' });
export type TReferralList = z.infer<typeof ZReferralList>;

const ZCounts = z.object({
  open: z.number().int(),
  overdue: z.number().int(),
  completed: z.number().int(),
});
export const ZReferralSummary = z
  .object({ sent: ZCounts, received: ZCounts })
  .meta({ id: 'ReferralSummary' });
export type TReferralSummary = z.infer<typeof ZReferralSummary>;

export const ZCapacityUpdate = z
  .strictObject({
    accepting: z.boolean(),
    weeklyPlaces: z.number().int().min(0).max(100_000).nullable().optional(),
    waitingDays: z.number().int().min(0).max(3650).nullable().optional(),
  })
  .meta({ id: 'ServiceCapacityUpdate' });
export type TCapacityUpdate = z.infer<typeof ZCapacityUpdate>;

export const ZCapacity = z
  .object({
    accepting: z.boolean(),
    weeklyPlaces: z.number().int().optional(),
    waitingDays: z.number().int().optional(),
    updatedAt: z.iso.datetime().optional(),
    referrable: z
      .boolean()
      .describe('Whether referrals can be sent to it: its organisation has an account in Arrival.'),
  })
  .meta({ id: 'ServiceCapacity' });
export type TCapacity = z.infer<typeof ZCapacity>;
export const ZServiceIdParams = z.object({ id: ZServiceId });
