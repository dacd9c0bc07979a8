import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, freshTotp, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';

describe('organisations, members and disabling users', () => {
  let t: TestApp;
  let cityAdmin: TestStaff;
  let ngoAdmin: TestStaff;
  let ngoWorker: TestStaff;
  let cityWorker: TestStaff;
  let admin: StaffSession;
  beforeAll(async () => {
    t = await buildTestApp();
    cityAdmin = await createStaff(t, {
      email: 'admin@city.example',
      role: 'city_admin',
      organisation: 'City Hall',
    });
    ngoAdmin = await createStaff(t, {
      email: 'boss@ngo.example',
      role: 'org_admin',
      organisation: 'Open Doors',
    });
    ngoWorker = await createStaff(t, {
      email: 'case@ngo.example',
      role: 'caseworker',
      organisation: 'Open Doors',
    });
    cityWorker = await createStaff(t, {
      email: 'desk@city.example',
      role: 'caseworker',
      organisation: 'City Hall',
    });
    admin = await logInAs(t, cityAdmin);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates organisations, optionally linked to an HSDS organization, and refuses a second of the same name', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: admin.headers(true),
      payload: { name: 'Legal Aid Collective', hsdsOrganizationId: 'hsds-org-17' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Legal Aid Collective', hsdsOrganizationId: 'hsds-org-17' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: admin.headers(true),
      payload: { name: 'Legal Aid Collective' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ORGANISATION_EXISTS');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organisations',
      headers: admin.headers(),
    });
    expect(list.json().organisations.map((o: { name: string }) => o.name)).toEqual([
      'City Hall',
      'Legal Aid Collective',
      'Open Doors',
    ]);
  });

  it('shows an organisation admin their own members, and another organisation as missing', async () => {
    const boss = await logInAs(t, ngoAdmin);
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/v1/organisations/${ngoAdmin.organisationId}/members`,
      headers: boss.headers(),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['boss@ngo.example', 'org_admin'],
      ['case@ngo.example', 'caseworker'],
    ]);
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/organisations/${cityAdmin.organisationId}/members`,
      headers: boss.headers(),
    });
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organisations/00000000-0000-4000-8000-000000000000/members',
      headers: boss.headers(),
    });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe(missing.json().error.code);
  });

  it('lets an organisation admin disable only their own members', async () => {
    const boss = await logInAs(t, ngoAdmin);
    const cityDesk = await logInAs(t, cityWorker);
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${cityWorker.userId}/disable`,
      headers: boss.headers(true),
    });
    expect(foreign.statusCode).toBe(404);
    const still = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: cityDesk.headers(),
    });
    expect(still.statusCode).toBe(200);
  });

  it('ends every session of a disabled user at once, and they can no longer log in', async () => {
    const first = await logInAs(t, ngoWorker);
    const second = await logInAs(t, ngoWorker);
    const boss = await logInAs(t, ngoAdmin);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${ngoWorker.userId}/disable`,
      headers: boss.headers(true),
    });
    expect(res.statusCode).toBe(204);
    for (const s of [first, second]) {
      const who = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: s.headers() });
      expect(who.statusCode).toBe(401);
    }
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ngoWorker.email, password: ngoWorker.password, totp: freshTotp(t, ngoWorker) },
    });
    expect(login.statusCode).toBe(401);
    expect(login.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses to let an admin disable themselves', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${cityAdmin.userId}/disable`,
      headers: admin.headers(true),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CANNOT_DISABLE_SELF');
  });

  it('answers 401 without a session and 403 for a role that may not', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/organisations' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    const desk = await logInAs(t, cityWorker);
    const wrongRole = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organisations',
      headers: desk.headers(),
    });
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json().error.code).toBe('FORBIDDEN');
  });

  it('declares the session cookie as the security of staff operations in OpenAPI', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/auth/session'].get.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/v1/users/{id}/disable'].post.security).toEqual([{ session: [] }]);
    expect(doc.components.securitySchemes.session).toMatchObject({ in: 'cookie', name: 'arrival_session' });
  });
});
