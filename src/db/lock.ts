import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * An exclusive lock on DATA_DIR. PGlite has no lock of its own, and two processes writing one data directory
 * silently lose data, so every process that opens the embedded database takes this lock first.
 * A lock file left by a process that is no longer alive is taken over (with a warning).
 */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by PID ${pid}. Stop that process first, or use another DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

const LOCK_NAME = 'arrival.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(
  dataDir: string,
  onWarning: (message: string) => void = () => {},
): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      // 'wx' fails when the file exists: creating it is the atomic "take the lock".
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new DataDirLockedError(dataDir, owner);
      }
      if (owner === undefined) {
        // Another process may be between creating the file and writing its PID: give it a moment.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        const again = readOwner(file);
        if (again !== undefined && again !== process.pid && isAlive(again)) {
          throw new DataDirLockedError(dataDir, again);
        }
      }
      onWarning(
        `Taking over the lock on ${dataDir} left by PID ${owner ?? 'unknown'}, which is no longer running.`,
      );
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; try again.
      }
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        if (readOwner(file) === process.pid) unlinkSync(file);
      },
    };
  }
  throw new Error(`Could not take the lock on ${dataDir}; try again.`);
}
