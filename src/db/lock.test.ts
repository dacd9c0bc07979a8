import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../../test/temp.ts';
import { acquireDataDirLock, DataDirLockedError } from './lock.ts';

const tempDir = () => testDir('lock');

describe('DATA_DIR lock', () => {
  it('takes the lock, writes its PID, and releases it', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses while another live process holds it, naming that PID', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path.join(dir, 'arrival.lock'), `${other.pid}\n`);
      let caught: unknown;
      try {
        acquireDataDirLock(dir);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DataDirLockedError);
      expect((caught as Error).message).toContain(`in use by PID ${other.pid}`);
      expect(readFileSync(path.join(dir, 'arrival.lock'), 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone, with a warning', async () => {
    const dir = tempDir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(path.join(dir, 'arrival.lock'), `${gone.pid}\n`);
    const warnings: string[] = [];
    const lock = acquireDataDirLock(dir, (w) => warnings.push(w));
    expect(warnings.join()).toContain(`PID ${gone.pid}`);
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
