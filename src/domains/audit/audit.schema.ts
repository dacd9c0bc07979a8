import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';

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

// ---- JSON API shapes ----

const ZToken = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);

/** Filters of the audit viewer and its CSV export. `to` is exclusive; dates are ISO 8601. */
export const ZAuditQuery = z.object({
  actor: z.uuid().optional(),
  organisation: z.uuid().optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{0,99}$/)
    .optional(),
  objectType: ZToken.optional(),
  objectId: ZToken.optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;
