import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  axeViolations,
  describeJourney,
  type JourneyServer,
  launchChromium,
  offscreen,
  smallTargets,
  startJourneyServer,
  transferredBytes,
} from './browser.ts';

describeJourney('home page in a real browser', () => {
  let browser: Browser;
  let server: JourneyServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startJourneyServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(path: string, options: Parameters<Browser['newContext']>[0] = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const response = await page.goto(`${server.url}${path}`);
    return { context, page, status: response?.status() };
  }

  it('greets an English speaker on an accessible page (axe, WCAG 2.2 AA: 0 violations)', async () => {
    const { context, page, status } = await open('/', { locale: 'en-GB' });
    try {
      expect(status).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/en/');
      expect(await page.locator('h1').textContent()).toContain('Welcome to');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows Arabic right to left, accessibly, for an Arabic-speaking browser', async () => {
    const { context, page } = await open('/', { locale: 'ar-EG' });
    try {
      expect(new URL(page.url()).pathname).toBe('/ar/');
      const html = page.locator('html');
      expect(await html.getAttribute('lang')).toBe('ar');
      expect(await html.getAttribute('dir')).toBe('rtl');
      expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
      // The brand sits at the right edge in RTL: logical properties did their job.
      const brand = await page.locator('.brand').boundingBox();
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      expect(brand && brand.x + brand.width).toBeGreaterThan(width / 2);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works without JavaScript: switch language, then search', async () => {
    const { context, page } = await open('/en/', { javaScriptEnabled: false });
    try {
      await page.locator('.lang summary').click();
      await page.getByRole('link', { name: 'Українська' }).click();
      await page.waitForURL(/\/uk\/$/);
      expect(await page.locator('html').getAttribute('lang')).toBe('uk');
      await page.locator('input[name="q"]').fill('лікар');
      await page.locator('form[role="search"] button[type="submit"]').click();
      await page.waitForURL(/\/uk\/services\?q=/);
      expect(new URL(page.url()).searchParams.get('q')).toBe('лікар');
    } finally {
      await context.close();
    }
  });

  it('can be used by keyboard: the first Tab reaches the skip link, which moves to the content', async () => {
    const { context, page } = await open('/en/');
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
      expect(await page.locator('.skip').isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
      // The language menu opens from the keyboard too.
      await page.locator('.lang summary').focus();
      await page.keyboard.press('Enter');
      expect(await page.locator('.lang').getAttribute('open')).not.toBeNull();
    } finally {
      await context.close();
    }
  });

  for (const locale of ['en', 'ar', 'fa', 'uk']) {
    it(`fits a 360 px phone in ${locale}: no sideways scroll, tap targets of at least 24 px`, async () => {
      const { context, page } = await open(`/${locale}/`, {
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      try {
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        expect(await offscreen(page)).toEqual([]);
        expect(await smallTargets(page)).toEqual([]);
        await page.locator('.lang summary').click();
        expect(await offscreen(page)).toEqual([]);
        expect(await smallTargets(page)).toEqual([]);
        const menuOverflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(menuOverflow).toBeLessThanOrEqual(0);
      } finally {
        await context.close();
      }
    });
  }

  it('weighs at most 50 KB on the wire, cold', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const bytes = await transferredBytes(page, `${server.url}/ar/`);
      expect(bytes).toBeGreaterThan(1000);
      expect(bytes).toBeLessThanOrEqual(51_200);
    } finally {
      await context.close();
    }
  });

  it('shows the 404 page in the browser’s language for an unknown locale', async () => {
    const { context, page, status } = await open('/xx/', { locale: 'es-ES' });
    try {
      expect(status).toBe(404);
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
