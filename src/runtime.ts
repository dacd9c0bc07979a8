import type { Logger } from 'pino';
import { type Config, resolveMasterKey } from './config.ts';
import { type Database, openDatabase } from './db/driver.ts';
import { acquireDataDirLock, type DataDirLock } from './db/lock.ts';

/** An open, migrated database and, on the embedded driver, the lock on DATA_DIR that guards it. */
export interface Runtime {
  database: Database;
  /** The deployment key that wraps each person's data key. */
  masterKey: Buffer;
  close(): Promise<void>;
}

/**
 * Opens the configured database for a command or the server. On PGlite the DATA_DIR lock comes first, so a
 * second process refuses at once instead of corrupting the data; on PostgreSQL commands run beside the server.
 * Every command migrates first (DESIGN.md "Contract details").
 */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  let lock: DataDirLock | undefined;
  if (config.database.kind === 'pglite') {
    lock = acquireDataDirLock(config.dataDir, (message) => logger.warn(message));
  }
  let database: Database | undefined;
  let masterKey: Buffer;
  try {
    // Before any connection: PostgreSQL deployments must bring their own key.
    const resolved = resolveMasterKey(config);
    if (resolved.warning) logger.warn(resolved.warning);
    masterKey = resolved.key;
    database = await openDatabase(config.database);
    await database.migrate();
  } catch (error) {
    await database?.close().catch(() => {});
    lock?.release();
    throw error;
  }
  const opened = database;
  let closed = false;
  return {
    database: opened,
    masterKey,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await opened.close();
      } finally {
        lock?.release();
      }
    },
  };
}
