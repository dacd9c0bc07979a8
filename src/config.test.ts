import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../test/temp.ts';
import { ConfigError, loadConfig, resolveMasterKey } from './config.ts';

const key = Buffer.alloc(32, 1).toString('base64');

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.database).toEqual({ kind: 'pglite', dataDir: path.resolve('./data') });
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(c.demo).toBeUndefined();
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://a:b@localhost:5432/arrival', ARRIVAL_MASTER_KEY: key });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://a:b@localhost:5432/arrival' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['ARRIVAL_MASTER_KEY', 'too-short'],
    ['ARRIVAL_MASTER_KEY', Buffer.alloc(16).toString('base64')],
    ['PUBLIC_BASE_URL', 'ftp://example.org'],
    ['ARRIVAL_DEMO', 'yes'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses an invalid %s and names it', (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(String((caught as Error).message)).toContain(name);
    expect(String((caught as Error).message)).not.toContain(value.length > 8 ? value : '\u0000');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', ARRIVAL_DEMO: '' }).port).toBe(3000);
  });

  it('requires ARRIVAL_MASTER_KEY on PostgreSQL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://localhost/arrival' });
    expect(() => resolveMasterKey(c)).toThrow(/ARRIVAL_MASTER_KEY/);
  });

  it('creates a key file readable only by its owner on the embedded default, then reuses it', () => {
    const dir = testDir('key');
    const c = loadConfig({ DATA_DIR: dir });
    const first = resolveMasterKey(c);
    expect(first.key).toHaveLength(32);
    expect(first.warning).toMatch(/Created a new master key/);
    const file = path.join(dir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.key)).toBe(true);
    expect(resolveMasterKey(c).key.equals(first.key)).toBe(true);
  });

  it('prefers ARRIVAL_MASTER_KEY over any key file', () => {
    const c = loadConfig({ ARRIVAL_MASTER_KEY: key });
    expect(resolveMasterKey(c)).toEqual({ key: Buffer.alloc(32, 1) });
  });
});
