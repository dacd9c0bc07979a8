import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';
import { verifyAuditLog } from '../audit/index.ts';
import { createKeyring, describeRetention, type PeopleDeps, runRetention } from './index.ts';

const DAY_MS = 86_400_000;
const MARKER = 'Retentia Oldfellow';

describe('retention (firewall rule 4): the registry’s periods, run by `arrival retention run` and daily', () => {
  let t: TestApp;
  let deps: PeopleDeps;
  let desk: TestStaff;
  let ngo: TestStaff;
  let session: StaffSession;

  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 1000 });
    deps = {
      db: t.database.db,
      clock: t.clock,
      keyring: createKeyring(t.config.masterKey ?? Buffer.alloc(32)),
      erasureGraceDays: t.config.erasureDays,
    };
    desk = await createStaff(t, {
      email: 'desk@retention.example',
      role: 'caseworker',
      organisation: 'Desk',
    });
    ngo = await createStaff(t, { email: 'ngo@retention.example', role: 'caseworker', organisation: 'NGO' });
    session = await logInAs(t, desk);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Moves the clock and logs in again (sessions end after idle time). */
  async function later(days: number) {
    t.clock.advance(days * DAY_MS);
    session = await logInAs(t, desk);
  }
  const post = (url: string, payload: object, staff = true) =>
    t.app.inject({ method: 'POST', url, payload, ...(staff ? { headers: session.headers(true) } : {}) });
  async function newPerson(name: string) {
    const res = await post('/api/v1/people', {
      displayName: name,
      phone: '+44 7700 900123',
      needs: ['legal'],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  }
  async function addNote(id: string, body: string): Promise<string> {
    const res = await post(`/api/v1/people/${id}/notes`, { body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }
  const exists = async (table: string, id: string) =>
    (await queryRows(t.database.db, sql`select 1 from ${sql.identifier(table)} where id = ${id}`)).length ===
    1;
  const deletionRecord = (personId: string) =>
    queryRows<{ reason: string; rows: Record<string, number> }>(
      t.database.db,
      sql`select reason, rows from deletion_records where person_id = ${personId}`,
    );
  const auditOf = (objectId: string) =>
    queryRows<{ action: string; purpose: string | null; actor_user_id: string | null }>(
      t.database.db,
      sql`select action, purpose, actor_user_id from audit_log where object_id = ${objectId} order by seq`,
    );

  it('deletes notes, visits and ended consents after a year, and people after two years without contact', async () => {
    const old = await newPerson(MARKER);
    const recent = await newPerson('Recent Visitor');
    const oldNote = await addNote(recent.id, `First visit of ${MARKER}`);
    const consent = await post(`/api/v1/people/${recent.id}/consents`, {
      recipientOrganisationId: ngo.organisationId,
      fields: ['displayName'],
      purpose: 'referral',
      expiresAt: new Date(t.clock.now().getTime() + 10 * DAY_MS).toISOString(),
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const lasting = await post(`/api/v1/people/${recent.id}/consents`, {
      recipientOrganisationId: ngo.organisationId,
      fields: ['needs'],
      purpose: 'follow_up',
      expiresAt: new Date(t.clock.now().getTime() + 700 * DAY_MS).toISOString(),
    });

    await later(400);
    const newNote = await addNote(recent.id, 'Came back');
    const first = await runRetention(deps);
    // The note is 400 days old, the consent ended 390 days ago: both go. Nobody is two years without contact.
    expect(first.erasedForAge).toBe(0);
    expect(await exists('person_notes', oldNote)).toBe(false);
    expect(await exists('person_notes', newNote)).toBe(true);
    expect(await exists('consents', consent.json().id)).toBe(false);
    expect(await exists('consents', lasting.json().id)).toBe(true);
    expect(first.rows).toMatchObject({ person_notes: 1, consents: 1 });
    // Both people's first visits (400 days ago) went too; the person record of `old` stays for now.
    expect(first.rows.person_visits).toBeGreaterThanOrEqual(2);
    expect(await exists('people', old.id)).toBe(true);

    await later(331);
    const second = await runRetention(deps);
    expect(second.erasedForAge).toBe(1);
    expect(await exists('people', old.id)).toBe(false);
    expect(await exists('people', recent.id)).toBe(true);
    expect(await exists('person_notes', newNote)).toBe(true);
    expect(await deletionRecord(old.id)).toEqual([
      { reason: 'retention', rows: { people: 1, person_needs: 1 } },
    ]);
    const erased = (await auditOf(old.id)).filter((a) => a.action === 'person.erased');
    expect(erased).toEqual([{ action: 'person.erased', purpose: 'retention', actor_user_id: null }]);
    // The person's code finds nothing any more.
    expect((await post('/api/v1/my-data', { code: old.code }, false)).statusCode).toBe(404);
    expect(await verifyAuditLog(t.database.db)).toMatchObject({ intact: true });
  });

  it('carries out an erasure request once its time has come, not before', async () => {
    const person = await newPerson('Asked To Go');
    const asked = await post('/api/v1/my-data/erasure', { code: person.code }, false);
    expect(asked.statusCode, asked.body).toBe(202);
    const dueAt = new Date(asked.json().dueAt);
    expect(dueAt.getTime()).toBe(t.clock.now().getTime() + t.config.erasureDays * DAY_MS);

    t.clock.set(new Date(dueAt.getTime() - 60_000));
    expect((await runRetention(deps)).erasedOnRequest).toBe(0);
    expect(await exists('people', person.id)).toBe(true);

    t.clock.set(dueAt);
    expect((await runRetention(deps)).erasedOnRequest).toBe(1);
    expect(await exists('people', person.id)).toBe(false);
    expect(await deletionRecord(person.id)).toEqual([
      {
        reason: 'erasure_requested',
        rows: { people: 1, person_needs: 1, person_visits: 1, erasure_requests: 1 },
      },
    ]);
    expect((await auditOf(person.id)).map((a) => a.action)).toEqual([
      'person.created',
      'person.erasure_requested',
      'person.erased',
    ]);
    // A second run finds nothing more to do.
    expect(await runRetention(deps)).toMatchObject({ erasedOnRequest: 0, erasedForAge: 0 });
    expect(await verifyAuditLog(t.database.db)).toMatchObject({ intact: true });
  });

  it('leaves deletion records, audit rows and its summary without anything a person said', async () => {
    const records = await queryRows(t.database.db, sql`select * from deletion_records`);
    const audit = await queryRows(t.database.db, sql`select * from audit_log`);
    const summary = describeRetention(await runRetention(deps));
    expect(summary).toMatch(/^retention: erased \d+ person\(s\)/);
    for (const text of [JSON.stringify(records), JSON.stringify(audit), summary, t.logs()]) {
      expect(text).not.toContain('Retentia');
      expect(text).not.toContain('7700 900123');
      expect(text).not.toContain('First visit');
    }
  });
});
