import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { messageText, startSmtpServer, type TestSmtp } from '../../../test/smtp.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';
import { totpCodeAt } from './accounts.totp.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('invitations by email', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let boss: TestStaff;
  let bossSession: StaffSession;
  let other: TestStaff;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await buildTestApp({
      mailTransport: smtp.transport(),
      env: { PUBLIC_BASE_URL: 'https://arrival.city.example' },
    });
    boss = await createStaff(t, { email: 'boss@ngo.example', role: 'org_admin', organisation: 'Open Doors' });
    other = await createStaff(t, {
      email: 'boss@legal.example',
      role: 'org_admin',
      organisation: 'Legal Aid',
    });
    bossSession = await logInAs(t, boss);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const invite = (
    email: string,
    role = 'caseworker',
    organisationId = boss.organisationId,
    s = bossSession,
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${organisationId}/invitations`,
      headers: s.headers(true),
      payload: { email, role },
    });
  const accept = (token: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password } });
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from ${sql.identifier(table)}`,
      )
    )[0]?.n;
  /** Sends what is in the outbox and returns the token of the last invitation link received. */
  async function deliveredToken(): Promise<string> {
    await t.app.outbox.flush();
    const text = messageText(smtp.messages.at(-1) ?? '');
    const match = /https:\/\/arrival\.city\.example\/staff\/invitations\/([A-Za-z0-9_-]{43})/.exec(text);
    if (!match?.[1]) throw new Error(`no invitation link in:\n${text}`);
    return match[1];
  }

  it('emails a single-use link after commit, and the new member sets a password and gets TOTP enrolment', async () => {
    const res = await invite('New.Worker@NGO.example');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email: 'new.worker@ngo.example', role: 'caseworker' });
    const token = await deliveredToken();
    const raw = smtp.messages.at(-1) ?? '';
    expect(raw).toContain('To: new.worker@ngo.example');
    expect(raw).toMatch(/Subject: You are invited to join Open Doors on Arrival/);
    // Once sent, the link is no longer kept in the outbox.
    expect(JSON.stringify(await queryRows(t.database.db, sql`select params from outbox`))).not.toContain(
      token,
    );

    const accepted = await accept(token, 'my own long passphrase 31');
    expect(accepted.statusCode).toBe(201);
    const body = accepted.json();
    expect(body.email).toBe('new.worker@ngo.example');
    expect(body.totp.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(body.totp.recoveryCodes).toHaveLength(10);

    const secret = new URL(body.totp.uri).searchParams.get('secret') ?? '';
    t.clock.advance(30_000);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        email: 'new.worker@ngo.example',
        password: 'my own long passphrase 31',
        totp: totpCodeAt(secret, t.clock.now()),
      },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().organisation.name).toBe('Open Doors');
    expect(login.json().role).toBe('caseworker');

    const again = await accept(token, 'another long passphrase 32');
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('INVITATION_USED');
  });

  it('refuses an expired link, and changes nothing', async () => {
    await invite('late@ngo.example');
    const token = await deliveredToken();
    t.clock.advance(7 * DAY + 1000);
    const users = await count('users');
    const res = await accept(token, 'my own long passphrase 33');
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('INVITATION_EXPIRED');
    expect(await count('users')).toBe(users);
  });

  it('refuses an unknown or guessed link with the same 404 as anything missing', async () => {
    const res = await accept('A'.repeat(43), 'my own long passphrase 34');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('keeps the invitation usable after a refused weak password', async () => {
    bossSession = await logInAs(t, boss);
    await invite('careful@ngo.example', 'analyst');
    const token = await deliveredToken();
    const users = await count('users');
    const weak = await accept(token, 'password');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('PASSWORD_TOO_SHORT');
    expect(await count('users')).toBe(users);
    const ok = await accept(token, 'a much better passphrase 35');
    expect(ok.statusCode).toBe(201);
    expect(ok.json().totp).toBeUndefined();
  });

  it('lets an organisation admin invite only to their own organisation, and not as city admin', async () => {
    const foreign = await invite('x@legal.example', 'caseworker', other.organisationId);
    expect(foreign.statusCode).toBe(404);
    const tooHigh = await invite('x@ngo.example', 'city_admin');
    expect(tooHigh.statusCode).toBe(403);
    const taken = await invite('boss@legal.example');
    expect(taken.statusCode).toBe(409);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${boss.organisationId}/invitations`,
      headers: bossSession.headers(false),
      payload: { email: 'y@ngo.example', role: 'caseworker' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(await count('invitations')).toBe(3);
  });

  it('retries a refused email later, and writes nothing about it but a code', async () => {
    smtp.refuseNext(1);
    const before = smtp.messages.length;
    await invite('retry@ngo.example');
    expect(await t.app.outbox.flush()).toEqual({ sent: 0, failed: 1 });
    expect(smtp.messages.length).toBe(before);
    const [row] = await queryRows<{ status: string; attempts: number; last_error: string }>(
      t.database.db,
      sql`select status, attempts, last_error from outbox where recipient = 'retry@ngo.example'`,
    );
    expect(row).toEqual({ status: 'pending', attempts: 1, last_error: 'SMTP_451' });
    t.clock.advance(61_000);
    expect(await t.app.outbox.flush()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('audits invitations created and accepted', async () => {
    const rows = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where action like 'invitation.%'`,
    );
    expect(rows.filter((r) => r.action === 'invitation.created').length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => r.action === 'invitation.accepted')).toHaveLength(2);
  });
});
