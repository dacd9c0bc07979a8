import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { messageText, startSmtpServer, type TestSmtp } from '../../../test/smtp.ts';
import { createStaff, freshTotp, logInAs, sessionCookieOf, type TestStaff } from '../../../test/staff.ts';
import { safeNext } from './staff-links.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('staff pages', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let admin: TestStaff;
  let auditor: TestStaff;
  let analyst: TestStaff;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await buildTestApp({ mailTransport: smtp.transport() });
    admin = await createStaff(t, {
      email: 'boss@ngo.example',
      role: 'org_admin',
      organisation: 'Open Doors',
    });
    auditor = await createStaff(t, { email: 'watch@city.example', role: 'auditor', organisation: 'Ombuds' });
    analyst = await createStaff(t, { email: 'count@city.example', role: 'analyst', organisation: 'Ombuds' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** The login form's double-submit CSRF cookie and token, as a browser gets them with the page. */
  async function loginForm(lang = 'en') {
    const page = await t.app.inject({ method: 'GET', url: `/staff/login?lang=${lang}` });
    return { cookie: sessionCookieOf(page.headers['set-cookie']), csrf: csrfIn(page.body) };
  }

  /** Logs in through the HTML form, as a browser without JavaScript would. */
  async function formLogin(staff: TestStaff, next = '/staff/') {
    const { cookie, csrf } = await loginForm();
    const totp = freshTotp(t, staff);
    return t.app.inject({
      method: 'POST',
      url: '/staff/login?lang=en',
      headers: { ...FORM, cookie },
      payload: form({ email: staff.email, password: staff.password, totp: totp ?? '', next, _csrf: csrf }),
    });
  }

  it('sends someone without a session to the login page, and back afterwards', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/staff/sessions' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login?next=%2Fstaff%2Fsessions');
    const page = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="next" value="/staff/sessions"');
    expect(page.body).toContain('autocomplete="one-time-code"');

    const login = await formLogin(admin, '/staff/sessions');
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/staff/sessions?lang=en');
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly');
  });

  it('never redirects outside the staff area after login (no open redirect)', async () => {
    for (const next of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      '/staff//evil.example',
      '/staff/%2F%2Fevil.example',
      '/staff/../../evil',
      'javascript:alert(1)',
      '/staff/\r\nLocation: https://evil.example',
    ]) {
      expect(safeNext(next), next).toBe('/staff/');
      const res = await formLogin(analyst, next);
      expect(res.statusCode, next).toBe(303);
      expect(res.headers.location, next).toBe('/staff/?lang=en');
    }
    expect(safeNext('/staff/audit?action=auth.login')).toBe('/staff/audit?action=auth.login');
    // A page that named its language keeps it after login (not `lang` twice, which the page would refuse).
    const back = await formLogin(analyst, '/staff/sessions?lang=ar');
    expect(back.headers.location).toBe('/staff/sessions?lang=ar');
  });

  it('refuses a login form that did not come from the login page (login CSRF), opening no session', async () => {
    const forged = await t.app.inject({
      method: 'POST',
      url: '/staff/login?lang=en',
      headers: FORM,
      payload: form({ email: analyst.email, password: analyst.password }),
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('This form has expired or did not come from this site.');
    expect(String(forged.headers['set-cookie'])).not.toContain('arrival_session=');
    const { cookie } = await loginForm();
    const mismatched = await t.app.inject({
      method: 'POST',
      url: '/staff/login?lang=en',
      headers: { ...FORM, cookie },
      payload: form({ email: analyst.email, password: analyst.password, _csrf: 'c'.repeat(22) }),
    });
    expect(mismatched.statusCode).toBe(403);
    expect(String(mismatched.headers['set-cookie'])).not.toContain('arrival_session=');
  });

  it('shows a refused login on the form, in the page’s language, without a cookie', async () => {
    const { cookie, csrf } = await loginForm('fr');
    const res = await t.app.inject({
      method: 'POST',
      url: '/staff/login?lang=fr',
      headers: { ...FORM, cookie },
      payload: form({ email: analyst.email, password: 'wrong password 123', _csrf: csrf }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toMatch(/^<!doctype html><html lang="fr"/);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('L’adresse e-mail ou le mot de passe est incorrect.');
    expect(String(res.headers['set-cookie'])).not.toContain('arrival_session=');
  });

  it('renders the login page right-to-left in Arabic, with no inline script or style', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/staff/login?lang=ar' });
    expect(res.body).toMatch(/^<!doctype html><html lang="ar" dir="rtl">/);
    expect(res.body).toContain('دخول الموظفين');
    expect(res.body).toContain('href="/staff/login?lang=es"');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\sstyle=/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a form without the CSRF token, keeping the session, and logs out with it', async () => {
    const login = await formLogin(analyst);
    const cookie = sessionCookieOf(login.headers['set-cookie']);
    const home = await t.app.inject({ method: 'GET', url: '/staff/?lang=en', headers: { cookie } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('count@city.example');
    const token = csrfIn(home.body);
    expect(token).not.toBe('');

    const forged = await t.app.inject({
      method: 'POST',
      url: '/staff/logout',
      headers: { ...FORM, cookie },
      payload: form({ _csrf: 'forged' }),
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('This form has expired or did not come from this site.');
    expect((await t.app.inject({ method: 'GET', url: '/staff/', headers: { cookie } })).statusCode).toBe(200);

    const out = await t.app.inject({
      method: 'POST',
      url: '/staff/logout?lang=en',
      headers: { ...FORM, cookie },
      payload: form({ _csrf: token }),
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/staff/login?lang=en');
    expect((await t.app.inject({ method: 'GET', url: '/staff/', headers: { cookie } })).statusCode).toBe(303);
  });

  it('lets an organisation admin invite by form, and the invited person join through the link', async () => {
    const s = await logInAs(t, admin);
    const page = await t.app.inject({ method: 'GET', url: '/staff/organisation', headers: s.headers() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Open Doors: members');
    const invited = await t.app.inject({
      method: 'POST',
      url: `/staff/organisations/${admin.organisationId}/invitations?lang=en`,
      headers: { ...FORM, cookie: s.cookie },
      payload: form({ _csrf: s.csrfToken, email: 'joiner@ngo.example', role: 'caseworker' }),
    });
    expect(invited.statusCode).toBe(200);
    expect(invited.body).toContain('Invitation sent to joiner@ngo.example.');
    await t.app.outbox.flush();
    const link = /http:\/\/[^/\s]+(\/staff\/invitations\/[A-Za-z0-9_-]{43})/.exec(
      messageText(smtp.messages.at(-1) ?? ''),
    );
    const path = link?.[1] ?? '';
    expect(path).not.toBe('');

    const accept = await t.app.inject({ method: 'GET', url: path });
    expect(accept.statusCode).toBe(200);
    expect(accept.body).toContain('Join Open Doors');
    const weak = await t.app.inject({
      method: 'POST',
      url: path,
      headers: FORM,
      payload: form({ password: 'qwerty' }),
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('at least 12 characters');
    const done = await t.app.inject({
      method: 'POST',
      url: path,
      headers: FORM,
      payload: form({ password: 'river stones and lanterns 9' }),
    });
    expect(done.statusCode).toBe(201);
    expect(done.body).toContain('Set up your second step');
    expect(done.body).toContain('otpauth://totp/');
    expect(done.body).toMatch(
      /<svg class="qr" role="img" aria-label="QR code to scan with your authenticator app"[^>]*>/,
    );
    expect(done.body).toMatch(/<path d="(M\d+ \d+h1v1h-1z){100,}"/);
    expect(done.body.match(/<code>[0-9A-Z]{5}-[0-9A-Z]{5}<\/code>/g)).toHaveLength(10);
    const used = await t.app.inject({ method: 'GET', url: path });
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('This invitation has already been used.');
  });

  it('shows the auditor the audit log with filters and a CSV link, and nobody else', async () => {
    const s = await logInAs(t, auditor);
    const res = await t.app.inject({
      method: 'GET',
      url: '/staff/audit?action=invitation.created&lang=es',
      headers: s.headers(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Registro de auditoría');
    expect(res.body).toContain('<code>invitation.created</code>');
    expect(res.body).not.toContain('<code>auth.login</code>');
    expect(res.body).toContain('href="/api/v1/audit/export.csv?action=invitation.created"');
    expect(res.body).not.toContain('joiner@ngo.example');

    const other = await logInAs(t, analyst);
    const refused = await t.app.inject({ method: 'GET', url: '/staff/audit', headers: other.headers() });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Your role does not allow this.');
  });

  it('lists my sessions and ends another one by form', async () => {
    const here = await logInAs(t, analyst);
    const there = await logInAs(t, analyst);
    const page = await t.app.inject({ method: 'GET', url: '/staff/sessions', headers: here.headers() });
    expect(page.body).toContain('This browser');
    const actions = [...page.body.matchAll(/action="(\/staff\/sessions\/[0-9a-f-]+\/end)[^"]*"/g)].map(
      (m) => m[1],
    );
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      const res = await t.app.inject({
        method: 'POST',
        url: String(action),
        headers: { ...FORM, cookie: here.cookie },
        payload: form({ _csrf: here.csrfToken }),
      });
      expect(res.statusCode).toBe(303);
    }
    expect((await t.app.inject({ method: 'GET', url: '/staff/', headers: there.headers() })).statusCode).toBe(
      303,
    );
    expect((await t.app.inject({ method: 'GET', url: '/staff/', headers: here.headers() })).statusCode).toBe(
      200,
    );
  });
});
