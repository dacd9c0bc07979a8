import { existsSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { totpCodeAt } from '../src/domains/accounts/index.ts';
import { runCli, startServerProcess } from '../test/process.ts';
import { testDir } from '../test/temp.ts';

/** Debian's Chromium: journeys never download a browser of their own. */
export const CHROMIUM = process.env.ARRIVAL_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * A group of browser journeys. Without Chromium they are skipped with a loud notice, except under CI, where a
 * missing browser is a failure (DEVELOPERS.md).
 */
export function describeJourney(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`CI is set but ${CHROMIUM} is missing: install Debian's chromium package.`);
      });
    });
    return;
  }
  console.warn(
    `\n*** BROWSER JOURNEYS SKIPPED: ${CHROMIUM} not found. Install it with: apt-get install chromium ***\n`,
  );
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine has no network but loopback: keep Chromium from calling home.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface JourneyServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The real server, as `arrival start` runs it, on a fresh database of the suite's driver. `prepare` runs first
 * with the server's environment, as a deployment script would (CLI commands: on the embedded database the CLI and
 * the server cannot run at once).
 */
export async function startJourneyServer(
  env: Record<string, string> = {},
  prepare?: (env: Record<string, string>) => Promise<void>,
): Promise<JourneyServer> {
  const db = await freshServerDatabase();
  const dataDir = path.join(testDir('e2e'), 'data');
  const serverEnv = {
    DATA_DIR: dataDir,
    ARRIVAL_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    ...db.env,
    ...env,
  };
  await prepare?.(serverEnv);
  const server = await startServerProcess(serverEnv);
  return {
    url: server.url.replace(/\/$/, ''),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** WCAG 2.2 AA, as axe tags it. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Bytes on the wire for a cold load: headers plus (compressed) bodies of every response. */
export async function transferredBytes(page: Page, url: string): Promise<number> {
  const sizes: Promise<number>[] = [];
  const onFinished = (request: Request) => {
    sizes.push(request.sizes().then((s) => s.responseHeadersSize + s.responseBodySize));
  };
  page.on('requestfinished', onFinished);
  await page.goto(url, { waitUntil: 'load' });
  // Later requests (a service worker's, say) are not part of this load, and may outlive the page.
  page.off('requestfinished', onFinished);
  return (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
}

/**
 * Elements that stick out past either side of the viewport, and whether the document itself scrolls sideways
 * (both fail "no horizontal scroll at 360 px"). Hidden helpers (`.visually-hidden`), elements above the page
 * and the insides of a table that scrolls in its own box (`.table-scroll`) do not count.
 */
export async function offscreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      if (el.closest('.table-scroll') && el.tagName !== 'DIV') continue;
      if (el.closest('.visually-hidden')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.bottom < 0) continue;
      if (rect.left < -1 || rect.right > width + 1)
        out.push(`${el.tagName}.${el.className} ${Math.round(rect.left)}..${Math.round(rect.right)}`);
    }
    if (document.documentElement.scrollWidth > width) out.push('document scrolls sideways');
    return out;
  });
}

/** Interactive elements smaller than 24×24 CSS px (WCAG 2.2 SC 2.5.8), leaving out links inside running text. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const targets = document.querySelectorAll<HTMLElement>(
      'a[href], button, summary, input:not([type="hidden"]), select, textarea',
    );
    for (const el of Array.from(targets)) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue; // not shown (e.g. a closed menu)
      if (getComputedStyle(el).visibility === 'hidden') continue;
      const inline = el.tagName === 'A' && el.closest('p') !== null; // SC 2.5.8 "inline" exception
      if (!inline && (rect.width < 24 || rect.height < 24))
        small.push(
          `${el.tagName}#${el.id} "${el.textContent?.trim()}" ${Math.round(rect.width)}×${Math.round(rect.height)}`,
        );
    }
    return small;
  });
}

export interface JourneyStaff {
  email: string;
  organisation: string;
  /** Links the organisation to an HSDS organization of the directory (it then receives referrals). */
  hsdsOrganizationId?: string;
}

/**
 * Caseworkers created as a deployment script creates them (`create-user`, password on stdin), before the server
 * starts (on the embedded database the CLI and the server cannot run at once). Returns each one's TOTP secret,
 * by email.
 */
export async function createCaseworkers(
  env: Record<string, string>,
  staff: readonly JourneyStaff[],
  password: string,
): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const { email, organisation, hsdsOrganizationId } of staff) {
    const created = await runCli(
      [
        'create-user',
        '--email',
        email,
        '--organisation',
        organisation,
        '--role',
        'caseworker',
        ...(hsdsOrganizationId ? ['--hsds-organization-id', hsdsOrganizationId] : []),
        '--password-stdin',
      ],
      env,
      password,
    );
    if (created.code !== 0) throw new Error(created.stderr);
    secrets[email] =
      new URL(/^otpauth:\S+$/m.exec(created.stdout)?.[0] ?? '').searchParams.get('secret') ?? '';
  }
  return secrets;
}

/**
 * Opens `to` (a staff page), is sent to the login page, and logs in there with the password and a TOTP code,
 * ending on `to`. A TOTP code works once: use one staff member per browser session.
 */
export async function logInOnPage(
  page: Page,
  base: string,
  who: { email: string; password: string; secret: string },
  to: string,
): Promise<void> {
  await page.goto(`${base}${to}`);
  expect(new URL(page.url()).pathname).toBe('/staff/login');
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await page.locator('#totp').fill(totpCodeAt(who.secret, new Date()));
  await Promise.all([
    page.waitForURL(new RegExp(to.split('?')[0] ?? '')),
    page.locator('#totp').press('Enter'),
  ]);
}
