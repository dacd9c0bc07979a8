import { provisionUser, totpCodeAt } from '../src/domains/accounts/index.ts';
import { createKeyring, type Keyring } from '../src/domains/people/index.ts';
import type { Role } from '../src/http/policy.ts';
import type { TestApp } from './app.ts';

export const STAFF_PASSWORD = 'correct horse battery staple 42';

export interface TestStaff {
  email: string;
  password: string;
  role: Role;
  userId: string;
  organisationId: string;
  /** The TOTP secret, for roles that need a second factor. */
  totpSecret?: string;
  recoveryCodes: string[];
}

/** The keyring of a test app (its config's master key, which `buildTestApp` always sets). */
export function testKeyring(t: TestApp): Keyring {
  if (!t.config.masterKey) throw new Error('the test app has no master key');
  return createKeyring(t.config.masterKey);
}

/** Creates a member of staff the way `arrival create-user` does. */
export async function createStaff(
  t: TestApp,
  options: { email: string; role: Role; organisation: string; password?: string },
): Promise<TestStaff> {
  const password = options.password ?? STAFF_PASSWORD;
  const created = await provisionUser(
    { db: t.database.db, clock: t.clock, issuer: t.config.cityName, keyring: testKeyring(t) },
    { email: options.email, password, organisationName: options.organisation, role: options.role },
  );
  const secret = created.totp ? new URL(created.totp.uri).searchParams.get('secret') : null;
  return {
    email: options.email,
    password,
    role: options.role,
    userId: created.userId,
    organisationId: created.organisationId,
    ...(secret ? { totpSecret: secret } : {}),
    recoveryCodes: created.totp?.recoveryCodes ?? [],
  };
}

/** The current TOTP code of a member of staff, after moving the clock to a fresh 30-second step. */
export function freshTotp(t: TestApp, staff: TestStaff): string | undefined {
  if (!staff.totpSecret) return undefined;
  t.clock.advance(30_000);
  return totpCodeAt(staff.totpSecret, t.clock.now());
}

export interface StaffSession {
  cookie: string;
  csrfToken: string;
  /** Headers for a request in this session; `write` adds the CSRF token. */
  headers(write?: boolean): Record<string, string>;
}

export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const first = [setCookie ?? []].flat()[0] ?? '';
  return first.split(';')[0] ?? '';
}

/** Logs in through the JSON API and returns the session's cookie and CSRF token. */
export async function logInAs(t: TestApp, staff: TestStaff): Promise<StaffSession> {
  const totp = freshTotp(t, staff);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: staff.email, password: staff.password, ...(totp ? { totp } : {}) },
  });
  if (res.statusCode !== 200)
    throw new Error(`login of ${staff.email} failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookieOf(res.headers['set-cookie']);
  const csrfToken = String(res.json().csrfToken);
  return {
    cookie,
    csrfToken,
    headers: (write = false) => ({ cookie, ...(write ? { 'x-csrf-token': csrfToken } : {}) }),
  };
}

/** A caseworker of `organisation` (created as `arrival create-user` does), logged in through the JSON API. */
export async function loggedInCaseworker(
  t: TestApp,
  email: string,
  organisation: string,
): Promise<{ staff: TestStaff; session: StaffSession }> {
  const staff = await createStaff(t, { email, role: 'caseworker', organisation });
  return { staff, session: await logInAs(t, staff) };
}
