import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
const CODE = /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/;

describeJourney('the helpdesk in a real browser', () => {
  let browser: Browser;
  let server: JourneyServer;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    // Caseworkers of the city's helpdesk (one per browser session: a TOTP code works once) and a partner NGO.
    const staff = async (env: Record<string, string>) => {
      const created = await createCaseworkers(
        env,
        [
          { email: 'desk@city.example', organisation: 'City Helpdesk' },
          { email: 'desk-en@city.example', organisation: 'City Helpdesk' },
          { email: 'desk-ar@city.example', organisation: 'City Helpdesk' },
          { email: 'help@ngo.example', organisation: 'Open Doors' },
        ],
        PASSWORD,
      );
      Object.assign(secrets, created);
    };
    [browser, server] = await Promise.all([launchChromium(), startJourneyServer({}, staff)]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const base = () => server.url;

  const logIn = (page: Page, email: string, to: string) =>
    logInOnPage(page, base(), { email, password: PASSWORD, secret: secrets[email] ?? '' }, to);

  /** Focuses a control and works it from the keyboard: Space ticks a box, text is typed. */
  async function tick(page: Page, selector: string) {
    await page.locator(selector).focus();
    await page.keyboard.press('Space');
    expect(await page.locator(selector).isChecked(), selector).toBe(true);
  }
  async function type(page: Page, selector: string, text: string) {
    await page.locator(selector).focus();
    await page.keyboard.type(text);
  }

  it('records a visit by keyboard with JavaScript off, prints the slip on one page, and records a consent', {
    timeout: 120_000,
  }, async () => {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 360, height: 740 },
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await logIn(page, 'desk@city.example', '/staff/people/new?lang=en');
      expect(await page.locator('h1').textContent()).toBe('Record a visit');

      await tick(page, '#need-housing');
      await tick(page, '#need-legal');
      await tick(page, '#urgency-children');
      await tick(page, '#lang-ar');
      await tick(page, '#interpreterNeeded');
      await type(page, '#displayName', 'Amal');
      await type(page, '#phone', '+34 600 111 222');
      // Enter in a text field sends the form, as on a tablet's keyboard.
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
      await page.waitForSelector('.slip');
      expect(await page.locator('h1').textContent()).toBe('Visit recorded');
      const code = (await page.locator('.slip-code code').textContent()) ?? '';
      expect(code).toMatch(CODE);

      // Printed, the slip is all there is, on one small page.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.staff-nav').isVisible()).toBe(false);
      expect(await page.locator('.site-header').isVisible()).toBe(false);
      expect(await page.locator('.slip').isVisible()).toBe(true);
      const pdf = await page.pdf({ preferCSSPageSize: true });
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
      await page.emulateMedia({ media: 'screen' });

      await page.getByRole('link', { name: 'Open the person’s page' }).focus();
      await Promise.all([
        page.waitForURL(/\/staff\/people\/[0-9a-f-]{36}\?lang=en$/),
        page.keyboard.press('Enter'),
      ]);
      expect(await page.locator('h1').textContent()).toBe('Amal');
      expect(await page.locator('main').textContent()).toContain('A place to sleep or housing');

      await page.getByRole('link', { name: 'Record a consent' }).focus();
      await Promise.all([page.waitForURL(/\/consents\/new/), page.keyboard.press('Enter')]);
      await page.locator('#recipientOrganisationId').selectOption({ label: 'Open Doors' });
      await tick(page, '#field-displayName');
      await tick(page, '#field-needs');
      await page.locator('#explainedIn').selectOption('ar');
      await tick(page, '#interpreter');
      // Without the attestation the consent is refused, and the form keeps what was chosen.
      await page.locator('form.stack button[type="submit"]').focus();
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
      await page.waitForSelector('[role="alert"]');
      expect(await page.locator('[role="alert"]').textContent()).toContain('agreed freely');
      expect(await page.locator('#field-needs').isChecked()).toBe(true);
      await tick(page, '#attested');
      await page.locator('form.stack button[type="submit"]').focus();
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
      await page.waitForSelector('.slip');
      expect(await page.locator('h1').textContent()).toBe('Consent recorded');
      const receipt = (await page.locator('.slip-code code').textContent()) ?? '';
      expect(receipt).toMatch(CODE);
      expect(receipt).not.toBe(code);
      expect(await page.locator('.slip').textContent()).toContain('Open Doors');

      // A returning person is found by the code on their slip.
      await page.goto(`${base()}/staff/people?lang=en`);
      await type(page, '#code', code);
      await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
      await page.waitForSelector('#found-title');
      expect(await page.locator('#found-title').textContent()).toBe('1 person found');
      expect(await page.locator('main').textContent()).toContain('Amal');
    } finally {
      await context.close();
    }
  });

  for (const lang of ['en', 'ar']) {
    it(`shows every helpdesk page accessibly in ${lang} at 360 px, with no sideways scrolling`, {
      timeout: 180_000,
    }, async () => {
      // JavaScript stays on here only because axe runs as a script in the page; the pages ship none.
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      try {
        const page = await context.newPage();
        const check = async (what: string) => {
          expect(await page.locator('html').getAttribute('dir'), what).toBe(lang === 'ar' ? 'rtl' : 'ltr');
          expect(await axeViolations(page), what).toEqual([]);
          expect(await offscreen(page), what).toEqual([]);
          expect(await smallTargets(page), what).toEqual([]);
        };
        await logIn(page, `desk-${lang}@city.example`, `/staff/people/new?lang=${lang}`);
        await check('intake form');
        await page.locator('#displayName').fill('Test');
        await page.locator('#phone').fill('not a phone');
        await Promise.all([page.waitForLoadState('load'), page.locator('#need-food').press('Enter')]);
        await page.waitForSelector('[role="alert"]');
        await check('intake form with a problem');
        await page.locator('#phone').fill('');
        await page.locator('#need-health').check();
        await Promise.all([page.waitForLoadState('load'), page.locator('#phone').press('Enter')]);
        await page.waitForSelector('.slip');
        await check('slip');
        await Promise.all([page.waitForLoadState('load'), page.locator('.no-print a').first().click()]);
        await page.waitForSelector('#needs-title');
        await check('person page');
        const personUrl = page.url();
        await page.goto(personUrl.replace(`?lang=${lang}`, `/edit?lang=${lang}`));
        await check('change details');
        await page.goto(personUrl);
        await page.goto(page.url().replace(`?lang=${lang}`, `/consents/new?lang=${lang}`));
        await check('consent form');
        await page.locator('#recipientOrganisationId').selectOption({ label: 'Open Doors' });
        await page.locator('#field-needs').check();
        await page.locator('#attested').check();
        await Promise.all([
          page.waitForLoadState('load'),
          page.locator('form.stack button[type="submit"]').click(),
        ]);
        await page.waitForSelector('.slip');
        await check('consent slip');
        await page.goto(`${base()}/staff/people?lang=${lang}`);
        await check('find a person');
        await page.goto(`${base()}/staff/?lang=${lang}`);
        await check('staff home');
      } finally {
        await context.close();
      }
    });
  }
});
