import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  axeViolations,
  describeJourney,
  type JourneyServer,
  launchChromium,
  startJourneyServer,
  transferredBytes,
} from './browser.ts';

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describeJourney('service directory and welcome kit in a real browser', () => {
  let browser: Browser;
  let server: JourneyServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startJourneyServer({ ARRIVAL_DEMO: '1' })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds a doctor without a health card, in English and in Arabic, on accessible pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/en/services?q=doctor`);
      expect(await page.locator('.result').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${server.url}/ar/services?q=${encodeURIComponent('طبيب')}`);
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('.result').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('.result h2 a').first().click();
      await page.waitForURL(/\/ar\/services\/[0-9a-f-]+$/);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('filters by status-safety labels with plain form controls and no JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/en/services`);
      const all = Number((await page.locator('.result-count').textContent())?.match(/\d+/)?.[0]);
      await page.locator('.more-filters summary').click();
      await page.getByLabel('No ID needed').check();
      await page.getByLabel('For women only').check();
      await page.getByRole('button', { name: 'Show services' }).click();
      await page.waitForURL(/label=women-only/);
      const filtered = Number((await page.locator('.result-count').textContent())?.match(/\d+/)?.[0]);
      expect(filtered).toBeGreaterThan(0);
      expect(filtered).toBeLessThan(all);
      // Every result carries both labels, as words.
      for (const result of await page.locator('.result').all()) {
        const text = await result.textContent();
        expect(text).toContain('No ID needed');
        expect(text).toContain('For women only');
      }
    } finally {
      await context.close();
    }
  });

  for (const path of ['/en/services?q=food', '/ar/services?q=%D8%B3%D9%83%D9%86', '/fa/kit']) {
    it(`fits a 360 px phone and weighs at most 50 KB: ${decodeURIComponent(path)}`, async () => {
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      try {
        const bytes = await transferredBytes(page, `${server.url}${path}`);
        expect(bytes).toBeLessThanOrEqual(51_200);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      } finally {
        await context.close();
      }
    });
  }

  it('keeps the welcome kit readable offline after one visit', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/uk/kit`);
      expect(await axeViolations(page)).toEqual([]);
      // Wait until the service worker controls the page and has kept it.
      await page.waitForFunction(async () => {
        const keys = await caches.keys();
        if (!keys.length) return false;
        const cache = await caches.open(keys[0] ?? '');
        return Boolean(await cache.match(location.pathname));
      });
      await context.setOffline(true);
      await page.reload();
      expect(await page.locator('h1').textContent()).toBeTruthy();
      expect(await page.locator('html').getAttribute('lang')).toBe('uk');
      expect(await page.locator('.kit-services li').count()).toBeGreaterThan(10);
    } finally {
      await context.close();
    }
  });
});
