import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { totpCodeAt } from '../src/domains/accounts/index.ts';
import { runCli, type ServerProcess, startServerProcess } from '../test/process.ts';
import { testDir } from '../test/temp.ts';
import { axeViolations, describeJourney, launchChromium, offscreen, smallTargets } from './browser.ts';

const PASSWORD = 'lanterns over the harbour 12';

describeJourney('staff pages in a real browser', () => {
  let browser: Browser;
  let server: ServerProcess;
  let closeDb: () => Promise<void>;
  let secret = '';

  beforeAll(async () => {
    const db = await freshServerDatabase();
    closeDb = db.close;
    const env = {
      ...db.env,
      DATA_DIR: path.join(testDir('e2e'), 'data'),
      ARRIVAL_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    };
    // The first city admin, as a deployment script creates them, before the server starts.
    const created = await runCli(
      ['create-admin', '--email', 'mayor@city.example', '--password-stdin'],
      env,
      PASSWORD,
    );
    if (created.code !== 0) throw new Error(created.stderr);
    secret = new URL(/^otpauth:\S+$/m.exec(created.stdout)?.[0] ?? '').searchParams.get('secret') ?? '';
    [browser, server] = await Promise.all([launchChromium(), startServerProcess(env)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await closeDb?.();
  });

  let context: BrowserContext;
  let page: Page;
  const base = () => server.url.replace(/\/$/, '');

  // The pages ship no script at all; JavaScript stays on only because axe runs as a script in the page.
  it('sends a visitor to the login page, which is accessible on a 360 px phone', async () => {
    context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    page = await context.newPage();
    await page.goto(`${base()}/staff/organisation`);
    expect(new URL(page.url()).pathname).toBe('/staff/login');
    expect(await axeViolations(page)).toEqual([]);
    expect(await offscreen(page)).toEqual([]);
  });

  it('logs in with a password and a TOTP code, and lands where it was going', async () => {
    await page.locator('#email').fill('mayor@city.example');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#totp').fill(totpCodeAt(secret, new Date()));
    await Promise.all([
      page.waitForURL(/\/staff\/organisation/),
      page.locator('main button[type="submit"]').click(),
    ]);
    expect(await page.locator('h1').textContent()).toContain('members');
  });

  for (const lang of ['en', 'ar']) {
    it(`shows every staff page accessibly in ${lang}, with no sideways scrolling`, {
      timeout: 120_000,
    }, async () => {
      for (const p of [
        '/staff/',
        '/staff/organisation',
        '/staff/sessions',
        '/staff/recovery-codes',
        '/staff/audit',
      ]) {
        const res = await page.goto(`${base()}${p}?lang=${lang}`);
        expect(res?.status(), p).toBe(200);
        expect(await page.locator('html').getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        expect(await axeViolations(page), p).toEqual([]);
        expect(await offscreen(page), p).toEqual([]);
        expect(await smallTargets(page), p).toEqual([]);
      }
    });
  }

  it('logs out by the form (it carries the CSRF token), and the session is gone', async () => {
    try {
      await page.goto(`${base()}/staff/?lang=en`);
      await Promise.all([
        page.waitForURL(/\/staff\/login/),
        page.locator('.staff-nav button[type="submit"]').click(),
      ]);
      await page.goto(`${base()}/staff/`);
      expect(new URL(page.url()).pathname).toBe('/staff/login');
    } finally {
      await context.close();
    }
  });
});
