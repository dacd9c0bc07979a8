import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/accounts.schema.ts';
import { people } from '../people/people.schema.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** What a consent allows (DESIGN.md "Staff API details"). */
export const CONSENT_PURPOSES = ['referral', 'case_coordination', 'follow_up'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * Firewall rule 5: a person's explicit, scoped, expiring, revocable permission to share named fields with one
 * recipient organisation for one purpose. How it was explained (language, interpreter) is sealed under the
 * person's key; the receipt code the person holds is stored only as a keyed HMAC.
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** The organisation whose staff recorded the consent (the person's recording organisation). */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    recipientOrganisationId: uuid('recipient_organisation_id')
      .notNull()
      .references(() => organisations.id),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    /** Names from fields.ts SHAREABLE_FIELDS. */
    fields: jsonb('fields').$type<string[]>().notNull(),
    expiresAt: time('expires_at').notNull(),
    /** The member of staff who attests that it was explained and given freely. */
    attestedBy: uuid('attested_by').references(() => users.id),
    attested: boolean('attested').notNull(),
    /** Sealed `{ language, interpreter }`. */
    explanation: text('explanation').notNull(),
    receiptIndex: text('receipt_index').notNull(),
    createdAt: time('created_at').notNull(),
    revokedAt: time('revoked_at'),
    revokedVia: text('revoked_via', { enum: ['person', 'staff'] }),
  },
  (t) => [
    uniqueIndex('consents_receipt_index_idx').on(t.receiptIndex),
    index('consents_person_idx').on(t.personId),
    index('consents_recipient_idx').on(t.recipientOrganisationId, t.personId),
    index('consents_expires_idx').on(t.expiresAt),
  ],
);
