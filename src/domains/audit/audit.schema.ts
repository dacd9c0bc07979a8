import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One append-only chain per deployment (DESIGN.md "Staff API details"): rows are ordered by `seq`, and each
 * `hash` is SHA-256 over the row's canonical form and the previous row's hash. Object ids only, never
 * personal plaintext. A trigger (migration `audit_log_append_only`) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull().unique(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorUserId: uuid('actor_user_id'),
    actorOrganisationId: uuid('actor_organisation_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    purpose: text('purpose'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorUserId),
    index('audit_log_object_idx').on(t.objectType, t.objectId),
  ],
);
