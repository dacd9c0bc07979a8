import {
  bigint,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { ROLES } from '../../http/policy.ts';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The city's own units and partner NGOs. Consents and referrals name this id, never an HSDS organization id. */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** The HSDS 3.0 organization this one publishes as, when it has one in the directory. */
  hsdsOrganizationId: text('hsds_organization_id'),
  createdAt: time('created_at').notNull(),
});

/** A member of staff. The email is stored lower-cased; it is staff contact data, not a newcomer's. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** Base32 TOTP secret (RFC 6238); null until enrolled. */
  totpSecret: text('totp_secret'),
  /** The last TOTP time step accepted: a code is accepted once (RFC 6238 §5.2). */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  createdAt: time('created_at').notNull(),
  disabledAt: time('disabled_at'),
});

/** A user acts for one organisation at a time, in the role they hold there. */
export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.organisationId] })],
);

/** Single-use recovery codes, stored as SHA-256 hashes (they are random, so a fast hash is enough). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: time('used_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** Sessions live in the database (any app node can check them); only a hash of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: time('created_at').notNull(),
    lastSeenAt: time('last_seen_at').notNull(),
    endedAt: time('ended_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/**
 * Failed logins per account name, whether or not the account exists (so that a lockout says nothing about
 * existence). Keyed by a hash of the lower-cased email.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstFailureAt: time('first_failure_at').notNull(),
  lockedUntil: time('locked_until'),
});

/** Invitations by email: single use, expiring; only a hash of the link's token is stored. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: ROLES }).notNull(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    createdAt: time('created_at').notNull(),
    expiresAt: time('expires_at').notNull(),
    acceptedAt: time('accepted_at'),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id),
  },
  (t) => [uniqueIndex('invitations_token_hash_idx').on(t.tokenHash)],
);

// ---- JSON API shapes ----

export const ZRole = z.enum(ROLES);

export const ZLogin = z
  .object({
    email: z.string().trim().min(3).max(254),
    password: z.string().min(1).max(1024),
    totp: z.string().trim().min(6).max(32).optional(),
    organisationId: z.uuid().optional(),
  })
  .meta({ id: 'Login' });
export type TLogin = z.infer<typeof ZLogin>;

export const ZSessionInfo = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string() }),
    organisation: z.object({ id: z.uuid(), name: z.string() }),
    role: ZRole,
    csrfToken: z.string(),
  })
  .meta({ id: 'Session' });

export const ZInvitationCreate = z
  .object({ email: z.string().trim().min(3).max(254), role: ZRole })
  .meta({ id: 'InvitationCreate' });

export const ZInvitationAccept = z
  .object({ token: z.string().min(20).max(100), password: z.string().min(1).max(1024) })
  .meta({ id: 'InvitationAccept' });
