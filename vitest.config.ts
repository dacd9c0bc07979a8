import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Each file gets its own database from the migrated template, so files run in parallel safely.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.ARRIVAL_TEST_JSON
      ? ['default', ['json', { outputFile: process.env.ARRIVAL_TEST_JSON }]]
      : ['default'],
  },
});
