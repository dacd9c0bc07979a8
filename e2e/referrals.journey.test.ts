import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../test/process.ts';
import { testDir } from '../test/temp.ts';
import {
  axeViolations,
  createCaseworkers,
  describeJourney,
  type JourneyServer,
  launchChromium,
  logInOnPage,
  offscreen,
  smallTargets,
  startJourneyServer,
} from './browser.ts';

const PASSWORD = 'lanterns over the harbour 12';
const NGO_HSDS = '0d0d0d0d-0000-4000-8000-0000000000e2';

describeJourney('referrals between the helpdesk and an NGO in a real browser', () => {
  let browser: Browser;
  let server: JourneyServer;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    const prepare = async (env: Record<string, string>) => {
      // The NGO's service in the directory; the NGO's account is linked to its HSDS organization.
      const directory = path.join(testDir('e2e'), 'services.json');
      writeFileSync(
        directory,
        JSON.stringify([
          {
            id: '0e0e0e0e-0000-4000-8000-0000000000e2',
            name: 'Legal advice desk',
            description: 'Free legal advice for newcomers.',
            status: 'active',
            organization: { id: NGO_HSDS, name: 'Rights Desk', description: 'A local NGO.' },
          },
        ]),
      );
      const imported = await runCli(['import-hsds', directory, '--lang', 'en'], env);
      if (imported.code !== 0) throw new Error(imported.stderr);
      const created = await createCaseworkers(
        env,
        [
          { email: 'desk@city.example', organisation: 'City Helpdesk' },
          { email: 'desk-en@city.example', organisation: 'City Helpdesk' },
          { email: 'desk-ar@city.example', organisation: 'City Helpdesk' },
          { email: 'worker@rights.example', organisation: 'Rights NGO', hsdsOrganizationId: NGO_HSDS },
          { email: 'worker-en@rights.example', organisation: 'Rights NGO', hsdsOrganizationId: NGO_HSDS },
          { email: 'worker-ar@rights.example', organisation: 'Rights NGO', hsdsOrganizationId: NGO_HSDS },
        ],
        PASSWORD,
      );
      Object.assign(secrets, created);
    };
    [browser, server] = await Promise.all([launchChromium(), startJourneyServer({}, prepare)]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const base = () => server.url;

  const logIn = (page: Page, email: string, to: string) =>
    logInOnPage(page, base(), { email, password: PASSWORD, secret: secrets[email] ?? '' }, to);

  /** Focuses a control and presses a key on it, waiting for the next page. */
  async function press(page: Page, selector: string, key = 'Enter') {
    await page.locator(selector).first().focus();
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press(key)]);
  }

  /** A person with a legal need, recorded on the intake form; returns the person page's address. */
  async function recordPerson(page: Page, lang: string, name: string): Promise<string> {
    await page.goto(`${base()}/staff/people/new?lang=${lang}`);
    await page.locator('#need-legal').focus();
    await page.keyboard.press('Space');
    await page.locator('#displayName').focus();
    await page.keyboard.type(name);
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.waitForSelector('.slip');
    await press(page, '.no-print a');
    await page.waitForSelector('#referrals-title');
    return page.url();
  }

  it('refers a person by keyboard with JavaScript off; the NGO enters the code, accepts, and the helpdesk sees it', {
    timeout: 180_000,
  }, async () => {
    const options = { viewport: { width: 360, height: 740 }, javaScriptEnabled: false };
    const deskContext = await browser.newContext(options);
    const ngoContext = await browser.newContext(options);
    try {
      const desk = await deskContext.newPage();
      await logIn(desk, 'desk@city.example', '/staff/people/new?lang=en');
      await recordPerson(desk, 'en', 'Amal');
      await press(desk, '#referrals a[href*="/refer?need="]');
      await desk.waitForSelector('#q');
      await desk.locator('#q').focus();
      await desk.keyboard.type('legal advice');
      await Promise.all([desk.waitForLoadState('load'), desk.keyboard.press('Enter')]);
      await desk.waitForSelector('text=Legal advice desk');
      expect(await desk.locator('main').textContent()).toContain('Yes, to Rights NGO');
      // Pseudonymous is the default choice: the person's identity stays with the helpdesk.
      await press(desk, 'button[name="send"][value="now"]');
      await desk.waitForSelector('.slip');
      const code = (await desk.locator('.slip-code code').textContent()) ?? '';
      expect(code.length).toBeGreaterThan(5);
      const referralPath = new URL(
        (await desk.locator('form[action*="/status"]').first().getAttribute('action')) ?? '',
        base(),
      ).pathname.replace(/\/status$/, '');

      const ngo = await ngoContext.newPage();
      await logIn(ngo, 'worker@rights.example', '/staff/referrals?lang=en');
      await press(ngo, `a[href^="${referralPath}"]`);
      await ngo.waitForSelector('#code');
      expect(await ngo.locator('main').textContent()).toContain('Opened by the service');
      expect(await ngo.locator('main').textContent()).not.toContain('Amal');
      await ngo.locator('#code').focus();
      await ngo.keyboard.type(code);
      await Promise.all([ngo.waitForLoadState('load'), ngo.keyboard.press('Enter')]);
      await ngo.waitForSelector('#moves-title');
      expect(await ngo.locator('main').textContent()).toContain('Amal');
      await press(ngo, 'button[name="status"][value="accepted"]');
      await ngo.waitForSelector('#events-title');
      expect(await ngo.locator('dl.facts strong').first().textContent()).toBe('Accepted');

      await desk.goto(`${base()}${referralPath}?lang=en`);
      expect(await desk.locator('dl.facts strong').first().textContent()).toBe('Accepted');
      expect(await desk.locator('#events-title + ol').textContent()).toContain('Rights NGO');
    } finally {
      await deskContext.close();
      await ngoContext.close();
    }
  });

  for (const lang of ['en', 'ar']) {
    it(`shows every referral page accessibly in ${lang} at 360 px, with no sideways scrolling`, {
      timeout: 180_000,
    }, async () => {
      // JavaScript stays on here only because axe runs as a script in the page; the pages ship none.
      const deskContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const ngoContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
      try {
        const desk = await deskContext.newPage();
        const check = async (page: Page, what: string) => {
          expect(await page.locator('html').getAttribute('dir'), what).toBe(lang === 'ar' ? 'rtl' : 'ltr');
          expect(await axeViolations(page), what).toEqual([]);
          expect(await offscreen(page), what).toEqual([]);
          expect(await smallTargets(page), what).toEqual([]);
        };
        await logIn(desk, `desk-${lang}@city.example`, `/staff/people/new?lang=${lang}`);
        await recordPerson(desk, lang, 'Test');
        await check(desk, 'person page with referrals');
        await press(desk, '#referrals a[href*="/refer?need="]');
        await desk.locator('#q').fill('legal');
        await Promise.all([desk.waitForLoadState('load'), desk.locator('#q').press('Enter')]);
        await desk.waitForSelector('button[name="send"]');
        await check(desk, 'refer page');
        await Promise.all([desk.waitForLoadState('load'), desk.locator('button[value="now"]').click()]);
        await desk.waitForSelector('.slip');
        await check(desk, 'referral with its code slip');
        const referralPath = new URL(
          (await desk.locator('form[action*="/status"]').first().getAttribute('action')) ?? '',
          base(),
        ).pathname.replace(/\/status$/, '');
        await desk.goto(`${base()}/staff/referrals?box=sent&lang=${lang}`);
        await check(desk, 'dashboard, sent');

        const ngo = await ngoContext.newPage();
        await logIn(ngo, `worker-${lang}@rights.example`, `${referralPath}?lang=${lang}`);
        await check(ngo, 'received referral');
        await ngo.locator('#code').fill('AAA-AAA-AAA');
        await Promise.all([ngo.waitForLoadState('load'), ngo.locator('#code').press('Enter')]);
        await ngo.waitForSelector('[role="alert"]');
        await check(ngo, 'received referral with a wrong code');
        await ngo.goto(`${base()}/staff/referrals?lang=${lang}`);
        await check(ngo, 'dashboard, received');
        await ngo.goto(`${base()}/staff/services/capacity?lang=${lang}`);
        await check(ngo, 'capacity');
      } finally {
        await deskContext.close();
        await ngoContext.close();
      }
    });
  }
});
