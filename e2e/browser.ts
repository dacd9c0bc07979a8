import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { describe, it } from 'vitest';
import { freshServerDatabase } from '../src/db/testing.ts';
import { startServerProcess } from '../test/process.ts';

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

/** The real server, as `arrival start` runs it, on a fresh database of the suite's driver. */
export async function startJourneyServer(env: Record<string, string> = {}): Promise<JourneyServer> {
  const db = await freshServerDatabase();
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'arrival-e2e-')), 'data');
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    ARRIVAL_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    ...db.env,
    ...env,
  });
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
