// The whole database schema, for Drizzle and drizzle-kit: each domain's tables are re-exported here by name
// (a domain's schema file may also hold its Zod schemas, which are no tables).
// Migrations are generated from it (`npm run db:generate`) and committed under src/db/migrations.

export {
  invitations,
  loginThrottle,
  memberships,
  organisations,
  recoveryCodes,
  sessions,
  users,
} from '../domains/accounts/accounts.schema.ts';
export { auditLog } from '../domains/audit/audit.schema.ts';
export { consents } from '../domains/consent/consent.schema.ts';
export * from '../domains/directory/directory.schema.ts';
export { outbox } from '../domains/notify/notify.schema.ts';
export {
  deletionRecords,
  erasureRequests,
  people,
  personNeeds,
  personNotes,
  personVisits,
} from '../domains/people/people.schema.ts';
export { referralEvents, referrals, serviceCapacity } from '../domains/referrals/referrals.schema.ts';
