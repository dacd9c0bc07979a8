import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/accounts.schema.ts';
import { consents } from '../consent/consent.schema.ts';
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
