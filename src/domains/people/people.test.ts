import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { type createStaff, loggedInCaseworker, logInAs, type StaffSession } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';

const MARKER = 'Zorblatt Quixwing';
const DAY_MS = 86_400_000;

describe('people, consent and the person’s own page', () => {
  let t: TestApp;
  let helpdesk: StaffSession;
  let ngo: StaffSession;
  let ngoOrganisationId: string;
  let staff: {
    helpdesk: Awaited<ReturnType<typeof createStaff>>;
    ngo: Awaited<ReturnType<typeof createStaff>>;
  };

  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 1000 });
    const a = await loggedInCaseworker(t, 'desk@city.example', 'City Helpdesk');
    const b = await loggedInCaseworker(t, 'worker@ngo.example', 'Legal Aid NGO');
    ngoOrganisationId = b.staff.organisationId;
    staff = { helpdesk: a.staff, ngo: b.staff };
    helpdesk = a.session;
    ngo = b.session;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (session: StaffSession | undefined, url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, payload, ...(session ? { headers: session.headers(true) } : {}) });
  const get = (session: StaffSession, url: string) => t.app.inject({ url, headers: session.headers() });

  async function newPerson(payload: object = {}) {
    const res = await post(helpdesk, '/api/v1/people', {
      displayName: MARKER,
      phone: '+34 600 12 34 56',
      email: 'zorblatt@example.org',
      languages: ['ar', 'fr'],
      needs: ['legal', 'housing'],
      urgency: ['children'],
      ...payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  }

  async function auditActions(objectId: string): Promise<string[]> {
    const rows = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where object_id = ${objectId} order by seq`,
    );
    return rows.map((r) => r.action);
  }

  it('records a person with an Arrival code and stores every personal field sealed', async () => {
    const { id, code } = await newPerson();
    expect(code).toMatch(/^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
    const [row] = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`select * from people where id = ${id}`,
    );
    const stored = JSON.stringify(row);
    for (const plain of [
      MARKER,
      'Zorblatt',
      // The phone as typed and normalised (not a short run of digits: random ids and ciphertexts hold those).
      '600 12 34 56',
      '600123456',
      'zorblatt@example.org',
      '"ar"',
      code,
      code.replaceAll('-', ''),
    ])
      expect(stored).not.toContain(plain);
    const needs = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`select * from person_needs where person_id = ${id}`,
    );
    expect(JSON.stringify(needs)).not.toMatch(/legal|housing/);

    const res = await get(helpdesk, `/api/v1/people/${id}`);
    expect(res.statusCode).toBe(200);
    const person = res.json();
    expect(person).toMatchObject({
      id,
      access: 'owner',
      displayName: MARKER,
      phone: '+34 600 12 34 56',
      email: 'zorblatt@example.org',
      languages: ['ar', 'fr'],
      urgency: ['children'],
    });
    expect(person.needs.map((n: { need: string }) => n.need).sort()).toEqual(['housing', 'legal']);
    expect(await auditActions(id)).toEqual(['person.created', 'person.read']);
    expect(t.logs()).not.toContain(MARKER);
  });

  it('needs nothing but a random id, and refuses any field outside the registry', async () => {
    const empty = await post(helpdesk, '/api/v1/people', {});
    expect(empty.statusCode).toBe(201);
    const status = await post(helpdesk, '/api/v1/people', {
      displayName: 'X',
      immigrationStatus: 'irregular',
    });
    expect(status.statusCode).toBe(400);
    expect(status.json().error.code).toBe('VALIDATION_FAILED');
    expect(status.body).not.toContain('irregular');
    const unknownNeed = await post(helpdesk, '/api/v1/people', { needs: ['teleportation'] });
    expect(unknownNeed.statusCode).toBe(400);
    const alias = await post(helpdesk, '/api/v1/people', { needs: ['legal-aid', 'Language classes'] });
    expect(alias.statusCode).toBe(201);
  });

  it('finds a returning person by phone written another way, by email in another case, and by code', async () => {
    const { id, code } = await newPerson({ phone: '0034 611-22-33-44', email: 'Return@Example.org' });
    const byPhone = await post(helpdesk, '/api/v1/people/lookup', { phone: '+34611223344' });
    expect(byPhone.json().matches).toEqual([{ id }]);
    const byEmail = await post(helpdesk, '/api/v1/people/lookup', { email: 'return@example.org' });
    expect(byEmail.json().matches).toEqual([{ id }]);
    const byCode = await post(helpdesk, '/api/v1/people/lookup', { code: code.toLowerCase() });
    expect(byCode.json().matches).toEqual([{ id }]);
    // Another organisation finds nothing: the blind index is per organisation, the person is not theirs.
    const foreign = await post(ngo, '/api/v1/people/lookup', { phone: '+34611223344', code });
    expect(foreign.json().matches).toEqual([]);
  });

  it('shows another organisation nothing before consent, the consented fields with it, and nothing after revocation', async () => {
    const { id } = await newPerson();
    const before = await get(ngo, `/api/v1/people/${id}`);
    expect(before.statusCode).toBe(404);
    const missing = await get(ngo, `/api/v1/people/${crypto.randomUUID()}`);
    expect(before.body.replace(/"requestId":"[^"]+"/, '')).toBe(
      missing.body.replace(/"requestId":"[^"]+"/, ''),
    );
    expect(await auditActions(id)).toContain('person.access_denied');

    const consent = await post(helpdesk, `/api/v1/people/${id}/consents`, {
      recipientOrganisationId: ngoOrganisationId,
      fields: ['displayName', 'needs'],
      purpose: 'referral',
      expiresAt: new Date(t.clock.now().getTime() + 30 * DAY_MS).toISOString(),
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const { receiptCode } = consent.json();

    const shared = await get(ngo, `/api/v1/people/${id}`);
    expect(shared.statusCode).toBe(200);
    const seen = shared.json();
    expect(seen.access).toBe('consent');
    expect(seen.displayName).toBe(MARKER);
    expect(seen.needs).toHaveLength(2);
    for (const hidden of ['phone', 'email', 'languages', 'urgency', 'notes', 'visits'])
      expect(seen).not.toHaveProperty(hidden);
    // Consent to read is not consent to change.
    const change = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${id}`,
      headers: ngo.headers(true),
      payload: { displayName: 'Other' },
    });
    expect(change.statusCode).toBe(404);

    const revoked = await post(undefined, '/api/v1/my-data/revoke', { receiptCode });
    expect(revoked.statusCode).toBe(200);
    expect((await get(ngo, `/api/v1/people/${id}`)).statusCode).toBe(404);
    // Revoking twice is no error and changes nothing.
    const again = await post(undefined, '/api/v1/my-data/revoke', { receiptCode });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
  });

  it('ends access when the consent expires', async () => {
    const { id } = await newPerson();
    await post(helpdesk, `/api/v1/people/${id}/consents`, {
      recipientOrganisationId: ngoOrganisationId,
      fields: ['displayName'],
      purpose: 'follow_up',
      expiresAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString(),
    });
    expect((await get(ngo, `/api/v1/people/${id}`)).statusCode).toBe(200);
    t.clock.advance(DAY_MS + 1000);
    // A day later the sessions have ended too: log in again.
    helpdesk = await logInAs(t, staff.helpdesk);
    ngo = await logInAs(t, staff.ngo);
    expect((await get(ngo, `/api/v1/people/${id}`)).statusCode).toBe(404);
  });

  it('refuses consents that end in the past, name unknown fields or organisations, or belong to someone else', async () => {
    const { id } = await newPerson();
    const base = {
      recipientOrganisationId: ngoOrganisationId,
      fields: ['displayName'],
      purpose: 'referral',
      expiresAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString(),
    };
    const past = await post(helpdesk, `/api/v1/people/${id}/consents`, {
      ...base,
      expiresAt: new Date(t.clock.now().getTime() - DAY_MS).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('CONSENT_EXPIRY_PAST');
    const field = await post(helpdesk, `/api/v1/people/${id}/consents`, { ...base, fields: ['notes'] });
    expect(field.statusCode).toBe(400);
    const organisation = await post(helpdesk, `/api/v1/people/${id}/consents`, {
      ...base,
      recipientOrganisationId: crypto.randomUUID(),
    });
    expect(organisation.json().error.code).toBe('UNKNOWN_ORGANISATION');
    const foreign = await post(ngo, `/api/v1/people/${id}/consents`, base);
    expect(foreign.statusCode).toBe(404);
    const consents = await queryRows(t.database.db, sql`select id from consents where person_id = ${id}`);
    expect(consents).toHaveLength(0);
  });

  it('keeps case notes short and sealed, for the recording organisation only', async () => {
    const { id } = await newPerson();
    const long = await post(helpdesk, `/api/v1/people/${id}/notes`, { body: 'x'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    const note = await post(helpdesk, `/api/v1/people/${id}/notes`, {
      kind: 'next_step',
      body: `Call ${MARKER} back`,
    });
    expect(note.statusCode).toBe(201);
    const stored = await queryRows(t.database.db, sql`select body from person_notes where person_id = ${id}`);
    expect(JSON.stringify(stored)).not.toContain(MARKER);
    const done = await post(helpdesk, `/api/v1/people/${id}/notes/${note.json().id}/done`, {});
    expect(done.statusCode).toBe(204);
    const person = (await get(helpdesk, `/api/v1/people/${id}`)).json();
    expect(person.notes).toEqual([
      expect.objectContaining({ kind: 'next_step', body: `Call ${MARKER} back`, doneAt: expect.any(String) }),
    ]);
  });

  it('shows the person their consents with their code, and takes an erasure request', async () => {
    const { id, code } = await newPerson();
    await post(helpdesk, `/api/v1/people/${id}/consents`, {
      recipientOrganisationId: ngoOrganisationId,
      fields: ['displayName'],
      purpose: 'case_coordination',
      expiresAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString(),
    });
    const mine = await post(undefined, '/api/v1/my-data', { code });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().consents).toEqual([
      expect.objectContaining({ recipient: 'Legal Aid NGO', purpose: 'case_coordination', state: 'active' }),
    ]);
    expect(mine.body).not.toContain(MARKER);
    const guessed = await post(undefined, '/api/v1/my-data', { code: 'AAA-AAA-AAA' });
    expect(guessed.statusCode).toBe(404);
    const erasure = await post(undefined, '/api/v1/my-data/erasure', { code });
    expect(erasure.statusCode).toBe(202);
    expect(new Date(erasure.json().dueAt).getTime()).toBe(t.clock.now().getTime() + 30 * DAY_MS);
  });

  it('erases a person at once: key and rows gone, a deletion record without personal data left', async () => {
    const { id, code } = await newPerson();
    await post(helpdesk, `/api/v1/people/${id}/notes`, { body: 'note' });
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/people/${id}`,
      headers: ngo.headers(true),
    });
    expect(foreign.statusCode).toBe(404);
    const erased = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/people/${id}`,
      headers: helpdesk.headers(true),
    });
    expect(erased.statusCode).toBe(204);
    expect((await get(helpdesk, `/api/v1/people/${id}`)).statusCode).toBe(404);
    expect((await post(undefined, '/api/v1/my-data', { code })).statusCode).toBe(404);
    for (const table of ['people', 'person_needs', 'person_notes', 'person_visits']) {
      const rows = await queryRows(
        t.database.db,
        sql`select 1 from ${sql.identifier(table)} where ${sql.identifier(table === 'people' ? 'id' : 'person_id')} = ${id}`,
      );
      expect(rows, table).toHaveLength(0);
    }
    const [record] = await queryRows<{ reason: string; rows: Record<string, number> }>(
      t.database.db,
      sql`select reason, rows from deletion_records where person_id = ${id}`,
    );
    expect(record).toEqual({
      reason: 'erasure_by_staff',
      rows: { people: 1, person_needs: 2, person_notes: 1, person_visits: 1 },
    });
    expect(await auditActions(id)).toContain('person.erased');
  });
});
