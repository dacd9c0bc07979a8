import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs, type StaffSession, type TestStaff } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';
import { organisations } from '../accounts/index.ts';
import { hsdsLocation } from '../directory/index.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CODE = /<code lang="en" dir="ltr">([0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3})<\/code>/;

/** A form body as a browser sends it: repeated names for checkboxes. */
function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
  return params.toString();
}

describe('helpdesk pages', () => {
  let t: TestApp;
  let caseworker: TestStaff;
  let partner: TestStaff;
  let analyst: TestStaff;
  let s: StaffSession;
  let other: StaffSession;

  beforeAll(async () => {
    t = await buildTestApp();
    caseworker = await createStaff(t, {
      email: 'desk@city.example',
      role: 'caseworker',
      organisation: 'City Desk',
    });
    partner = await createStaff(t, {
      email: 'help@ngo.example',
      role: 'caseworker',
      organisation: 'Open Doors',
    });
    analyst = await createStaff(t, {
      email: 'count@city.example',
      role: 'analyst',
      organisation: 'City Desk',
    });
    // The city desk publishes two places in the directory: its helpdesk sites.
    await t.database.db
      .update(organisations)
      .set({ hsdsOrganizationId: 'org-city-desk' })
      .where(eq(organisations.id, caseworker.organisationId));
    await t.database.db.insert(hsdsLocation).values([
      { id: 'loc-station', organizationId: 'org-city-desk', name: 'Central station desk' },
      { id: 'loc-library', organizationId: 'org-city-desk', name: 'Library desk' },
      { id: 'loc-elsewhere', organizationId: 'org-other', name: 'Someone else’s place' },
    ]);
    s = await logInAs(t, caseworker);
    other = await logInAs(t, partner);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (session: StaffSession, url: string, fields: Record<string, string | string[]>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, cookie: session.cookie },
      payload: form({ _csrf: session.csrfToken, ...fields }),
    });
  const get = (session: StaffSession, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });

  async function intake(fields: Record<string, string | string[]> = {}) {
    const res = await post(s, '/staff/people/new?lang=en', fields);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const code = CODE.exec(res.body)?.[1] ?? '';
    const id = /href="\/staff\/people\/([0-9a-f-]{36})\?lang=en"/.exec(res.body)?.[1] ?? '';
    return { res, code, id };
  }

  it('offers the organisation’s own helpdesk sites, big checkboxes and the promise on the intake form', async () => {
    const res = await get(s, '/staff/people/new?lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<option value="loc-station">Central station desk</option>');
    expect(res.body).toContain('Library desk');
    expect(res.body).not.toContain('Someone else');
    expect(res.body).toContain('We never ask about immigration status or papers.');
    expect(res.body).toContain('name="needs" value="housing"');
    expect(res.body).toContain('name="urgency" value="safety"');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\sstyle=/);
    // An organisation with no places in the directory gets no site question.
    const plain = await get(other, '/staff/people/new?lang=en');
    expect(plain.body).not.toContain('name="siteId"');
  });

  it('records a visit from the form and shows the slip with the Arrival code, never logging it', async () => {
    const { res, code, id } = await intake({
      siteId: 'loc-library',
      needs: ['housing', 'legal'],
      urgency: 'children',
      languages: ['ar', 'fr'],
      otherLanguages: 'Tigrinya',
      interpreterNeeded: 'yes',
      displayName: 'Amal Marker',
      phone: '+34 600 111 222',
      slipLang: 'ar',
    });
    expect(code).toMatch(/^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
    expect(id).not.toBe('');
    // The slip is in the language the person reads, inside the staff page's language.
    expect(res.body).toMatch(/<section class="slip" lang="ar" dir="rtl"/);
    expect(res.body).toContain('/ar/my-data');

    const page = await get(s, `/staff/people/${id}?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Amal Marker</h1>');
    expect(page.body).toContain('+34 600 111 222');
    expect(page.body).toContain('A place to sleep or housing');
    expect(page.body).toContain('Legal help');
    expect(page.body).toContain('A child needs help');
    expect(page.body).toContain('Tigrinya');
    expect(page.body).toContain('Library desk');
    expect(page.body).not.toContain(code);

    // The same person is found again by the code on the slip.
    const found = await post(s, '/staff/people/lookup?lang=en', { code: code.toLowerCase() });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('1 person found');
    expect(found.body).toContain(`href="/staff/people/${id}?lang=en"`);
    const byPhone = await post(s, '/staff/people/lookup?lang=en', { phone: '+34600111222' });
    expect(byPhone.body).toContain(`href="/staff/people/${id}?lang=en"`);

    const logs = t.logs();
    expect(logs).not.toContain(code);
    expect(logs).not.toContain(code.replaceAll('-', ''));
    expect(logs).not.toContain('Amal Marker');
    expect(logs).not.toContain('600 111 222');
  });

  it('records one person when the same form is sent twice (a double tap), showing the same slip', async () => {
    const form = await get(s, '/staff/people/new?lang=en');
    const formToken = /name="formToken" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
    expect(formToken).toBeDefined();
    const [before] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from people`,
    );
    const fields = { displayName: 'Tapped Twice', needs: 'food', formToken: formToken ?? '' };
    const [first, second] = await Promise.all([
      post(s, '/staff/people/new?lang=en', fields),
      post(s, '/staff/people/new?lang=en', fields),
    ]);
    expect(first?.statusCode).toBe(201);
    expect(second?.statusCode).toBe(201);
    expect(CODE.exec(second?.body ?? '')?.[1]).toBe(CODE.exec(first?.body ?? '')?.[1]);
    const [after] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from people`);
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
    // A new form is a new visit.
    expect((await intake({ displayName: 'Tapped Twice' })).code).not.toBe(CODE.exec(first?.body ?? '')?.[1]);
  });

  it('refuses bad input on the form with a translated message, keeping what was typed', async () => {
    const res = await post(s, '/staff/people/new?lang=es', {
      needs: ['food'],
      displayName: 'Keep Me',
      phone: 'call me maybe',
      email: 'not-an-email',
      otherLanguages: 'Tigrinya',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('href="#phone"');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/<html lang="es"/);
    expect(res.body).not.toContain('Enter a phone number');
    expect(res.body).toContain('value="Keep Me"');
    expect(res.body).toContain('value="call me maybe"');
    expect(res.body).toContain('value="Tigrinya"');
    expect(res.body).toMatch(/name="needs" value="food" checked/);
    // A site of another organisation is refused too.
    const site = await post(s, '/staff/people/new?lang=en', { siteId: 'loc-elsewhere' });
    expect(site.statusCode).toBe(400);
    expect(site.body).toContain('Choose one of your helpdesk sites.');
  });

  it('gives the same 404 page for another organisation’s person as for a missing one', async () => {
    const { id } = await intake({ displayName: 'Private Person' });
    const foreign = await get(other, `/staff/people/${id}?lang=en`);
    const missing = await get(other, `/staff/people/${randomUUID()}?lang=en`);
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.body).toBe(missing.body);
    expect(foreign.body).not.toContain('Private Person');
    for (const path of ['consents/new', 'erase']) {
      expect((await get(other, `/staff/people/${id}/${path}?lang=en`)).statusCode).toBe(404);
    }
    for (const [path, fields] of [
      ['notes', { body: 'x' }],
      ['visits', {}],
      ['code', {}],
      ['erase', {}],
    ] as const) {
      const res = await post(other, `/staff/people/${id}/${path}?lang=en`, fields);
      expect(res.statusCode, path).toBe(404);
    }
    expect((await get(s, `/staff/people/${id}?lang=en`)).statusCode).toBe(200);
    // A role that does not help people is refused the pages at all.
    const counting = await logInAs(t, analyst);
    expect((await get(counting, '/staff/people/new')).statusCode).toBe(403);
  });

  it('changes a need’s status, adds notes and next steps, and records visits (Post/Redirect/Get)', async () => {
    const { id } = await intake({ needs: 'food' });
    const page = await get(s, `/staff/people/${id}?lang=en`);
    const needId = new RegExp(`/staff/people/${id}/needs/([0-9a-f-]{36})`).exec(page.body)?.[1] ?? '';
    const status = await post(s, `/staff/people/${id}/needs/${needId}?lang=fr`, { status: 'met' });
    expect(status.statusCode).toBe(303);
    expect(status.headers.location).toBe(`/staff/people/${id}?done=need&lang=fr#needs`);

    const step = await post(s, `/staff/people/${id}/notes?lang=en`, {
      kind: 'next_step',
      body: 'Call the housing office on Monday',
    });
    expect(step.statusCode).toBe(303);
    await post(s, `/staff/people/${id}/needs?lang=en`, { needs: ['work', 'nonsense'] });
    await post(s, `/staff/people/${id}/visits?lang=en`, { siteId: 'loc-station' });
    const after = await get(s, `/staff/people/${id}?lang=en&done=visit`);
    expect(after.body).toContain('The visit is recorded.');
    expect(after.body).toContain('Help found');
    expect(after.body).toContain('Call the housing office on Monday');
    expect(after.body).toContain('Central station desk');
    expect(after.body).toContain('<strong>Work</strong>');
    const noteId = new RegExp(`/staff/people/${id}/notes/([0-9a-f-]{36})/done`).exec(after.body)?.[1] ?? '';
    const done = await post(s, `/staff/people/${id}/notes/${noteId}/done?lang=en`, {});
    expect(done.statusCode).toBe(303);
    const last = await get(s, `/staff/people/${id}?lang=en`);
    expect(last.body).not.toContain(`/notes/${noteId}/done`);
  });

  it('changes what is recorded, forgetting an emptied field, and refuses a bad phone on the form', async () => {
    const { id } = await intake({ displayName: 'Old Name', phone: '+34 600 999 888', languages: 'ar' });
    const form = await get(s, `/staff/people/${id}/edit?lang=en`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Old Name"');
    expect(form.body).toMatch(/name="languages" value="ar" checked/);
    const bad = await post(s, `/staff/people/${id}/edit?lang=en`, { displayName: 'New Name', phone: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="nope"');
    const saved = await post(s, `/staff/people/${id}/edit?lang=en`, {
      displayName: 'New Name',
      phone: '',
      otherLanguages: 'Lingala',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/staff/people/${id}?done=updated&lang=en#recorded`);
    const page = await get(s, `/staff/people/${id}?lang=en&done=updated`);
    expect(page.body).toContain('<h1>New Name</h1>');
    expect(page.body).toContain('Lingala');
    expect(page.body).not.toContain('600 999 888');
    expect((await post(s, '/staff/people/lookup?lang=en', { phone: '+34 600 999 888' })).body).toContain(
      'No one found',
    );
    expect((await get(other, `/staff/people/${id}/edit?lang=en`)).statusCode).toBe(404);
    expect((await post(other, `/staff/people/${id}/edit?lang=en`, { displayName: 'X' })).statusCode).toBe(
      404,
    );
  });

  it('refuses a note that is too long with a clear message, keeping the text', async () => {
    const { id } = await intake();
    const long = `Started here. ${'a'.repeat(2100)}`;
    const res = await post(s, `/staff/people/${id}/notes?lang=en`, { kind: 'note', body: long });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The text is too long: 2114 characters. At most 2000 are allowed.');
    expect(res.body).toContain(long);
    const page = await get(s, `/staff/people/${id}?lang=en`);
    expect(page.body).not.toContain('Started here.');
  });

  it('records a consent only with the attestation, shows the receipt, and revokes it', async () => {
    const { id } = await intake({ displayName: 'Consent Person', needs: 'legal' });
    const form = await get(s, `/staff/people/${id}/consents/new?lang=en`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`<option value="${partner.organisationId}">Open Doors</option>`);
    expect(form.body).not.toContain(`<option value="${caseworker.organisationId}"`);
    expect(form.body).toMatch(/name="expiresOn" value="2026-05-31"/);
    const consent = {
      recipientOrganisationId: partner.organisationId,
      fields: ['displayName', 'needs'],
      purpose: 'referral',
      expiresOn: '2026-05-31',
      explainedIn: 'ar',
      interpreter: 'yes',
    };
    const unattested = await post(s, `/staff/people/${id}/consents?lang=en`, consent);
    expect(unattested.statusCode).toBe(400);
    expect(unattested.body).toContain('Confirm that you explained it and that the person agreed freely.');
    expect(unattested.body).toMatch(/name="fields" value="needs" checked/);
    // Nothing was shared.
    expect((await get(other, `/staff/people/${id}?lang=en`)).statusCode).toBe(404);

    const past = await post(s, `/staff/people/${id}/consents?lang=en`, {
      ...consent,
      expiresOn: '2026-01-01',
      attested: 'yes',
    });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('The end date of the consent must be in the future.');

    const recorded = await post(s, `/staff/people/${id}/consents?lang=en`, { ...consent, attested: 'yes' });
    expect(recorded.statusCode).toBe(201);
    const receipt = CODE.exec(recorded.body)?.[1] ?? '';
    expect(receipt).not.toBe('');
    expect(recorded.body).toContain('You agreed that Open Doors may see: Name or nickname, Needs.');

    // The other organisation now sees the consented fields, and nothing else, and cannot act on the person.
    const shared = await get(other, `/staff/people/${id}?lang=en`);
    expect(shared.statusCode).toBe(200);
    expect(shared.body).toContain('Consent Person');
    expect(shared.body).toContain('Legal help');
    expect(shared.body).not.toContain('Record a consent');
    expect(shared.body).not.toContain('/notes"');

    const page = await get(s, `/staff/people/${id}?lang=en`);
    expect(page.body).toContain('In force');
    const consentId =
      new RegExp(`/staff/people/${id}/consents/([0-9a-f-]{36})/revoke`).exec(page.body)?.[1] ?? '';
    const revoked = await post(s, `/staff/people/${id}/consents/${consentId}/revoke?lang=en`, {});
    expect(revoked.statusCode).toBe(303);
    expect((await get(s, `/staff/people/${id}?lang=en&done=revoked`)).body).toContain('Withdrawn');
    expect((await get(other, `/staff/people/${id}?lang=en`)).statusCode).toBe(404);
    expect(t.logs()).not.toContain(receipt);
  });

  it('issues a new Arrival code: the old one no longer finds the person', async () => {
    const { id, code } = await intake();
    const res = await post(s, `/staff/people/${id}/code?lang=en`, { slipLang: 'en' });
    expect(res.statusCode).toBe(200);
    const fresh = CODE.exec(res.body)?.[1] ?? '';
    expect(fresh).not.toBe(code);
    expect((await post(s, '/staff/people/lookup?lang=en', { code })).body).toContain('No one found');
    expect((await post(s, '/staff/people/lookup?lang=en', { code: fresh })).body).toContain('1 person found');
    const bad = await post(s, '/staff/people/lookup?lang=en', { code: 'K7Q-4M2-XPA' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('This code is not right.');
    expect(bad.body).toContain('value="K7Q-4M2-XPA"');
  });

  it('erases a person after a confirmation step, and goes back to the search with a notice', async () => {
    const { id } = await intake({ displayName: 'Gone Soon' });
    const confirm = await get(s, `/staff/people/${id}/erase?lang=en`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('This cannot be undone.');
    const erased = await post(s, `/staff/people/${id}/erase?lang=en`, {});
    expect(erased.statusCode).toBe(303);
    expect(erased.headers.location).toBe('/staff/people?erased=1&lang=en');
    expect((await get(s, String(erased.headers.location))).body).toContain('has been deleted');
    expect((await get(s, `/staff/people/${id}?lang=en`)).statusCode).toBe(404);
  });

  it('lists the erasures people asked for on My data, naming no one, until the city erases them', async () => {
    const { id, code } = await intake({ displayName: 'Asks To Go' });
    const asked = await t.app.inject({ method: 'POST', url: '/api/v1/my-data/erasure', payload: { code } });
    expect(asked.statusCode, asked.body).toBe(202);
    const link = `href="/staff/people/${id}/erase?lang=en"`;
    const list = await get(s, '/staff/people?lang=en');
    expect(list.body).toContain('Asked to be erased');
    expect(list.body).toContain(link);
    expect(list.body).not.toContain('Asks To Go');
    const [listed] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where action = 'person.erasure_request_listed' and object_id = ${id}`,
    );
    expect(listed?.n).toBe(1);
    // Another organisation's staff do not see it.
    expect((await get(other, '/staff/people?lang=en')).body).not.toContain(id);
    expect((await post(s, `/staff/people/${id}/erase?lang=en`, {})).statusCode).toBe(303);
    expect((await get(s, '/staff/people?lang=en')).body).not.toContain(link);
  });

  it('links the helpdesk pages from the staff home for the roles that may use them', async () => {
    const home = await get(s, '/staff/?lang=en');
    expect(home.body).toContain('href="/staff/people/new?lang=en"');
    const counting = await logInAs(t, analyst);
    expect((await get(counting, '/staff/?lang=en')).body).not.toContain('/staff/people');
  });
});
