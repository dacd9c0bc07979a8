import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { totpCodeAt } from '../src/domains/accounts/index.ts';
import { TEST_MASTER_KEY } from './cli-database.ts';
import { runCli, type ServerProcess, startServerProcess } from './process.ts';
import { testDir } from './temp.ts';

/**
 * Firewall rules 3 and 4 end to end, the way an outside check does it: the real server process on a fresh
 * database, a person recorded through the JSON API with a unique marker, and then a byte search of every file
 * under DATA_DIR (on PostgreSQL: every row of every table, as text), the server's logs, an HSDS export and the
 * audit CSV export — before erasure and after it. Then `arrival retention run` and `arrival audit verify`.
 */

const PASSWORD = 'correct horse battery staple 42';
const tempDir = () => testDir('firewall');

interface Enrolled {
  email: string;
  secret: string;
  recoveryCodes: string[];
}

/** `arrival create-user`, reading what a provisioning script reads: the otpauth URI and the recovery codes. */
async function createUser(env: Record<string, string>, email: string, organisation: string, role: string) {
  const res = await runCli(
    ['create-user', '--email', email, '--organisation', organisation, '--role', role, '--password-stdin'],
    env,
    PASSWORD,
  );
  expect(res.code, res.stderr).toBe(0);
  const lines = res.stdout.split('\n').map((l) => l.trim());
  const uri = lines.find((l) => l.startsWith('otpauth://')) ?? '';
  const secret = new URL(uri).searchParams.get('secret') ?? '';
  const start = lines.findIndex((l) => l.startsWith('Recovery codes'));
  return { email, secret, recoveryCodes: lines.slice(start + 1).filter(Boolean) } satisfies Enrolled;
}

interface Session {
  cookie: string;
  csrfToken: string;
  organisationId: string;
}

async function logIn(url: string, user: Enrolled, secondFactor: string): Promise<Session> {
  const res = await fetch(new URL('/api/v1/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: PASSWORD, totp: secondFactor }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { csrfToken: string; organisation: { id: string } };
  return {
    cookie: (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '',
    csrfToken: body.csrfToken,
    organisationId: body.organisation.id,
  };
}

async function api(url: string, session: Session, method: string, route: string, payload?: object) {
  const res = await fetch(new URL(route, url), {
    method,
    headers: {
      cookie: session.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrfToken }),
      ...(payload ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload ? { body: JSON.stringify(payload) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

/** Where each needle occurs in the given haystacks (file paths or labels), by raw bytes. */
function hits(haystacks: Map<string, Buffer>, needles: Buffer[]): string[] {
  const found: string[] = [];
  for (const [where, bytes] of haystacks)
    for (const needle of needles)
      if (bytes.indexOf(needle) >= 0) found.push(`${where}: ${JSON.stringify(needle.toString('utf8'))}`);
  return found;
}

function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files.set(file, readFileSync(file));
    }
  return files;
}

/** PostgreSQL: every row of every table as text (the data directory itself may not be readable here). */
async function databaseRows(url: string): Promise<Map<string, Buffer>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const rows = new Map<string, Buffer>();
    for (const { schema, name } of tables.rows) {
      const quoted = `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
      const result = await client.query<{ row: string }>(`select t::text as row from ${quoted} t`);
      rows.set(`${schema}.${name}`, Buffer.from(result.rows.map((r) => r.row).join('\n'), 'utf8'));
    }
    return rows;
  } finally {
    await client.end();
  }
}

describe('firewall rules 3 and 4 on a real server: no trace of a person in files, logs or exports', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
  });

  it('keeps a marked person out of DATA_DIR, logs and exports, before and after erasure', async () => {
    const db = await freshServerDatabase();
    const dataDir = path.join(tempDir(), 'data');
    const onPostgres = db.env.DATABASE_URL !== undefined;
    // The embedded default makes its own key file in DATA_DIR, as a city's first start does.
    const env: Record<string, string> = {
      ...db.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...(onPostgres ? { ARRIVAL_MASTER_KEY: TEST_MASTER_KEY } : {}),
    };
    const tag = randomBytes(5).toString('hex');
    const marker = `Quillon Marrowby ${tag}`;
    const phoneDigits = `6${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
    const phone = `+34 ${phoneDigits.slice(0, 3)} ${phoneDigits.slice(3, 6)} ${phoneDigits.slice(6)}`;
    const email = `quillon.${tag}@example.org`;
    const logs: string[] = [];
    const exportsDir = tempDir();
    try {
      // Staff emails are stored in the clear: they must not carry the marker's tag.
      const staffTag = randomBytes(4).toString('hex');
      const desk = await createUser(env, `desk.${staffTag}@city.example`, 'City Helpdesk', 'caseworker');
      const auditor = await createUser(env, `audit.${staffTag}@city.example`, 'City Audit Office', 'auditor');

      // 1. Record the person, a note and a consent, read them back (so they are really stored), export.
      let server = await startServerProcess(env);
      servers.push(server);
      let session = await logIn(server.url, desk, totpCodeAt(desk.secret, new Date()));
      let auditSession = await logIn(server.url, auditor, totpCodeAt(auditor.secret, new Date()));
      const created = await api(server.url, session, 'POST', '/api/v1/people', {
        displayName: marker,
        phone,
        email,
        languages: ['ar'],
        needs: ['legal'],
      });
      expect(created.status, created.text).toBe(201);
      const { id, code } = JSON.parse(created.text) as { id: string; code: string };
      const note = await api(server.url, session, 'POST', `/api/v1/people/${id}/notes`, {
        body: `${marker} asked about a lawyer`,
      });
      expect(note.status, note.text).toBe(201);
      const consent = await api(server.url, session, 'POST', `/api/v1/people/${id}/consents`, {
        recipientOrganisationId: auditSession.organisationId,
        fields: ['displayName', 'needs'],
        purpose: 'case_coordination',
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      expect(consent.status, consent.text).toBe(201);
      const { receiptCode } = JSON.parse(consent.text) as { receiptCode: string };
      const found = await api(server.url, session, 'POST', '/api/v1/people/lookup', { phone });
      expect(JSON.parse(found.text)).toEqual({ matches: [{ id }] });
      const read = await api(server.url, session, 'GET', `/api/v1/people/${id}`);
      expect(read.text).toContain(marker);
      const auditCsv1 = await api(server.url, auditSession, 'GET', '/api/v1/audit/export.csv');
      expect(auditCsv1.status).toBe(200);
      expect(auditCsv1.text).toContain(id);
      expect(await server.stop('SIGTERM')).toBe(0);
      logs.push(server.output());
      const export1 = path.join(exportsDir, 'before');
      const exported1 = await runCli(['export-hsds', export1], env);
      expect(exported1.code, exported1.stderr).toBe(0);

      const needles = [
        marker,
        marker.toLowerCase(),
        marker.toUpperCase(),
        tag,
        email,
        phone,
        `+34${phoneDigits}`,
        code,
        receiptCode,
        'asked about a lawyer',
      ].map((text) => Buffer.from(text, 'utf8'));
      needles.push(Buffer.from(marker, 'utf16le'));
      const storage = async () =>
        onPostgres ? databaseRows(db.env.DATABASE_URL ?? '') : filesUnder(dataDir);
      const everywhere = async (auditCsv: string, exportDir: string) =>
        new Map<string, Buffer>([
          ...(await storage()),
          ...filesUnder(exportDir),
          ['audit CSV export', Buffer.from(auditCsv, 'utf8')],
          ['server logs', Buffer.from(logs.join('\n'), 'utf8')],
        ]);
      const before = await everywhere(auditCsv1.text, export1);
      // The search does see what is stored in the clear: a member of staff's login email.
      expect(hits(before, [Buffer.from(desk.email, 'utf8')]).length).toBeGreaterThan(0);
      expect(hits(before, needles)).toEqual([]);

      // 2. Start again: the person is still there (sealed, not lost); erase them; export again.
      server = await startServerProcess(env);
      servers.push(server);
      session = await logIn(server.url, desk, desk.recoveryCodes[0] ?? '');
      auditSession = await logIn(server.url, auditor, auditor.recoveryCodes[0] ?? '');
      expect((await api(server.url, session, 'GET', `/api/v1/people/${id}`)).text).toContain(marker);
      const erased = await api(server.url, session, 'DELETE', `/api/v1/people/${id}`);
      expect(erased.status, erased.text).toBe(204);
      expect((await api(server.url, session, 'GET', `/api/v1/people/${id}`)).status).toBe(404);
      const auditCsv2 = await api(server.url, auditSession, 'GET', '/api/v1/audit/export.csv');
      expect(auditCsv2.text).toContain('person.erased');
      expect(await server.stop('SIGTERM')).toBe(0);
      logs.push(server.output());
      const export2 = path.join(exportsDir, 'after');
      expect((await runCli(['export-hsds', export2], env)).code).toBe(0);
      expect(hits(await everywhere(auditCsv2.text, export2), needles)).toEqual([]);

      // 3. Retention runs on the same data, and the audit chain holds.
      const retention = await runCli(['retention', 'run'], env);
      expect(retention.code, retention.stderr).toBe(0);
      expect(retention.stdout).toMatch(/^retention: erased 0 person\(s\)/m);
      const verified = await runCli(['audit', 'verify'], env);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/audit log intact: \d+ rows/);
      logs.push(retention.stdout, retention.stderr, verified.stdout, verified.stderr);
      expect(hits(await everywhere(auditCsv2.text, export2), needles)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 300_000);
});
