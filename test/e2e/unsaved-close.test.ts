import type { Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';

/**
 * Issue 12 item 4, "never lose typed input silently", when the window itself goes: closing or
 * reloading it with unsaved changes asks first (the browser's own prompt here; the desktop shell turns
 * the same refusal into a dialog, test/shell/window-factory.test.ts), and nothing is asked when all is saved.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.service.handlers.saveProfile({ name: 'Closing test', grantType: 'client_credentials', issuer: h.sandbox.issuer, clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } } as never);
}, 240_000);
afterAll(async () => {
  await h?.close();
});

async function openWindow(): Promise<{ page: Page; dialogs: Dialog[] }> {
  const context = await h.browser.newContext({ viewport: { width: 900, height: 640 } });
  const page = await context.newPage();
  const dialogs: Dialog[] = [];
  page.on('dialog', (d) => void dialogs.push(d));
  await page.goto(h.server.url);
  await page.getByTestId('profile-row').filter({ hasText: 'Closing test' }).first().click();
  await page.getByTestId('profile-title').filter({ hasText: 'Closing test' }).waitFor();
  return { page, dialogs };
}

describe('closing the window with unsaved changes', () => {
  test('asks first; staying keeps the typed text; leaving closes', async () => {
    const { page, dialogs } = await openWindow();
    await page.locator('#audience').fill('typed-but-not-saved');
    await page.getByTestId('title-unsaved').waitFor();
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]?.type()).toBe('beforeunload');
    await dialogs[0]?.dismiss();
    // Still open, with the typed text.
    expect(page.isClosed()).toBe(false);
    expect(await page.locator('#audience').inputValue()).toBe('typed-but-not-saved');
    // Leaving this time.
    const closed = new Promise<void>((r) => page.once('close', () => r()));
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs.length).toBe(2);
    await dialogs[1]?.accept();
    await closed;
    await page.context().close();
  });

  test('nothing unsaved (after Save, or nothing typed): the window closes without asking', async () => {
    const { page, dialogs } = await openWindow();
    await page.locator('#audience').fill('saved-this-time');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('title-unsaved').count()).toBe(0);
    const closed = new Promise<void>((r) => page.once('close', () => r()));
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(dialogs).toHaveLength(0);
    await page.context().close();
  });
});
