import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';

/**
 * The theme chosen is kept by the engine in the data directory (issue 12): the same choice in every
 * window and in browser mode whatever port `npm run web` picked (the browser's storage is per origin),
 * applied before the first render, and never read from the browser's synchronous storage at start-up.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 240_000);
afterAll(async () => {
  await h?.close();
});

/** A fresh browser profile (no storage at all), which records the theme in effect when the app first renders. */
async function freshWindow() {
  const context = await h.browser.newContext({ viewport: { width: 900, height: 640 }, colorScheme: 'light' });
  await context.addInitScript(() => {
    const g = globalThis as any;
    new g.MutationObserver((_: unknown, obs: { disconnect(): void }) => {
      const root = g.document.getElementById('root');
      if (root && root.childElementCount > 0) {
        g.__themeAtFirstRender = g.document.documentElement.dataset.theme;
        obs.disconnect();
      }
    }).observe(g.document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(h.server.url);
  await page.getByLabel('Theme').waitFor();
  return { context, page };
}

describe('the theme, kept by the engine', () => {
  test('chosen in one window: in the data directory, and what a new browser profile starts with, before its first render', async () => {
    const first = await freshWindow();
    expect(await first.page.getByLabel('Theme').inputValue()).toBe('system');
    await first.page.getByLabel('Theme').selectOption('dark');
    expect(await first.page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme)).toBe('dark');
    const file = join(h.dir, 'data', 'preferences.json');
    await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).theme).toBe('dark');
    // Nothing in the browser's own storage: a new origin (another port) would not see it.
    expect(await first.page.evaluate(() => (globalThis as any).localStorage.length)).toBe(0);
    await first.context.close();

    const second = await freshWindow();
    expect(await second.page.getByLabel('Theme').inputValue()).toBe('dark');
    expect(await second.page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme)).toBe('dark');
    // No light flash: the first render already had the saved theme.
    expect(await second.page.evaluate(() => (globalThis as unknown as { __themeAtFirstRender?: string }).__themeAtFirstRender)).toBe('dark');
    await second.page.getByLabel('Theme').selectOption('system');
    await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).theme).toBe('system');
    expect(await second.page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme)).toBe('light');
    await second.context.close();
  });

  test('a theme that cannot be saved still applies, and the switch says it was not saved', async () => {
    const { context, page } = await freshWindow();
    // The data directory's preferences.json made unwritable: a directory in its place.
    const { mkdirSync, rmSync } = await import('node:fs');
    const file = join(h.dir, 'data', 'preferences.json');
    rmSync(file, { force: true });
    mkdirSync(file);
    try {
      await page.getByLabel('Theme').selectOption('dark');
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme)).toBe('dark');
      const alert = page.locator('#theme-save-error');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^Applied, but not saved: .*preferences\.json/);
      expect(await page.getByLabel('Theme').getAttribute('aria-describedby')).toBe('theme-save-error');
    } finally {
      rmSync(file, { recursive: true, force: true });
    }
    // Fixed: the next choice saves, and the message goes.
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).theme).toBe('light');
    expect(await page.locator('#theme-save-error').count()).toBe(0);
    await context.close();
  });
});
