import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';

describe('audit viewer API', () => {
  let t: TestApp;
  let auditor: TestStaff;
  let worker: TestStaff;
  let session: StaffSession;
  let startedAt: Date;
  beforeAll(async () => {
    t = await buildTestApp();
    startedAt = t.clock.now();
    auditor = await createStaff(t, {
      email: 'watch@city.example',
      role: 'auditor',
      organisation: 'Ombuds Office',
    });
    worker = await createStaff(t, {
      email: 'desk@ngo.example',
      role: 'caseworker',
      organisation: 'Open Doors',
    });
    await logInAs(t, worker);
    await logInAs(t, worker);
    session = await logInAs(t, auditor);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, s = session) => t.app.inject({ method: 'GET', url, headers: s.headers() });

  it('lists entries newest first and filters by actor, organisation, action, object and date', async () => {
    const all = (await get('/api/v1/audit')).json().entries as { seq: number; action: string }[];
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));

    const logins = (await get(`/api/v1/audit?action=auth.login&actor=${worker.userId}`)).json().entries;
    expect(logins).toHaveLength(2);
    const byOrg = (await get(`/api/v1/audit?organisation=${worker.organisationId}`)).json().entries;
    expect(
      byOrg.every((e: { actorOrganisationId: string }) => e.actorOrganisationId === worker.organisationId),
    ).toBe(true);
    const byObject = (await get(`/api/v1/audit?objectType=user&objectId=${worker.userId}`)).json().entries;
    expect(byObject.map((e: { action: string }) => e.action)).toEqual(['user.created']);
    const future = new Date(t.clock.now().getTime() + 60_000).toISOString();
    expect((await get(`/api/v1/audit?from=${future}`)).json().entries).toEqual([]);
    const page = (await get(`/api/v1/audit?limit=2&to=${future}&from=${startedAt.toISOString()}`)).json();
    expect(page.entries).toHaveLength(2);
    expect(page.nextBefore).toBe(page.entries[1].seq);
    const next = (await get(`/api/v1/audit?limit=2&before=${page.nextBefore}`)).json();
    expect(next.entries[0].seq).toBe(page.nextBefore - 1);
  });

  it('refuses filters that are not ids or dates', async () => {
    const res = await get('/api/v1/audit?objectId=ana%40example.org');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect((await get('/api/v1/audit?from=yesterday')).statusCode).toBe(400);
  });

  it('exports the filtered log as CSV, oldest first, and audits the export', async () => {
    const res = await get(`/api/v1/audit/export.csv?actor=${worker.userId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('attachment');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,actor_user_id,actor_organisation_id,actor_role,action,object_type,object_id,purpose,request_id,prev_hash,hash',
    );
    expect(lines.slice(1).map((l) => l.split(',')[5])).toEqual(['auth.login', 'auth.login']);
    const exported = (await get('/api/v1/audit?action=audit.exported')).json().entries;
    expect(exported[0]).toMatchObject({ actorUserId: auditor.userId, actorRole: 'auditor' });
  });

  it('is closed to staff who are not auditors or city admins', async () => {
    const desk = await logInAs(t, worker);
    expect((await get('/api/v1/audit', desk)).statusCode).toBe(403);
    expect((await get('/api/v1/audit/export.csv', desk)).statusCode).toBe(403);
    expect((await t.app.inject('/api/v1/audit')).statusCode).toBe(401);
  });
});
