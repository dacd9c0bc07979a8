import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import {
  createStaff,
  freshTotp,
  logInAs,
  STAFF_PASSWORD,
  sessionCookieOf,
  type TestStaff,
} from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';
import { verifyAuditLog } from '../audit/index.ts';
import { totpCodeAt } from './accounts.totp.ts';

const MINUTE = 60_000;

describe('staff login, sessions and CSRF', () => {
  let t: TestApp;
  let admin: TestStaff;
  let worker: TestStaff;
  let analyst: TestStaff;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createStaff(t, {
      email: 'Admin@City.example',
      role: 'city_admin',
      organisation: 'City Hall',
    });
    worker = await createStaff(t, {
      email: 'case@ngo.example',
      role: 'caseworker',
      organisation: 'Open Doors',
    });
    analyst = await createStaff(t, {
      email: 'numbers@city.example',
      role: 'analyst',
      organisation: 'City Hall',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers });
  const session = (cookie: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
  const withoutRequestId = (body: string) => {
    const parsed = JSON.parse(body) as { error: Record<string, unknown> };
    delete parsed.error.requestId;
    return parsed;
  };

  it('asks for the second factor, then opens a session with an HttpOnly, SameSite=Lax cookie', async () => {
    const noCode = await login({ email: admin.email, password: admin.password });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('TOTP_REQUIRED');
    expect(noCode.headers['set-cookie']).toBeUndefined();

    const res = await login({
      email: 'admin@city.example',
      password: admin.password,
      totp: freshTotp(t, admin),
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^arrival_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    const body = res.json();
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const who = await session(sessionCookieOf(res.headers['set-cookie']));
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual({
      user: { id: admin.userId, email: 'admin@city.example' },
      organisation: { id: admin.organisationId, name: 'City Hall' },
      role: 'city_admin',
      csrfToken: body.csrfToken,
    });
  });

  it('stores only a hash of the session token', async () => {
    const s = await logInAs(t, analyst);
    const token = s.cookie.split('=')[1] ?? '';
    const rows = await queryRows<{ token_hash: string }>(t.database.db, sql`select token_hash from sessions`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
  });

  it('lets roles without personal data log in without a second factor', async () => {
    const res = await login({ email: analyst.email, password: analyst.password });
    expect(res.statusCode).toBe(200);
  });

  it('accepts a TOTP code once', async () => {
    const code = freshTotp(t, worker);
    const first = await login({ email: worker.email, password: worker.password, totp: code });
    expect(first.statusCode).toBe(200);
    const again = await login({ email: worker.email, password: worker.password, totp: code });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('TOTP_INVALID');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('accepts a recovery code once instead of a TOTP code', async () => {
    const [code] = worker.recoveryCodes;
    const first = await login({ email: worker.email, password: worker.password, totp: code });
    expect(first.statusCode).toBe(200);
    const again = await login({ email: worker.email, password: worker.password, totp: code });
    expect(again.statusCode).toBe(401);
  });

  it('answers an unknown account exactly like a wrong password', async () => {
    const unknown = await login({ email: 'nobody@nowhere.example', password: 'some password 1234' });
    const wrong = await login({ email: analyst.email, password: 'some password 1234' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(withoutRequestId(unknown.body)).toEqual(withoutRequestId(wrong.body));
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
    // Clean slate for the lockout tests below.
    t.clock.advance(16 * MINUTE);
  });

  it('locks an account after repeated failures, even against the right password, for at least 15 minutes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await login({ email: worker.email, password: `wrong password ${i}xx` });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    const right = await login({ email: worker.email, password: worker.password, totp: freshTotp(t, worker) });
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(15 * 60);
    expect(right.headers['set-cookie']).toBeUndefined();

    t.clock.advance(14 * MINUTE);
    expect((await login({ email: worker.email, password: worker.password })).statusCode).toBe(429);
    t.clock.advance(16 * MINUTE);
    const after = await login({ email: worker.email, password: worker.password, totp: freshTotp(t, worker) });
    expect(after.statusCode).toBe(200);
  });

  it('locks an unknown account name the same way, so a lockout reveals nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await login({ email: 'ghost@nowhere.example', password: `guess number ${i}` })).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('refuses a state-changing request without the right CSRF token, and changes nothing', async () => {
    const s = await logInAs(t, admin);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers() });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('CSRF_INVALID');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...s.headers(), 'x-csrf-token': `${s.csrfToken.slice(0, -2)}xx` },
    });
    expect(wrong.statusCode).toBe(403);
    const other = await logInAs(t, analyst);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...s.headers(), 'x-csrf-token': other.csrfToken },
    });
    expect(foreign.statusCode).toBe(403);
    expect((await session(s.cookie)).statusCode).toBe(200);

    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers(true) });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/arrival_session=;/);
    expect((await session(s.cookie)).statusCode).toBe(401);
  });

  it('never takes over a session id chosen by someone else (session fixation)', async () => {
    const planted = 'arrival_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const res = await login({ email: analyst.email, password: analyst.password }, { cookie: planted });
    expect(res.statusCode).toBe(200);
    const issued = sessionCookieOf(res.headers['set-cookie']);
    expect(issued).not.toBe(planted);
    expect((await session(planted)).statusCode).toBe(401);

    // Logging in again from a browser that has a session ends the old one.
    const again = await login({ email: analyst.email, password: analyst.password }, { cookie: issued });
    expect(again.statusCode).toBe(200);
    expect((await session(issued)).statusCode).toBe(401);
    expect((await session(sessionCookieOf(again.headers['set-cookie']))).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes', async () => {
    const s = await logInAs(t, analyst);
    t.clock.advance(29 * MINUTE);
    expect((await session(s.cookie)).statusCode).toBe(200);
    t.clock.advance(29 * MINUTE);
    expect((await session(s.cookie)).statusCode).toBe(200);
    t.clock.advance(31 * MINUTE);
    const res = await session(s.cookie);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session 12 hours after login, however busy', async () => {
    const s = await logInAs(t, analyst);
    for (let minutes = 0; minutes < 11 * 60 + 50; minutes += 20) {
      t.clock.advance(20 * MINUTE);
      expect((await session(s.cookie)).statusCode, `after ${minutes + 20} min`).toBe(200);
    }
    t.clock.advance(20 * MINUTE);
    expect((await session(s.cookie)).statusCode).toBe(401);
  });

  it('lists my sessions and ends one of them, but not someone else’s', async () => {
    const here = await logInAs(t, admin);
    const there = await logInAs(t, admin);
    const listOf = async (who: typeof here) =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: who.headers() })).json()
        .sessions as { id: string; current: boolean }[];
    const mine = await listOf(here);
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    const thereId = (await listOf(there)).find((s) => s.current)?.id;
    expect(mine.map((s) => s.id)).toContain(thereId);

    const someoneElse = await logInAs(t, analyst);
    const theirs = (await listOf(someoneElse)).find((s) => s.current)?.id;
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${theirs}`,
      headers: here.headers(true),
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('NOT_FOUND');
    expect((await session(someoneElse.cookie)).statusCode).toBe(200);

    const ended = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${thereId}`,
      headers: here.headers(true),
    });
    expect(ended.statusCode).toBe(204);
    expect((await session(there.cookie)).statusCode).toBe(401);
    expect((await session(here.cookie)).statusCode).toBe(200);
    expect((await listOf(here)).map((s) => s.id)).not.toContain(thereId);
  });

  it('audits good and failed logins and logouts, without emails, in an intact chain', async () => {
    const rows = await queryRows<{ action: string; object_id: string | null }>(
      t.database.db,
      sql`select action, object_id from audit_log order by seq`,
    );
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['user.created', 'auth.login', 'auth.login_failed', 'auth.login_locked', 'auth.logout'])
      expect(actions, a).toContain(a);
    expect(JSON.stringify(rows)).not.toContain('@');
    expect(await verifyAuditLog(t.database.db)).toMatchObject({ intact: true });
  });

  it('never logs a password, a TOTP code or a session token', async () => {
    const logs = t.logs();
    expect(logs).not.toContain(STAFF_PASSWORD);
    expect(logs).not.toContain(totpCodeAt(String(admin.totpSecret), t.clock.now()));
    expect(logs).not.toMatch(/arrival_session=[A-Za-z0-9_-]{10}/);
  });
});

describe('session cookie over https', () => {
  it('is __Host- prefixed and Secure', async () => {
    const t = await buildTestApp({ env: { PUBLIC_BASE_URL: 'https://arrival.city.example' } });
    try {
      const staff = await createStaff(t, {
        email: 'a@city.example',
        role: 'analyst',
        organisation: 'City Hall',
      });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: staff.email, password: staff.password },
      });
      expect(res.statusCode).toBe(200);
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-arrival_session=/);
      expect(setCookie).toContain('Secure');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Domain=');
      const doc = (await t.app.inject('/api/openapi.json')).json();
      expect(doc.components.securitySchemes.session.name).toBe('__Host-arrival_session');
    } finally {
      await t.close();
    }
  });
});

describe('login rate limit per source', () => {
  it('slows down one address trying many accounts', async () => {
    const t = await buildTestApp({ loginRateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `user${i}@nowhere.example`, password: 'not the password 1' },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });

  it('counts the API and the staff login page together', async () => {
    const t = await buildTestApp({ loginRateLimitPerMinute: 3 });
    try {
      const api = (i: number) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `user${i}@nowhere.example`, password: 'not the password 1' },
        });
      const page = (i: number) =>
        t.app.inject({
          method: 'POST',
          url: '/staff/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `email=user${i}%40nowhere.example&password=not+the+password+1`,
        });
      const statuses = [(await api(0)).statusCode, (await page(1)).statusCode, (await api(2)).statusCode];
      expect(statuses).not.toContain(429);
      expect((await page(3)).statusCode).toBe(429);
      expect((await api(4)).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });
});
