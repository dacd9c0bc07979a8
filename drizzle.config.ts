import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes in the Drizzle schema into a new SQL migration under src/db/migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
