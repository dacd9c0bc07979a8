import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';
import { testDir } from '../../../test/temp.ts';
import { queryRows } from '../../db/rows.ts';
import { organisations } from '../accounts/index.ts';
import { verifyAuditLog } from '../audit/index.ts';
import { importHsds } from '../directory/index.ts';
import { runReferralChecks } from './index.ts';

const MARKER = 'Quorvan Blixtelby';
const PHONE = '+34 611 98 76 54';
const EMAIL = 'quorvan@example.org';
const DAY_MS = 86_400_000;

/** The directory of the tests: an NGO's services (its HSDS organization gets an Arrival account) and another's. */
const LINKED_HSDS_ORG = '0d0d0d0d-0000-4000-8000-000000000001';
const UNLINKED_HSDS_ORG = '0d0d0d0d-0000-4000-8000-000000000002';
const SERVICE = '0e0e0e0e-0000-4000-8000-000000000001';
const FULL_SERVICE = '0e0e0e0e-0000-4000-8000-000000000002';
const UNLINKED_SERVICE = '0e0e0e0e-0000-4000-8000-000000000003';

function directoryFile(): string {
  const organization = (id: string, name: string) => ({ id, name, description: `${name}, a local NGO.` });
  const services = [
    { id: SERVICE, name: 'Free legal advice', organization: organization(LINKED_HSDS_ORG, 'Rights Desk') },
    { id: FULL_SERVICE, name: 'Tenancy clinic', organization: organization(LINKED_HSDS_ORG, 'Rights Desk') },
    {
      id: UNLINKED_SERVICE,
      name: 'Food bank',
      organization: organization(UNLINKED_HSDS_ORG, 'Neighbourhood Pantry'),
    },
  ].map((s) => ({ ...s, description: `${s.name} for newcomers.`, status: 'active' }));
  const file = path.join(testDir('referrals'), 'services.json');
  writeFileSync(file, JSON.stringify(services));
  return file;
}

interface World {
  t: TestApp;
  staff: { helpdesk: TestStaff; ngo: TestStaff; ngoAdmin: TestStaff; other: TestStaff };
  ngoOrganisationId: string;
  otherOrganisationId: string;
}

/** A helpdesk (sender), an NGO linked to the directory's "Rights Desk" (receiver), and a third organisation. */
async function buildWorld(options: { codeRateLimitPerMinute?: number } = {}): Promise<World> {
  const t = await buildTestApp({ codeRateLimitPerMinute: options.codeRateLimitPerMinute ?? 1000 });
  await importHsds(t.database.db, directoryFile(), { locales: ['en'], defaultLocale: 'en' });
  const helpdesk = await createStaff(t, {
    email: 'desk@city.example',
    role: 'caseworker',
    organisation: 'City Helpdesk',
  });
  const ngo = await createStaff(t, {
    email: 'worker@rights.example',
    role: 'caseworker',
    organisation: 'Rights NGO',
  });
  const ngoAdmin = await createStaff(t, {
    email: 'admin@rights.example',
    role: 'org_admin',
    organisation: 'Rights NGO',
  });
  // Staff of the NGO who do not handle referrals get no email about them.
  await createStaff(t, {
    email: 'editor@rights.example',
    role: 'partner_editor',
    organisation: 'Rights NGO',
  });
  const other = await createStaff(t, {
    email: 'worker@other.example',
    role: 'caseworker',
    organisation: 'Other NGO',
  });
  await t.database.db
    .update(organisations)
    .set({ hsdsOrganizationId: LINKED_HSDS_ORG })
    .where(eq(organisations.id, ngo.organisationId));
  return {
    t,
    staff: { helpdesk, ngo, ngoAdmin, other },
    ngoOrganisationId: ngo.organisationId,
    otherOrganisationId: other.organisationId,
  };
}

describe('closed-loop referrals between organisations', () => {
  let world: World;
  let t: TestApp;
  let helpdesk: StaffSession;
  let ngo: StaffSession;
  let ngoAdmin: StaffSession;
  let other: StaffSession;

  /** Sessions end after idle time: after the clock moves, everyone logs in again. */
  async function logInAll() {
    helpdesk = await logInAs(t, world.staff.helpdesk);
    ngo = await logInAs(t, world.staff.ngo);
    ngoAdmin = await logInAs(t, world.staff.ngoAdmin);
    other = await logInAs(t, world.staff.other);
  }

  beforeAll(async () => {
    world = await buildWorld();
    t = world.t;
    await logInAll();
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (session: StaffSession | undefined, url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, payload, ...(session ? { headers: session.headers(true) } : {}) });
  const put = (session: StaffSession, url: string, payload: object) =>
    t.app.inject({ method: 'PUT', url, payload, headers: session.headers(true) });
  const get = (session: StaffSession, url: string) => t.app.inject({ url, headers: session.headers() });
  const move = (session: StaffSession, id: string, status: string, reason?: string) =>
    post(session, `/api/v1/referrals/${id}/status`, { status, ...(reason ? { reason } : {}) });
  const withoutRequestId = (body: string) => body.replace(/"requestId":"[^"]+"/, '');

  async function newPerson(by = helpdesk) {
    const res = await post(by, '/api/v1/people', {
      displayName: MARKER,
      phone: PHONE,
      email: EMAIL,
      languages: ['ar', 'fr'],
      needs: ['legal', 'housing'],
      urgency: ['children'],
      interpreterNeeded: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as { id: string };
    const person = (await get(by, `/api/v1/people/${id}`)).json();
    const needIdOf = (need: string): string =>
      person.needs.find((n: { need: string }) => n.need === need)?.id ?? 'missing';
    return { id, legalNeedId: needIdOf('legal') };
  }

  async function newConsent(
    personId: string,
    options: { fields?: string[]; purpose?: string; days?: number; to?: string; by?: StaffSession } = {},
  ) {
    const res = await post(options.by ?? helpdesk, `/api/v1/people/${personId}/consents`, {
      recipientOrganisationId: options.to ?? world.ngoOrganisationId,
      fields: options.fields ?? ['displayName', 'phone'],
      purpose: options.purpose ?? 'referral',
      expiresAt: new Date(t.clock.now().getTime() + (options.days ?? 30) * DAY_MS).toISOString(),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; receiptCode: string };
  }

  async function namedReferral(extra: object = {}) {
    const person = await newPerson();
    const consent = await newConsent(person.id);
    const res = await post(helpdesk, '/api/v1/referrals', {
      personId: person.id,
      serviceId: SERVICE,
      consentId: consent.id,
      pseudonymous: false,
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return { person, consent, id: res.json().id as string };
  }

  async function auditActions(objectId: string): Promise<string[]> {
    const rows = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where object_id = ${objectId} order by seq`,
    );
    return rows.map((r) => r.action);
  }

  async function counts() {
    const [row] = await queryRows<{ referrals: number; events: number; outbox: number; audit: number }>(
      t.database.db,
      sql`select (select count(*)::int from referrals) as referrals,
        (select count(*)::int from referral_events) as events,
        (select count(*)::int from outbox) as outbox,
        (select count(*)::int from audit_log) as audit`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  async function emailsAbout(referralId: string) {
    return queryRows<{ recipient: string; template: string }>(
      t.database.db,
      sql`select recipient, template from outbox where params->>'link' like ${`%/staff/referrals/${referralId}`}
        order by created_at, recipient`,
    );
  }

  it('closes the loop: the helpdesk refers, the NGO receives, accepts, works on and completes, both see every change', async () => {
    const capacity = await put(ngoAdmin, `/api/v1/services/${SERVICE}/capacity`, {
      accepting: true,
      weeklyPlaces: 5,
      waitingDays: 7,
    });
    expect(capacity.statusCode, capacity.body).toBe(200);
    const seen = await get(helpdesk, `/api/v1/services/${SERVICE}/capacity`);
    expect(seen.json()).toMatchObject({ accepting: true, weeklyPlaces: 5, waitingDays: 7, referrable: true });

    const person = await newPerson();
    const consent = await newConsent(person.id, { fields: ['displayName', 'phone'] });
    const created = await post(helpdesk, '/api/v1/referrals', {
      personId: person.id,
      serviceId: SERVICE,
      consentId: consent.id,
      pseudonymous: false,
      needId: person.legalNeedId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, state, disclosureCode } = created.json();
    expect(state).toBe('sent');
    expect(disclosureCode).toBeUndefined();
    // The NGO's admin and caseworker are told, with a link; its directory editor is not.
    expect(await emailsAbout(id)).toEqual([
      { recipient: 'admin@rights.example', template: 'referral_received' },
      { recipient: 'worker@rights.example', template: 'referral_received' },
    ]);
    const [outboxRow] = await queryRows<{ params: { link: string } }>(
      t.database.db,
      sql`select params from outbox where recipient = 'worker@rights.example' and template = 'referral_received'`,
    );
    expect(outboxRow?.params.link).toBe(`${t.config.publicBaseUrl}/staff/referrals/${id}`);

    // The helpdesk's need is now marked as referred.
    const owner = (await get(helpdesk, `/api/v1/people/${person.id}`)).json();
    expect(owner.needs.find((n: { need: string }) => n.need === 'legal').status).toBe('referred');

    const opened = await get(ngo, `/api/v1/referrals/${id}`);
    expect(opened.statusCode, opened.body).toBe(200);
    const view = opened.json();
    expect(view).toMatchObject({
      id,
      state: 'received',
      side: 'receiver',
      pseudonymous: false,
      service: { id: SERVICE, name: 'Free legal advice' },
      sender: { id: world.staff.helpdesk.organisationId, name: 'City Helpdesk' },
      receiver: { id: world.ngoOrganisationId, name: 'Rights NGO' },
      consent: { id: consent.id, fields: ['displayName', 'phone'] },
      moves: ['accepted', 'declined'],
    });
    // The consented fields, and what a receiver always sees; only the need the referral is about.
    expect(view.person).toEqual({
      identityDisclosed: true,
      displayName: MARKER,
      phone: PHONE,
      languages: ['ar', 'fr'],
      urgency: ['children'],
      interpreterNeeded: true,
      needs: ['legal'],
    });
    expect(view.events.map((e: { to: string }) => e.to)).toEqual(['sent', 'received']);

    for (const [status, by] of [
      ['accepted', ngo],
      ['in_progress', ngoAdmin],
      ['completed', ngo],
    ] as const) {
      const res = await move(by, id, status);
      expect(res.statusCode, `${status}: ${res.body}`).toBe(200);
      expect(res.json().state).toBe(status);
    }
    const final = (await get(helpdesk, `/api/v1/referrals/${id}`)).json();
    expect(final).toMatchObject({
      state: 'completed',
      side: 'sender',
      moves: [],
      closedAt: expect.any(String),
    });
    expect(final.person).toMatchObject({ displayName: MARKER, phone: PHONE, email: EMAIL });
    expect(final.person.needs.sort()).toEqual(['housing', 'legal']);
    expect(
      final.events.map((e: { from?: string; to: string; organisation?: { name: string } }) => [
        e.from ?? null,
        e.to,
        e.organisation?.name,
      ]),
    ).toEqual([
      [null, 'sent', 'City Helpdesk'],
      ['sent', 'received', 'Rights NGO'],
      ['received', 'accepted', 'Rights NGO'],
      ['accepted', 'in_progress', 'Rights NGO'],
      ['in_progress', 'completed', 'Rights NGO'],
    ]);
    expect((await get(ngo, `/api/v1/referrals/${id}`)).json().events).toEqual(final.events);
    // Each answer of the NGO is news for the helpdesk's staff.
    const helpdeskEmails = (await emailsAbout(id)).filter((e) => e.recipient === 'desk@city.example');
    expect(helpdeskEmails.map((e) => e.template)).toEqual([
      'referral_updated',
      'referral_updated',
      'referral_updated',
    ]);
    expect(await auditActions(id)).toEqual([
      'referral.created',
      'referral.received',
      'referral.read',
      'referral.accepted',
      'referral.read',
      'referral.in_progress',
      'referral.read',
      'referral.completed',
      'referral.read',
      'referral.read',
      'referral.read',
    ]);

    const sent = (await get(helpdesk, '/api/v1/referrals?box=sent')).json();
    expect(sent.items[0]).toMatchObject({ id, state: 'completed', service: { name: 'Free legal advice' } });
    const received = await get(ngo, '/api/v1/referrals?box=received&state=completed');
    expect(received.json().items.map((i: { id: string }) => i.id)).toEqual([id]);
    // Lists carry no personal field.
    for (const body of [JSON.stringify(sent), received.body]) {
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain('legal"');
    }
    const summary = (await get(helpdesk, '/api/v1/referrals/summary')).json();
    expect(summary.sent.completed).toBe(1);
    expect((await get(ngo, '/api/v1/referrals/summary')).json().received.completed).toBe(1);
  });

  it('keeps a draft from the receiver until it is sent', async () => {
    const person = await newPerson();
    const consent = await newConsent(person.id);
    const created = await post(helpdesk, '/api/v1/referrals', {
      personId: person.id,
      serviceId: SERVICE,
      consentId: consent.id,
      pseudonymous: false,
      needId: person.legalNeedId,
      draft: true,
    });
    expect(created.json().state).toBe('draft');
    const { id } = created.json();
    const needStatus = async () =>
      (await get(helpdesk, `/api/v1/people/${person.id}`))
        .json()
        .needs.find((n: { need: string }) => n.need === 'legal').status;
    expect(await needStatus()).toBe('open');
    expect((await get(helpdesk, `/api/v1/referrals/${id}`)).json()).toMatchObject({
      state: 'draft',
      moves: ['sent', 'cancelled'],
    });
    expect(await emailsAbout(id)).toEqual([]);
    expect((await get(ngo, `/api/v1/referrals/${id}`)).statusCode).toBe(404);
    const sent = await move(helpdesk, id, 'sent');
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sentAt).toEqual(expect.any(String));
    expect((await emailsAbout(id)).map((e) => e.template)).toEqual([
      'referral_received',
      'referral_received',
    ]);
    expect(await needStatus()).toBe('referred');
    expect((await get(ngo, `/api/v1/referrals/${id}`)).json().state).toBe('received');
    // The sender changes its mind: the receiver's staff are told.
    expect((await move(helpdesk, id, 'cancelled')).json().state).toBe('cancelled');
    const updates = (await emailsAbout(id)).filter((e) => e.template === 'referral_updated');
    expect(updates.map((e) => e.recipient)).toEqual(['admin@rights.example', 'worker@rights.example']);
  });

  it('documents the referral API in OpenAPI, for staff sessions only', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const [path, method] of [
      ['/api/v1/referrals', 'post'],
      ['/api/v1/referrals/{id}', 'get'],
      ['/api/v1/referrals/{id}/status', 'post'],
      ['/api/v1/referrals/{id}/disclose', 'post'],
      ['/api/v1/services/{id}/capacity', 'put'],
    ] as const)
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([{ session: [] }]);
  });

  it('asks a reason to decline, and refuses moves the machine lacks or that are the other side’s, changing nothing', async () => {
    const { id } = await namedReferral();
    expect((await get(ngo, `/api/v1/referrals/${id}`)).json().state).toBe('received');
    const before = await counts();
    const refusals = [
      [await move(ngo, id, 'declined'), 400, 'REASON_REQUIRED'],
      [await move(ngo, id, 'declined', '   '), 400, 'VALIDATION_FAILED'],
      [await move(ngo, id, 'declined', 'x'.repeat(501)), 400, 'VALIDATION_FAILED'],
      [await move(helpdesk, id, 'accepted'), 409, 'NOT_YOUR_MOVE'],
      [await move(ngo, id, 'cancelled'), 409, 'NOT_YOUR_MOVE'],
      [await move(ngo, id, 'completed'), 409, 'INVALID_TRANSITION'],
      [await move(helpdesk, id, 'draft'), 409, 'INVALID_TRANSITION'],
      [await move(ngo, id, 'promoted'), 400, 'VALIDATION_FAILED'],
    ] as const;
    for (const [res, status, code] of refusals) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    const after = await counts();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    // Each refusal the machine made is audited (the validation failures never reached it).
    expect(after.audit - before.audit).toBe(5);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        'referral.move_refused.reason_required',
        'referral.move_refused.not_your_move',
        'referral.move_refused.invalid_transition',
      ]),
    );
    expect((await get(helpdesk, `/api/v1/referrals/${id}`)).json().state).toBe('received');

    const reason = `No places until spring; ${MARKER} may call again`;
    const declined = await move(ngo, id, 'declined', reason);
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toMatchObject({ state: 'declined', reason, moves: [] });
    const seenBySender = (await get(helpdesk, `/api/v1/referrals/${id}`)).json();
    expect(seenBySender.reason).toBe(reason);
    expect(seenBySender.events.at(-1)).toMatchObject({ from: 'received', to: 'declined', reason });
    // Reasons are sealed under the person's key.
    const stored = await queryRows(
      t.database.db,
      sql`select r.reason, e.reason as event_reason from referrals r join referral_events e on e.referral_id = r.id
        where r.id = ${id}`,
    );
    expect(JSON.stringify(stored)).not.toContain('spring');
    const closed = await move(helpdesk, id, 'cancelled');
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.code).toBe('INVALID_TRANSITION');
  });

  it('keeps a pseudonymous referral anonymous until the person shows their one-time code', async () => {
    const person = await newPerson();
    const created = await post(helpdesk, '/api/v1/referrals', {
      personId: person.id,
      serviceId: SERVICE,
      pseudonymous: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, disclosureCode } = created.json();
    expect(disclosureCode).toMatch(/^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
    const stored = await queryRows(t.database.db, sql`select * from referrals where id = ${id}`);
    expect(JSON.stringify(stored)).not.toContain(disclosureCode.replaceAll('-', ''));

    const anonymous = await get(ngo, `/api/v1/referrals/${id}`);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().person).toEqual({
      identityDisclosed: false,
      languages: ['ar', 'fr'],
      urgency: ['children'],
      interpreterNeeded: true,
      needs: ['legal', 'housing'],
    });
    expect(anonymous.body).not.toContain(MARKER);
    expect(anonymous.body).not.toContain('611');

    const disclose = (session: StaffSession, code: string) =>
      post(session, `/api/v1/referrals/${id}/disclose`, { code });
    const wrong = await disclose(ngo, 'K7Q-4M2-XPB');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('CODE_INVALID');
    expect((await disclose(ngo, 'not a code')).json().error.code).toBe('CODE_INVALID');
    expect((await get(ngo, `/api/v1/referrals/${id}`)).json().person.identityDisclosed).toBe(false);
    // Only the receiver takes the code; anyone else's is the same 404 as a missing referral.
    expect((await disclose(helpdesk, disclosureCode)).json().error.code).toBe('NOT_YOUR_MOVE');
    expect((await disclose(other, disclosureCode)).statusCode).toBe(404);

    const right = await disclose(ngo, disclosureCode.toLowerCase().replaceAll('-', ' '));
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json().person).toMatchObject({ identityDisclosed: true, displayName: MARKER });
    // Shown in person, the code reveals the name; contact details still need a consent.
    expect(right.json().person).not.toHaveProperty('phone');
    expect((await disclose(ngo, disclosureCode)).json().error.code).toBe('CODE_INVALID');
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        'referral.disclosure_refused.code_invalid',
        'referral.disclosure_refused.not_your_move',
        'referral.access_denied',
        'referral.identity_disclosed',
      ]),
    );
    expect(
      (await auditActions(id)).filter((a) => a === 'referral.disclosure_refused.code_invalid'),
    ).toHaveLength(3);
  });

  it('hides a referral from the receiving organisation as soon as the person revokes their consent', async () => {
    const { id, consent } = await namedReferral();
    expect((await get(ngo, `/api/v1/referrals/${id}`)).statusCode).toBe(200);
    const revoked = await post(undefined, '/api/v1/my-data/revoke', { receiptCode: consent.receiptCode });
    expect(revoked.statusCode).toBe(200);
    const hidden = await get(ngo, `/api/v1/referrals/${id}`);
    expect(hidden.statusCode).toBe(404);
    const missing = await get(ngo, `/api/v1/referrals/${randomUUID()}`);
    expect(withoutRequestId(hidden.body)).toBe(withoutRequestId(missing.body));
    expect((await move(ngo, id, 'accepted')).statusCode).toBe(404);
    const received = (await get(ngo, '/api/v1/referrals?box=received')).json();
    expect(received.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect(await auditActions(id)).toContain('referral.access_denied');
    // The sender still sees its own referral, and may cancel it.
    expect((await get(helpdesk, `/api/v1/referrals/${id}`)).statusCode).toBe(200);
    expect((await move(helpdesk, id, 'cancelled')).json().state).toBe('cancelled');
    // …and the receiver, who may no longer see it, gets no email leading to it.
    expect((await emailsAbout(id)).map((e) => e.template)).toEqual([
      'referral_received',
      'referral_received',
    ]);
  });

  it('refuses another organisation’s person, consent and referral with the same 404, audited, changing nothing', async () => {
    const theirs = await newPerson(other);
    const theirConsent = await newConsent(theirs.id, { by: other });
    const mine = await newPerson();
    const { id: referralId } = await namedReferral();
    const before = await counts();

    const foreignPerson = await post(helpdesk, '/api/v1/referrals', {
      personId: theirs.id,
      serviceId: SERVICE,
      pseudonymous: true,
    });
    expect(foreignPerson.statusCode).toBe(404);
    expect(foreignPerson.json().error.code).toBe('NOT_FOUND');
    const foreignConsent = await post(helpdesk, '/api/v1/referrals', {
      personId: mine.id,
      serviceId: SERVICE,
      consentId: theirConsent.id,
      pseudonymous: false,
    });
    expect(foreignConsent.statusCode).toBe(404);
    expect(foreignConsent.json().error.code).toBe('CONSENT_NOT_FOUND');
    const foreignReferral = await get(other, `/api/v1/referrals/${referralId}`);
    const missing = await get(other, `/api/v1/referrals/${randomUUID()}`);
    expect(foreignReferral.statusCode).toBe(404);
    expect(withoutRequestId(foreignReferral.body)).toBe(withoutRequestId(missing.body));
    expect((await move(other, referralId, 'cancelled')).statusCode).toBe(404);
    const foreignNeed = await post(helpdesk, '/api/v1/referrals', {
      personId: mine.id,
      serviceId: SERVICE,
      pseudonymous: true,
      needId: theirs.legalNeedId,
    });
    expect(foreignNeed.statusCode).toBe(404);

    const after = await counts();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect(after.audit - before.audit).toBe(6);
    expect(await auditActions(theirs.id)).toContain('person.access_denied');
    expect(await auditActions(mine.id)).toEqual(
      expect.arrayContaining([
        'referral.create_refused.consent_not_found',
        'referral.create_refused.not_found',
      ]),
    );
    expect((await auditActions(referralId)).filter((a) => a === 'referral.access_denied')).toHaveLength(2);
  });

  it('refers only with a consent that is the person’s, for this receiver, for referrals and in force', async () => {
    const person = await newPerson();
    const refer = (extra: object) =>
      post(helpdesk, '/api/v1/referrals', { personId: person.id, serviceId: SERVICE, ...extra });
    const before = await counts();
    const noConsent = await refer({ pseudonymous: false });
    expect([noConsent.statusCode, noConsent.json().error.code]).toEqual([400, 'CONSENT_REQUIRED']);
    const toOther = await newConsent(person.id, { to: world.otherOrganisationId });
    const otherRecipient = await refer({ pseudonymous: false, consentId: toOther.id });
    expect([otherRecipient.statusCode, otherRecipient.json().error.code]).toEqual([
      409,
      'CONSENT_OTHER_RECIPIENT',
    ]);
    const followUp = await newConsent(person.id, { purpose: 'follow_up' });
    const otherPurpose = await refer({ pseudonymous: false, consentId: followUp.id });
    expect([otherPurpose.statusCode, otherPurpose.json().error.code]).toEqual([409, 'CONSENT_OTHER_PURPOSE']);
    const revoked = await newConsent(person.id);
    await post(helpdesk, `/api/v1/consents/${revoked.id}/revoke`, {});
    const whenRevoked = await refer({ pseudonymous: false, consentId: revoked.id });
    expect([whenRevoked.statusCode, whenRevoked.json().error.code]).toEqual([409, 'CONSENT_REVOKED']);
    const unknown = await refer({ pseudonymous: false, consentId: randomUUID() });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'CONSENT_NOT_FOUND']);
    const after = await counts();
    expect([after.referrals, after.events, after.outbox]).toEqual([
      before.referrals,
      before.events,
      before.outbox,
    ]);
    expect(await auditActions(person.id)).toEqual(
      expect.arrayContaining([
        'referral.create_refused.consent_required',
        'referral.create_refused.consent_other_recipient',
        'referral.create_refused.consent_other_purpose',
        'referral.create_refused.consent_revoked',
      ]),
    );
  });

  it('refers only to a service in the directory whose organisation is here and takes referrals', async () => {
    const person = await newPerson();
    const refer = (serviceId: string) =>
      post(helpdesk, '/api/v1/referrals', { personId: person.id, serviceId, pseudonymous: true });
    const unknown = await refer('no-such-service');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const unlinked = await refer(UNLINKED_SERVICE);
    expect([unlinked.statusCode, unlinked.json().error.code]).toEqual([409, 'SERVICE_NOT_REFERRABLE']);
    expect((await get(helpdesk, `/api/v1/services/${UNLINKED_SERVICE}/capacity`)).json()).toEqual({
      accepting: true,
      referrable: false,
    });

    // Only the receiving organisation says whether its service takes referrals.
    for (const session of [helpdesk, other]) {
      const res = await put(session, `/api/v1/services/${FULL_SERVICE}/capacity`, { accepting: false });
      expect(res.statusCode).toBe(404);
    }
    expect((await get(helpdesk, '/api/v1/services/no-such-service/capacity')).statusCode).toBe(404);
    const full = await put(ngo, `/api/v1/services/${FULL_SERVICE}/capacity`, {
      accepting: false,
      waitingDays: 60,
    });
    expect(full.json()).toMatchObject({ accepting: false, waitingDays: 60, referrable: true });
    const notAccepting = await refer(FULL_SERVICE);
    expect([notAccepting.statusCode, notAccepting.json().error.code]).toEqual([409, 'SERVICE_NOT_ACCEPTING']);
    // `weeklyPlaces` left out keeps what was said; `null` forgets it.
    const open = await put(ngo, `/api/v1/services/${FULL_SERVICE}/capacity`, {
      accepting: true,
      waitingDays: null,
    });
    expect(open.json()).toEqual({ accepting: true, updatedAt: expect.any(String), referrable: true });
    expect((await refer(FULL_SERVICE)).statusCode).toBe(201);

    // An organisation does not refer to itself.
    const theirs = await newPerson(ngo);
    const self = await post(ngo, '/api/v1/referrals', {
      personId: theirs.id,
      serviceId: SERVICE,
      pseudonymous: true,
    });
    expect([self.statusCode, self.json().error.code]).toEqual([409, 'SERVICE_OWN_ORGANISATION']);
  });

  it('hides the referral from the receiver when its consent expires', async () => {
    const person = await newPerson();
    const consent = await newConsent(person.id, { days: 2 });
    const created = await post(helpdesk, '/api/v1/referrals', {
      personId: person.id,
      serviceId: SERVICE,
      consentId: consent.id,
      pseudonymous: false,
    });
    const { id } = created.json();
    expect((await get(ngo, `/api/v1/referrals/${id}`)).statusCode).toBe(200);
    const listed = (await get(ngo, '/api/v1/referrals?box=received')).json();
    expect(listed.items.map((i: { id: string }) => i.id)).toContain(id);
    t.clock.advance(2 * DAY_MS + 1000);
    await logInAll();
    expect((await get(ngo, `/api/v1/referrals/${id}`)).statusCode).toBe(404);
    const received = (await get(ngo, '/api/v1/referrals?box=received')).json();
    expect(received.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await get(helpdesk, `/api/v1/referrals/${id}`)).json().consent.id).toBe(consent.id);
  });

  it('escalates to the sender what the receiver left unanswered, and expires it later, once', async () => {
    const checks = () =>
      runReferralChecks({
        db: t.database.db,
        clock: t.clock,
        publicBaseUrl: t.config.publicBaseUrl,
        locale: 'en',
        referralAckDays: t.config.referralAckDays,
        referralExpiryDays: t.config.referralExpiryDays,
      });
    await checks();
    const { id } = await namedReferral({ consentId: undefined, pseudonymous: true });
    const answered = await namedReferral();
    await get(ngo, `/api/v1/referrals/${answered.id}`);
    await move(ngo, answered.id, 'accepted');
    expect(await checks()).toEqual({ escalated: 0, expired: 0 });

    t.clock.advance((t.config.referralAckDays + 1) * DAY_MS);
    await logInAll();
    const first = await checks();
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect(await checks()).toEqual({ escalated: 0, expired: 0 });
    const escalations = (await emailsAbout(id)).filter((e) => e.template === 'referral_escalated');
    expect(escalations).toEqual([{ recipient: 'desk@city.example', template: 'referral_escalated' }]);
    expect((await emailsAbout(answered.id)).map((e) => e.template)).not.toContain('referral_escalated');
    expect(await auditActions(id)).toContain('referral.escalated');
    const listed = (await get(helpdesk, '/api/v1/referrals?box=sent&state=sent')).json();
    expect(listed.items.find((i: { id: string }) => i.id === id)).toMatchObject({ overdue: true });
    expect((await get(helpdesk, '/api/v1/referrals/summary')).json().sent.overdue).toBeGreaterThanOrEqual(1);
    expect((await get(ngo, `/api/v1/referrals/${id}`)).json().escalatedAt).toEqual(expect.any(String));

    t.clock.advance(t.config.referralExpiryDays * DAY_MS);
    await logInAll();
    expect((await checks()).expired).toBeGreaterThanOrEqual(1);
    expect(await checks()).toEqual({ escalated: 0, expired: 0 });
    const expired = (await get(helpdesk, `/api/v1/referrals/${id}`)).json();
    expect(expired).toMatchObject({ state: 'expired', moves: [], closedAt: expect.any(String) });
    expect(expired.events.at(-1)).toEqual({ at: expect.any(String), from: 'received', to: 'expired' });
    expect((await get(helpdesk, `/api/v1/referrals/${answered.id}`)).json().state).toBe('accepted');
    expect(await auditActions(id)).toContain('referral.expired');
  });

  it('puts no personal data in any email, audit row or log line', async () => {
    const rows = await queryRows(t.database.db, sql`select * from outbox`);
    const templates = new Set(rows.map((r) => r.template));
    expect([...templates].sort()).toEqual(['referral_escalated', 'referral_received', 'referral_updated']);
    const outbox = JSON.stringify(rows);
    const audit = JSON.stringify(await queryRows(t.database.db, sql`select * from audit_log`));
    for (const text of [outbox, audit, t.logs()]) {
      for (const secret of [
        MARKER,
        'Quorvan',
        '611 98',
        '611987654',
        EMAIL,
        'spring',
        'legal',
        'housing',
        'children',
      ])
        expect(text).not.toContain(secret);
    }
    // What the email says, as sent: the template and a link.
    const catalogue = (await import('../../i18n/index.ts')).loadCatalogues('en').translator('en');
    const body = catalogue('email.referral_received.body', {
      link: 'https://city.example/staff/referrals/x',
    });
    expect(body).toContain('https://city.example/staff/referrals/x');
    expect(catalogue('email.referral_escalated.body', { link: 'l', days: 3 })).toContain('3 days');
  });

  it('keeps one unforked audit chain, and loses nothing, when referrals, erasures and reads run at once', async () => {
    const cases: { person: { id: string; legalNeedId: string }; consent: { id: string } }[] = [];
    for (let i = 0; i < 8; i++) {
      const person = await newPerson();
      cases.push({ person, consent: await newConsent(person.id) });
    }
    const erased = new Set(cases.slice(0, 2).map((c) => c.person.id));
    const before = await counts();
    // On PostgreSQL these run on several connections at once: each referral locks its person, then the chain.
    const refer = ({ person, consent }: (typeof cases)[number]) =>
      post(helpdesk, '/api/v1/referrals', {
        personId: person.id,
        serviceId: SERVICE,
        consentId: consent.id,
        pseudonymous: false,
        needId: person.legalNeedId,
      });
    const [referred, erasures, reads] = await Promise.all([
      Promise.all(cases.map(refer)),
      Promise.all(
        [...erased].map((id) =>
          t.app.inject({ method: 'DELETE', url: `/api/v1/people/${id}`, headers: helpdesk.headers(true) }),
        ),
      ),
      // Another organisation probing the people: refused, and each refusal is an audit row too.
      Promise.all(cases.map(({ person }) => get(other, `/api/v1/people/${person.id}`))),
    ]);
    for (const res of erasures) expect(res.statusCode, res.body).toBeLessThan(300);
    for (const res of reads) expect(res.statusCode, res.body).toBe(404);
    // An erased person's referral was either made first (and erased with them) or finds no person: never a 500.
    cases.forEach(({ person }, i) => {
      const res = referred[i];
      if (erased.has(person.id)) expect([201, 404], res?.body).toContain(res?.statusCode);
      else expect(res?.statusCode, res?.body).toBe(201);
    });
    const made = referred.filter((r) => r.statusCode === 201).length;
    const after = await counts();
    expect(after.referrals - before.referrals).toBe(cases.length - erased.size);
    expect(after.events - before.events).toBe(cases.length - erased.size);
    // The NGO's caseworker and admin are emailed of every referral made, erased or not (a link, nothing more).
    expect(after.outbox - before.outbox).toBe(2 * made);
    expect(await verifyAuditLog(t.database.db)).toMatchObject({ intact: true });
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where action = 'referral.created' and seq > ${before.audit}`,
    );
    expect(row?.n).toBe(made);
  });
});

describe('disclosure codes', () => {
  it('are rate limited, so guessing one is slow', async () => {
    const world = await buildWorld({ codeRateLimitPerMinute: 3 });
    const { t } = world;
    try {
      const ngo = await logInAs(t, world.staff.ngo);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/v1/referrals/${randomUUID()}/disclose`,
          headers: ngo.headers(true),
          payload: { code: 'K7Q-4M2-XPB' },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await t.close();
    }
  });
});
