// The whole database schema, for Drizzle and drizzle-kit: each domain's tables are re-exported here.
// Migrations are generated from it (`npm run db:generate`) and committed under src/db/migrations.
export * from '../domains/directory/directory.schema.ts';
