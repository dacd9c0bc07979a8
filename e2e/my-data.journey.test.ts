import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { totpCodeAt } from '../src/domains/accounts/index.ts';
import { type ServerProcess, startServerProcess } from '../test/process.ts';
import { testDir } from '../test/temp.ts';
import {
  axeViolations,
  createCaseworkers,
  describeJourney,
  launchChromium,
  offscreen,
  smallTargets,
  transferredBytes,
} from './browser.ts';

const PASSWORD = 'lanterns over the harbour 12';
const MARKER = 'Ysolde Brackenridge';
const PHONE = '+34 622 98 76 54';
const PHONE_PORTRAIT = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

interface Staff {
  email: string;
  secret: string;
}

describeJourney('a person’s own data, in a real browser', () => {
  let browser: Browser;
  let server: ServerProcess;
  let closeDb: () => Promise<void>;
  const staff: Record<'helpdesk' | 'ngo', Staff> = {
    helpdesk: { email: 'desk@city.example', secret: '' },
    ngo: { email: 'worker@ngo.example', secret: '' },
  };
  let personId = '';
  let code = '';
  const base = () => server.url.replace(/\/$/, '');

  /** A staff session through the JSON API: its cookie and CSRF token. */
  async function logIn(who: Staff): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${base()}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: who.email,
        password: PASSWORD,
        totp: totpCodeAt(who.secret, new Date()),
      }),
    });
    if (res.status !== 200) throw new Error(`login ${who.email}: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    return { cookie, csrf: String(((await res.json()) as { csrfToken: string }).csrfToken) };
  }

  async function api(session: { cookie: string; csrf: string }, method: string, url: string, body?: object) {
    return fetch(`${base()}${url}`, {
      method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  let ngoSession: { cookie: string; csrf: string };

  beforeAll(async () => {
    const db = await freshServerDatabase();
    closeDb = db.close;
    const env = {
      ...db.env,
      DATA_DIR: path.join(testDir('e2e'), 'data'),
      ARRIVAL_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    };
    // Two organisations' caseworkers, as a deployment script creates them.
    const secrets = await createCaseworkers(
      env,
      [
        { email: staff.helpdesk.email, organisation: 'City Helpdesk' },
        { email: staff.ngo.email, organisation: 'Legal Aid NGO' },
      ],
      PASSWORD,
    );
    staff.helpdesk.secret = secrets[staff.helpdesk.email] ?? '';
    staff.ngo.secret = secrets[staff.ngo.email] ?? '';
    // The server logs every request (info), so the last test can look for codes in what it wrote.
    [browser, server] = await Promise.all([
      launchChromium(),
      // A busy machine can take a while to start it.
      startServerProcess({ ...env, LOG_LEVEL: 'info' }, [], 90_000),
    ]);

    // The helpdesk records a person and two consents to the NGO (one per way of withdrawing below).
    const desk = await logIn(staff.helpdesk);
    ngoSession = await logIn(staff.ngo);
    const ngo = (await (await api(ngoSession, 'GET', '/api/v1/auth/session')).json()) as {
      organisation: { id: string };
    };
    const person = await api(desk, 'POST', '/api/v1/people', {
      displayName: MARKER,
      phone: PHONE,
      needs: ['legal', 'housing'],
    });
    ({ id: personId, code } = (await person.json()) as { id: string; code: string });
    for (const purpose of ['referral', 'follow_up']) {
      const consent = await api(desk, 'POST', `/api/v1/people/${personId}/consents`, {
        recipientOrganisationId: ngo.organisation.id,
        fields: ['displayName', 'needs'],
        purpose,
        expiresAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
      });
      if (consent.status !== 201) throw new Error(await consent.text());
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await closeDb?.();
  });

  async function lookUp(page: Page, locale: string, typed: string) {
    await page.goto(`${base()}/${locale}/my-data`);
    await page.locator('#code').fill(typed);
    await Promise.all([page.waitForURL(`**/${locale}/my-data`), page.locator('#code').press('Enter')]);
  }

  it('shows the person their consents with the code typed loosely, and they withdraw one by keyboard', async () => {
    expect((await api(ngoSession, 'GET', `/api/v1/people/${personId}`)).status).toBe(200);
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await page.goto(`${base()}/en/my-data`);
      expect(await axeViolations(page)).toEqual([]);
      // Small letters and spaces instead of dashes: the same code.
      await lookUp(page, 'en', code.toLowerCase().replace(/-/g, ' '));
      expect(await page.locator('h1').textContent()).toBe('Your data');
      const consents = page.locator('.consent');
      expect(await consents.count()).toBe(2);
      expect(await consents.first().textContent()).toContain('Legal Aid NGO');
      expect(await consents.first().textContent()).toContain('Your name or alias');
      const body = (await page.content()).toString();
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain('622 98');
      expect(await axeViolations(page)).toEqual([]);
      // Tab from the top of the page to the first "Withdraw" button, then press Enter.
      let reached = false;
      for (let i = 0; i < 60 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(
          () => document.activeElement?.textContent?.trim() === 'Withdraw this consent',
        );
      }
      expect(reached).toBe(true);
      await Promise.all([page.waitForURL('**/en/my-data/revoke'), page.keyboard.press('Enter')]);
      expect(await page.locator('[role="status"]').textContent()).toContain(
        'From now on, Legal Aid NGO cannot see your information.',
      );
      expect(await page.locator('.consent-revoked').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      // The code went in POST bodies only: never in an address.
      expect(new URL(page.url()).search).toBe('');
    } finally {
      await context.close();
    }
  });

  it('shows the same pages accessibly in Arabic, right to left', async () => {
    const context = await browser.newContext({ locale: 'ar' });
    const page = await context.newPage();
    try {
      await page.goto(`${base()}/ar/my-data`);
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await axeViolations(page)).toEqual([]);
      await lookUp(page, 'ar', code);
      expect(await page.locator('.consent').count()).toBe(2);
      expect(await axeViolations(page)).toEqual([]);
      for (const locale of ['en', 'ar']) {
        await page.goto(`${base()}/${locale}/privacy`);
        expect(await page.locator('.field-card').count()).toBeGreaterThan(5);
        expect(await axeViolations(page), `${locale}/privacy`).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });

  for (const locale of ['en', 'ar']) {
    it(`fits a 360 px phone in ${locale}: no sideways scroll, tap targets of at least 24 px, ≤ 50 KB`, async () => {
      const context = await browser.newContext(PHONE_PORTRAIT);
      const page = await context.newPage();
      try {
        for (const p of ['/privacy', '/my-data']) {
          const bytes = await transferredBytes(page, `${base()}/${locale}${p}`);
          expect(bytes, p).toBeLessThanOrEqual(51_200);
          expect(await offscreen(page), p).toEqual([]);
          expect(await smallTargets(page), p).toEqual([]);
        }
        await lookUp(page, locale, code);
        expect(await offscreen(page)).toEqual([]);
        expect(await smallTargets(page)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('works with JavaScript disabled: look up, withdraw the other consent, and the NGO loses access', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await lookUp(page, 'en', code);
      const active = page.locator('.consent-active');
      expect(await active.count()).toBe(1);
      await Promise.all([
        page.waitForURL('**/en/my-data/revoke'),
        active.getByRole('button', { name: 'Withdraw this consent' }).click(),
      ]);
      expect(await page.locator('h2', { hasText: 'Consent withdrawn' }).count()).toBe(1);
      expect(await page.locator('.consent-active').count()).toBe(0);
      // Revocation ends the recipient's access at once.
      expect((await api(ngoSession, 'GET', `/api/v1/people/${personId}`)).status).toBe(404);
    } finally {
      await context.close();
    }
  });

  it('never wrote the code or the person’s name to the server’s log', () => {
    const output = server.output();
    expect(output).toContain('/:locale/my-data/revoke');
    expect(output).not.toContain(code);
    expect(output).not.toContain(code.replace(/-/g, ''));
    expect(output).not.toContain(MARKER);
  });
});
