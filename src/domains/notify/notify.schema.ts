import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Messages to send, written in the same transaction as the change that causes them and sent after commit
 * (DESIGN.md "Layout"). `params` may hold a secret link until the message is sent; then it is emptied.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey(),
    channel: text('channel', { enum: ['email'] }).notNull(),
    recipient: text('recipient').notNull(),
    /** A message template: `email.<template>.subject` and `.body` in the catalogues. */
    template: text('template').notNull(),
    locale: text('locale').notNull(),
    params: jsonb('params').$type<Record<string, string | number>>().notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: time('next_attempt_at').notNull(),
    /** A code only (an SMTP status or a system error code), never the server's full answer. */
    lastError: text('last_error'),
    createdAt: time('created_at').notNull(),
    sentAt: time('sent_at'),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);
