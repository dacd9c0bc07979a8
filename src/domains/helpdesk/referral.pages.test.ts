import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs, type StaffSession } from '../../../test/staff.ts';
import { testDir } from '../../../test/temp.ts';
import { organisations } from '../accounts/index.ts';
import { importHsds } from '../directory/index.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SLIP_CODE = /<code lang="en" dir="ltr">([^<]+)<\/code>/;
const MARKER = 'Velmira Quodstrand';

const LINKED_HSDS_ORG = '0d0d0d0d-0000-4000-8000-000000000011';
const UNLINKED_HSDS_ORG = '0d0d0d0d-0000-4000-8000-000000000012';
const SERVICE = '0e0e0e0e-0000-4000-8000-000000000011';
const FULL_SERVICE = '0e0e0e0e-0000-4000-8000-000000000012';
const UNLINKED_SERVICE = '0e0e0e0e-0000-4000-8000-000000000013';

/** A small directory: two services of an NGO with an account here, one of an organisation without. */
function directoryFile(): string {
  const organization = (id: string, name: string) => ({ id, name, description: `${name}, a local NGO.` });
  const services = [
    { id: SERVICE, name: 'Legal advice desk', organization: organization(LINKED_HSDS_ORG, 'Rights Desk') },
    {
      id: FULL_SERVICE,
      name: 'Legal tenancy clinic',
      organization: organization(LINKED_HSDS_ORG, 'Rights Desk'),
    },
    {
      id: UNLINKED_SERVICE,
      name: 'Legal corner',
      organization: organization(UNLINKED_HSDS_ORG, 'Neighbourhood Corner'),
    },
  ].map((s) => ({ ...s, description: `${s.name} for newcomers.`, status: 'active' }));
  const file = path.join(testDir('referral-pages'), 'services.json');
  writeFileSync(file, JSON.stringify(services));
  return file;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe('referral pages of the staff area', () => {
  let t: TestApp;
  let desk: StaffSession;
  let ngo: StaffSession;
  let other: StaffSession;
  let ngoOrganisationId: string;
  let otherOrganisationId: string;

  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 1000 });
    await importHsds(t.database.db, directoryFile(), { locales: ['en'], defaultLocale: 'en' });
    const deskStaff = await createStaff(t, {
      email: 'desk@city.example',
      role: 'caseworker',
      organisation: 'City Helpdesk',
    });
    const ngoStaff = await createStaff(t, {
      email: 'worker@rights.example',
      role: 'caseworker',
      organisation: 'Rights NGO',
    });
    const otherStaff = await createStaff(t, {
      email: 'worker@other.example',
      role: 'caseworker',
      organisation: 'Other NGO',
    });
    ngoOrganisationId = ngoStaff.organisationId;
    otherOrganisationId = otherStaff.organisationId;
    await t.database.db
      .update(organisations)
      .set({ hsdsOrganizationId: LINKED_HSDS_ORG })
      .where(eq(organisations.id, ngoOrganisationId));
    desk = await logInAs(t, deskStaff);
    ngo = await logInAs(t, ngoStaff);
    other = await logInAs(t, otherStaff);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (session: StaffSession, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
  const post = (session: StaffSession, url: string, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, cookie: session.cookie },
      payload: form({ _csrf: session.csrfToken, ...fields }),
    });
  const api = (session: StaffSession, url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, payload, headers: session.headers(true) });

  /** A person of the helpdesk with a legal need (and its id), and optionally a consent for the NGO. */
  async function person(options: { consentFor?: string } = {}) {
    const created = await api(desk, '/api/v1/people', { displayName: MARKER, needs: ['legal'] });
    expect(created.statusCode).toBe(201);
    const id = String(created.json().id);
    const view = (await t.app.inject({ url: `/api/v1/people/${id}`, headers: desk.headers() })).json();
    const needId = String(view.needs[0].id);
    let consentId = '';
    let receiptCode = '';
    if (options.consentFor) {
      const consent = await api(desk, `/api/v1/people/${id}/consents`, {
        recipientOrganisationId: options.consentFor,
        fields: ['displayName', 'needs'],
        purpose: 'referral',
        expiresAt: new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString(),
      });
      expect(consent.statusCode).toBe(201);
      consentId = String(consent.json().id);
      receiptCode = String(consent.json().receiptCode);
    }
    return { id, needId, consentId, receiptCode };
  }

  async function refer(p: { id: string; needId: string }, share: string, serviceId = SERVICE, send = 'now') {
    return post(desk, `/staff/people/${p.id}/refer?lang=en`, {
      needId: p.needId,
      serviceId,
      share,
      send,
      q: 'legal',
    });
  }
  const referralIdOf = (location: unknown) =>
    /\/staff\/referrals\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';

  it('offers "Find a service" for each open need on the person page, and lists services with their capacity', async () => {
    const p = await person();
    const page = await get(desk, `/staff/people/${p.id}?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="referrals-title"');
    expect(page.body).toContain(`href="/staff/people/${p.id}/refer?need=${p.needId}&amp;lang=en"`);

    const refer = await get(desk, `/staff/people/${p.id}/refer?need=${p.needId}&q=legal&lang=en`);
    expect(refer.statusCode).toBe(200);
    expect(refer.body).toContain('Legal advice desk');
    expect(refer.body).toContain('Yes, to Rights NGO');
    expect(refer.body).toContain('Not stated');
    // The organisation without an account here: no form, and what to do instead.
    expect(refer.body).toContain('Legal corner');
    expect(refer.body).toContain('this organisation has no account here');
    expect(refer.body).not.toContain(`value="${UNLINKED_SERVICE}"`);
    expect(refer.body).toContain('name="_csrf"');
    expect(refer.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(refer.body).not.toMatch(/\sstyle=/);
  });

  it('lets the NGO say its capacity, which the helpdesk sees before referring; others cannot set it', async () => {
    const page = await get(ngo, '/staff/services/capacity?lang=en');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Legal advice desk');
    expect(page.body).toContain('Legal tenancy clinic');
    expect(page.body).not.toContain('Legal corner');

    const bad = await post(ngo, `/staff/services/capacity/${SERVICE}?lang=en`, {
      accepting: 'yes',
      weeklyPlaces: 'lots',
      waitingDays: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Places a week must be a whole number');
    expect(bad.body).toContain('value="lots"');

    const saved = await post(ngo, `/staff/services/capacity/${SERVICE}?lang=en`, {
      accepting: 'yes',
      weeklyPlaces: '12',
      waitingDays: '5',
    });
    expect(saved.statusCode).toBe(303);
    // The tenancy clinic takes no referrals now (no `accepting` checkbox sent).
    expect(
      (
        await post(ngo, `/staff/services/capacity/${FULL_SERVICE}?lang=en`, {
          weeklyPlaces: '',
          waitingDays: '',
        })
      ).statusCode,
    ).toBe(303);
    // Another organisation's service is the same 404 as a missing one.
    const foreign = await post(other, `/staff/services/capacity/${SERVICE}?lang=en`, {
      accepting: 'yes',
      weeklyPlaces: '0',
      waitingDays: '0',
    });
    const missing = await post(other, '/staff/services/capacity/no-such-service?lang=en', {
      accepting: 'yes',
      weeklyPlaces: '0',
      waitingDays: '0',
    });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);

    const p = await person();
    const refer = await get(desk, `/staff/people/${p.id}/refer?need=${p.needId}&q=legal&lang=en`);
    expect(refer.body).toMatch(/Places a week<\/dt><dd>12<\/dd>/);
    expect(refer.body).toMatch(/Waiting time in days<\/dt><dd>5<\/dd>/);
    expect(refer.body).toContain('No, not at the moment');
  });

  it('refers a person with consent; the NGO opens it (received), accepts and completes it; both see every step', async () => {
    const p = await person({ consentFor: ngoOrganisationId });
    const referPage = await get(desk, `/staff/people/${p.id}/refer?need=${p.needId}&q=legal&lang=en`);
    expect(referPage.body).toContain(`<option value="${p.consentId}">`);

    const sent = await refer(p, p.consentId);
    expect(sent.statusCode, sent.body.slice(0, 500)).toBe(303);
    const id = referralIdOf(sent.headers.location);
    expect(id).not.toBe('');

    const asSender = await get(desk, `/staff/referrals/${id}?lang=en`);
    expect(asSender.statusCode).toBe(200);
    expect(asSender.body).toContain('Sent, not opened yet');
    expect(asSender.body).toContain(MARKER);
    expect(asSender.body).toContain('value="cancelled"');

    const opened = await get(ngo, `/staff/referrals/${id}?lang=en`);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('Opened by the service');
    expect(opened.body).toContain(MARKER);
    expect(opened.body).toContain('value="accepted"');
    expect(opened.body).not.toContain('value="cancelled"');

    // Declining needs a reason: shown on the form, nothing changed.
    const noReason = await post(ngo, `/staff/referrals/${id}/status?lang=en`, {
      status: 'declined',
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('id="reason-declined-problem"');
    expect(noReason.body).toContain('Opened by the service');
    // A move of the other side is refused with a message, not an error page.
    const notYours = await post(ngo, `/staff/referrals/${id}/status?lang=en`, {
      status: 'cancelled',
      reason: '',
    });
    expect(notYours.statusCode).toBe(400);
    expect(notYours.body).toContain('class="notice urgent"');

    expect(
      (await post(ngo, `/staff/referrals/${id}/status?lang=en`, { status: 'accepted' })).statusCode,
    ).toBe(303);
    expect(
      (await post(ngo, `/staff/referrals/${id}/status?lang=en`, { status: 'completed' })).statusCode,
    ).toBe(303);
    const done = await get(desk, `/staff/referrals/${id}?lang=en`);
    expect(done.body).toContain('Done: the person got help');
    for (const step of ['Sent, not opened yet', 'Opened by the service', 'Accepted'])
      expect(done.body).toContain(step);
    expect(done.body).toContain('Rights NGO');
    expect(done.body).not.toContain('name="status"');

    // The person page lists it, and the dashboards count it.
    const personPage = await get(desk, `/staff/people/${p.id}?lang=en`);
    expect(personPage.body).toContain(`href="/staff/referrals/${id}?lang=en"`);
    const received = await get(ngo, '/staff/referrals?box=received&lang=en');
    expect(received.statusCode).toBe(200);
    expect(received.body).toContain(`/staff/referrals/${id}?lang=en`);
    expect(received.body).toMatch(/Done<\/dt><dd>1<\/dd>/);
    const sentBox = await get(desk, '/staff/referrals?box=sent&state=completed&lang=en');
    expect(sentBox.body).toContain(`/staff/referrals/${id}?lang=en`);
    const filtered = await get(desk, '/staff/referrals?box=sent&state=declined&lang=en');
    expect(filtered.body).not.toContain(`/staff/referrals/${id}?lang=en`);
    expect(filtered.body).toContain('No referrals here.');
  });

  it('shows the one-time code of a pseudonymous referral on a slip; the NGO sees the name only after entering it', async () => {
    const p = await person();
    const created = await refer(p, 'pseudonymous');
    expect(created.statusCode, created.body.slice(0, 500)).toBe(201);
    const code = SLIP_CODE.exec(created.body)?.[1] ?? '';
    expect(code).not.toBe('');
    expect(created.body).toContain('Show this code at Legal advice desk');
    const id = /action="\/staff\/referrals\/([0-9a-f-]{36})\/status/.exec(created.body)?.[1] ?? '';
    expect(id).not.toBe('');
    // Shown once: the referral page never shows it again.
    expect((await get(desk, `/staff/referrals/${id}?lang=en`)).body).not.toContain(code);

    const page = await get(ngo, `/staff/referrals/${id}?lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(MARKER);
    expect(page.body).toContain('Legal help');
    expect(page.body).toContain('name="code"');

    const wrong = await post(ngo, `/staff/referrals/${id}/disclose?lang=en`, { code: 'AAA-AAA-AAA' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('id="code-problem"');
    expect(wrong.body).not.toContain(MARKER);

    const right = await post(ngo, `/staff/referrals/${id}/disclose?lang=en`, { code });
    expect(right.statusCode).toBe(303);
    const shown = await get(ngo, `/staff/referrals/${id}?lang=en`);
    expect(shown.body).toContain(MARKER);
    expect(shown.body).not.toContain('name="code"');
  });

  it('shows the referral rules’ refusals on the form, keeping what was chosen', async () => {
    const p = await person({ consentFor: otherOrganisationId });
    const own = await person({ consentFor: ngoOrganisationId });
    // A consent for another organisation.
    const otherRecipient = await refer(p, p.consentId);
    expect(otherRecipient.statusCode).toBe(400);
    expect(otherRecipient.body).toContain('class="notice urgent"');
    expect(otherRecipient.body).toContain(`id="share-${SERVICE}-problem"`);
    // A service that takes no referrals now (set in the capacity test above).
    const full = await refer(own, own.consentId, FULL_SERVICE);
    expect(full.statusCode).toBe(400);
    expect(full.body).toContain('not taking new referrals');
    expect(full.body).toContain(`<option value="${own.consentId}" selected>`);
    // A service whose organisation has no account here.
    const unlinked = await refer(own, 'pseudonymous', UNLINKED_SERVICE);
    expect(unlinked.statusCode).toBe(400);
    expect(unlinked.body).toContain('cannot receive referrals in Arrival');
    // Nothing was created.
    expect((await get(desk, `/staff/people/${own.id}?lang=en`)).body).toContain('No referrals yet.');
  });

  it('saves a draft that the NGO cannot see until it is sent', async () => {
    const p = await person({ consentFor: ngoOrganisationId });
    const draft = await refer(p, p.consentId, SERVICE, 'draft');
    expect(draft.statusCode).toBe(303);
    const id = referralIdOf(draft.headers.location);
    expect((await get(desk, `/staff/referrals/${id}?lang=en`)).body).toContain('Draft, not sent yet');
    expect((await get(ngo, `/staff/referrals/${id}?lang=en`)).statusCode).toBe(404);
    expect((await post(desk, `/staff/referrals/${id}/status?lang=en`, { status: 'sent' })).statusCode).toBe(
      303,
    );
    expect((await get(ngo, `/staff/referrals/${id}?lang=en`)).statusCode).toBe(200);
  });

  it('gives another organisation the same 404 page as a missing referral, and hides it after revocation', async () => {
    const p = await person({ consentFor: ngoOrganisationId });
    const id = referralIdOf((await refer(p, p.consentId)).headers.location);
    const foreign = await get(other, `/staff/referrals/${id}?lang=en`);
    const missing = await get(other, '/staff/referrals/00000000-0000-4000-8000-000000000000?lang=en');
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.body).not.toContain(MARKER);
    expect(
      (await post(other, `/staff/referrals/${id}/status?lang=en`, { status: 'accepted' })).statusCode,
    ).toBe(404);
    // Another organisation's person cannot be referred from its refer page either.
    expect((await get(other, `/staff/people/${p.id}/refer?need=${p.needId}&lang=en`)).statusCode).toBe(404);

    expect((await get(ngo, `/staff/referrals/${id}?lang=en`)).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/my-data/revoke',
      payload: { receiptCode: p.receiptCode },
    });
    expect(revoked.statusCode).toBeLessThan(300);
    const gone = await get(ngo, `/staff/referrals/${id}?lang=en`);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).not.toContain(MARKER);
    // The sender still sees its own referral.
    expect((await get(desk, `/staff/referrals/${id}?lang=en`)).statusCode).toBe(200);
  });

  it('links the dashboard from the staff home', async () => {
    const home = await get(desk, '/staff/?lang=en');
    expect(home.body).toContain('href="/staff/referrals?lang=en"');
    expect(home.body).toContain('href="/staff/services/capacity?lang=en"');
  });
});
