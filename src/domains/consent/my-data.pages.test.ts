import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { loggedInCaseworker, type StaffSession } from '../../../test/staff.ts';
import { hsdsService } from '../directory/index.ts';
import { formatArrivalCode, newArrivalCode } from '../people/index.ts';
import { referrals } from '../referrals/referrals.schema.ts';

const MARKER = 'Quillon Marrowfeld';
const PHONE = '+34 611 22 33 44';
const EMAIL = 'quillon@example.org';
const DAY_MS = 86_400_000;

/** The text of a page as a person reads it: tags out, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the person’s own page, /{lang}/my-data', () => {
  let t: TestApp;
  let helpdesk: StaffSession;
  let ngo: StaffSession;
  let ngoOrganisationId: string;
  let helpdeskOrganisationId: string;
  /** Every code and id a response must never put in a URL or a log line. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 1000 });
    const a = await loggedInCaseworker(t, 'desk@city.example', 'City Helpdesk');
    const b = await loggedInCaseworker(t, 'worker@ngo.example', 'Legal Aid NGO');
    helpdeskOrganisationId = a.staff.organisationId;
    ngoOrganisationId = b.staff.organisationId;
    helpdesk = a.session;
    ngo = b.session;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A form POST, as a browser without JavaScript sends it. */
  async function submit(url: string, fields: Record<string, string>) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    expect(res.headers.location, 'no redirect (it would put state in a URL)').toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    return res;
  }

  /** A person recorded at the helpdesk, with a consent to the NGO and a referral to one of its services. */
  async function newPerson() {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: helpdesk.headers(true),
      payload: { displayName: MARKER, phone: PHONE, email: EMAIL, languages: ['ar'], needs: ['legal'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, code } = created.json() as { id: string; code: string };
    const consent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/people/${id}/consents`,
      headers: helpdesk.headers(true),
      payload: {
        recipientOrganisationId: ngoOrganisationId,
        fields: ['displayName', 'needs'],
        purpose: 'referral',
        expiresAt: new Date(t.clock.now().getTime() + 90 * DAY_MS).toISOString(),
      },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const { id: consentId, receiptCode } = consent.json() as { id: string; receiptCode: string };
    // The referrals service is built elsewhere: a referral row as it will write one.
    const serviceId = randomUUID();
    await t.database.db.insert(hsdsService).values({ id: serviceId, name: 'Free Legal Clinic' });
    await t.database.db.insert(referrals).values({
      id: randomUUID(),
      personId: id,
      serviceId,
      senderOrganisationId: helpdeskOrganisationId,
      receiverOrganisationId: ngoOrganisationId,
      consentId,
      pseudonymous: false,
      state: 'accepted',
      createdAt: t.clock.now(),
      updatedAt: t.clock.now(),
    });
    secrets.push(code, code.replace(/-/g, ''), receiptCode, receiptCode.replace(/-/g, ''));
    return { id, code, consentId, receiptCode };
  }

  it('shows the code form, which works without JavaScript and is never cached', async () => {
    const res = await t.app.inject('/en/my-data');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<form class="code-form" method="post" action="/en/my-data">');
    expect(res.body).toContain('name="code"');
    expect(textOf(res.body)).toContain(
      'This page never shows your name, your phone number or what you told us',
    );
    expect(res.body).not.toMatch(/<script/);
    expect(res.body).not.toMatch(/\sstyle=/);
  });

  it('answers an unknown, a malformed and an empty code with the very same page (no enumeration)', async () => {
    const unknown = await submit('/en/my-data', { code: formatArrivalCode(newArrivalCode()) });
    expect(unknown.statusCode).toBe(404);
    expect(textOf(unknown.body)).toContain('We could not find this code');
    for (const code of ['hello', '', 'K7Q-4M2-XPA', 'x'.repeat(500)]) {
      const other = await submit('/en/my-data', { code });
      expect(other.statusCode, code).toBe(404);
      expect(other.body, code).toBe(unknown.body);
    }
    // A form that is not one at all ends the same way.
    const extra = await submit('/en/my-data', { code: 'K7Q-4M2-XPB', name: MARKER });
    expect(extra.body).toBe(unknown.body);
  });

  it('lists the consents and referrals of a real code, without the person’s name, phone or email', async () => {
    const { code, receiptCode } = await newPerson();
    // Case, spaces and dashes do not matter.
    for (const typed of [code, code.toLowerCase().replace(/-/g, ' '), receiptCode]) {
      const res = await submit('/en/my-data', { code: typed });
      expect(res.statusCode, typed).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain('Who can see your information');
      expect(text).toContain('Legal Aid NGO');
      expect(text).toContain('To send you to a service that can help you.');
      expect(text).toContain('Your name or alias');
      expect(text).toContain('What you need help with');
      expect(text).toContain('Active');
      expect(text).toContain('Given on March 2, 2026, until May 31, 2026.');
      expect(text).toContain('Withdraw this consent');
      expect(text).toContain('Free Legal Clinic');
      expect(text).toContain('The service can help you');
      expect(text).toContain('Sent on March 2, 2026.');
      expect(text).toContain('This page never shows your name');
      for (const hidden of [MARKER, 'Quillon', PHONE, '611', EMAIL]) expect(res.body).not.toContain(hidden);
    }
  });

  it('withdraws a consent with one button: the organisation loses access at once', async () => {
    const { id, code, consentId } = await newPerson();
    expect((await t.app.inject({ url: `/api/v1/people/${id}`, headers: ngo.headers() })).statusCode).toBe(
      200,
    );
    const page = await submit('/en/my-data', { code });
    // The withdraw form posts the code and the consent id, and nothing else.
    expect(page.body).toContain('action="/en/my-data/revoke"');
    expect(page.body).toContain(`name="consentId" value="${consentId}"`);
    const res = await submit('/en/my-data/revoke', { code, consentId });
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Consent withdrawn');
    expect(text).toContain('From now on, Legal Aid NGO cannot see your information.');
    expect(text).toContain('Withdrawn');
    expect(text).not.toContain('Withdraw this consent');
    expect((await t.app.inject({ url: `/api/v1/people/${id}`, headers: ngo.headers() })).statusCode).toBe(
      404,
    );
  });

  it('will not withdraw someone else’s consent with your code', async () => {
    const mine = await newPerson();
    const theirs = await newPerson();
    const res = await submit('/en/my-data/revoke', { code: mine.code, consentId: theirs.consentId });
    expect(res.statusCode).toBe(404);
    expect(textOf(res.body)).toContain('We could not find this code');
    expect(
      (await t.app.inject({ url: `/api/v1/people/${theirs.id}`, headers: ngo.headers() })).statusCode,
    ).toBe(200);
    const bad = await submit('/en/my-data/revoke', { code: mine.code, consentId: 'not-an-id' });
    expect(bad.statusCode).toBe(404);
  });

  it('takes an erasure request and says when it will happen; asked again, it says so', async () => {
    const { code } = await newPerson();
    const before = await submit('/en/my-data', { code });
    expect(textOf(before.body)).toContain('The city confirms within 30 days');
    expect(before.body).toContain('action="/en/my-data/erasure"');
    const res = await submit('/en/my-data/erasure', { code });
    expect(res.statusCode).toBe(200);
    // 30 days after 2 March 2026 (the test clock, moved a little by logins).
    expect(textOf(res.body)).toContain(
      'You asked us to delete your data. It will be deleted by April 1, 2026 at the latest.',
    );
    const again = await submit('/en/my-data', { code });
    expect(textOf(again.body)).toContain('It will be deleted by April 1, 2026 at the latest.');
    expect(again.body).not.toContain('action="/en/my-data/erasure"');
  });

  it('speaks Arabic, right to left', async () => {
    const { code } = await newPerson();
    const res = await submit('/ar/my-data', { code });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html><html lang="ar" dir="rtl">/);
    expect(textOf(res.body)).toContain('من يمكنه رؤية معلوماتك');
    expect(textOf(res.body)).toContain('اسحب هذه الموافقة');
    const unknown = await submit('/ar/my-data', { code: 'nothing' });
    expect(textOf(unknown.body)).toContain('لم نجد هذا الرمز');
  });

  it('answers an unknown language with the ordinary 404 page', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/xx/my-data',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=K7Q-4M2-XPB',
    });
    expect(res.statusCode).toBe(404);
    expect(textOf(res.body)).toContain('Page not found');
    expect((await t.app.inject('/xx/my-data')).statusCode).toBe(404);
  });

  it('never puts a code in a URL or a log line', async () => {
    await newPerson();
    expect(secrets.length).toBeGreaterThan(4);
    const logs = t.logs();
    expect(logs).toContain('/:locale/my-data');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(MARKER);
  });
});

describe('guessing codes on /{lang}/my-data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is rate limited per source, with a plain page that says to wait', async () => {
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/en/my-data',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `code=${formatArrivalCode(newArrivalCode())}`,
      });
      statuses.push(res.statusCode);
      last = res.body;
      if (res.statusCode === 429) expect(res.headers['retry-after']).toBeDefined();
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    expect(textOf(last)).toContain('Too many tries');
  });
});

describe('guessing codes across routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ codeRateLimitPerMinute: 4 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts every route that takes a code against one limit per source', async () => {
    const guess = () => formatArrivalCode(newArrivalCode());
    const page = () =>
      t.app.inject({
        method: 'POST',
        url: '/en/my-data',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `code=${guess()}`,
      });
    const revoke = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/my-data/revoke', payload: { receiptCode: guess() } });
    const erase = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/my-data/erasure', payload: { code: guess() } });
    const statuses: number[] = [];
    for (const attempt of [page, revoke, erase, page, revoke, erase, page])
      statuses.push((await attempt()).statusCode);
    // Four guesses in all, whichever route they were made on; then every code route says wait.
    expect(statuses.slice(0, 4)).not.toContain(429);
    expect(statuses.slice(4)).toEqual([429, 429, 429]);
    // Routes that take no code keep their own (global) limit.
    expect((await t.app.inject({ url: '/en/my-data' })).statusCode).toBe(200);
  });
});
