import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/rows.ts';
import { cliDatabase } from './cli-database.ts';
import { runCli } from './process.ts';

// Each test starts the CLI several times (a Node process that opens and migrates the database): slow on a busy CI.
describe('arrival create-admin and create-user', { timeout: 120_000 }, () => {
  let target: Awaited<ReturnType<typeof cliDatabase>>;
  beforeAll(async () => {
    target = await cliDatabase();
  });
  afterAll(async () => {
    await target?.close();
  });

  const count = async (table: 'users' | 'organisations') => {
    const database = await target.open();
    try {
      const rows = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from ${sql.identifier(table)}`,
      );
      return rows[0]?.n;
    } finally {
      await database.close();
    }
  };

  it('creates the first city admin from a password on stdin, printing the TOTP URI and recovery codes', async () => {
    const res = await runCli(
      ['create-admin', '--email', 'mayor@city.example', '--password-stdin'],
      { ...target.env, ARRIVAL_CITY_NAME: 'Porto Novo' },
      'a long and unusual passphrase 7\n',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('city_admin of Porto Novo');
    expect(res.stdout).toMatch(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]+/m);
    expect(res.stdout.match(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/gm)).toHaveLength(10);
    expect(res.stdout).not.toContain('a long and unusual passphrase');
  });

  it('creates a user in an organisation it creates, linked to an HSDS organization; no TOTP for analysts', async () => {
    const res = await runCli(
      [
        'create-user',
        '--email',
        'counts@ngo.example',
        '--organisation',
        'Open Doors',
        '--role',
        'analyst',
        '--password-stdin',
        '--hsds-organization-id',
        'org-42',
      ],
      target.env,
      'another long passphrase 8',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toContain('otpauth://');
    const database = await target.open();
    try {
      const rows = await queryRows<{ name: string; hsds_organization_id: string | null }>(
        database.db,
        sql`select name, hsds_organization_id from organisations order by name`,
      );
      expect(rows).toContainEqual({ name: 'Open Doors', hsds_organization_id: 'org-42' });
    } finally {
      await database.close();
    }
  });

  it('refuses a weak password, a taken email and an unknown role, creating nothing', async () => {
    const before = await count('users');
    const weak = await runCli(
      [
        'create-user',
        '--email',
        'w@ngo.example',
        '--organisation',
        'New Org',
        '--role',
        'caseworker',
        '--password-stdin',
      ],
      target.env,
      'password1234',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('PASSWORD_TOO_COMMON');
    const short = await runCli(
      [
        'create-user',
        '--email',
        'w@ngo.example',
        '--organisation',
        'New Org',
        '--role',
        'caseworker',
        '--password-stdin',
      ],
      target.env,
      'short',
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 12 characters');
    const taken = await runCli(
      ['create-admin', '--email', 'MAYOR@city.example', '--password-stdin'],
      target.env,
      'yet another long passphrase 9',
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('EMAIL_TAKEN');
    const role = await runCli(
      [
        'create-user',
        '--email',
        'x@ngo.example',
        '--organisation',
        'New Org',
        '--role',
        'boss',
        '--password-stdin',
      ],
      target.env,
      'yet another long passphrase 9',
    );
    expect(role.code).toBe(2);
    expect(await count('users')).toBe(before);
    expect(await count('organisations')).toBe(2);
  });

  it('reads passwords only from stdin', async () => {
    const res = await runCli(['create-admin', '--email', 'a@city.example'], target.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--password-stdin');
  });
});
