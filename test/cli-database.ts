import path from 'node:path';
import { type Database, openPglite, openPostgres } from '../src/db/driver.ts';
import { freshServerDatabase } from '../src/db/testing.ts';
import { runCli } from './process.ts';
import { testDir } from './temp.ts';

export const TEST_MASTER_KEY = Buffer.alloc(32, 3).toString('base64');

/**
 * A database for CLI tests on the suite's driver: the environment for `arrival …` processes, and a way to open
 * the same database from the test between commands (PGlite: the DATA_DIR, while no command holds it).
 */
export async function cliDatabase(): Promise<{
  env: Record<string, string>;
  open(): Promise<Database>;
  close(): Promise<void>;
}> {
  const server = await freshServerDatabase();
  const dataDir = path.join(testDir('cli'), 'data');
  const env: Record<string, string> = {
    ...server.env,
    ARRIVAL_MASTER_KEY: TEST_MASTER_KEY,
    DATA_DIR: dataDir,
  };
  const migrated = await runCli(['migrate'], env);
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  return {
    env,
    open: () =>
      server.env.DATABASE_URL
        ? openPostgres(server.env.DATABASE_URL, { max: 2 })
        : openPglite({ dataDir: path.join(dataDir, 'pgdata') }),
    close: server.close,
  };
}
