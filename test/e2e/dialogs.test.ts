import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import { openWorkbench, startHarness, type Harness } from './harness';

/**
 * Issue 12 item 3 for the dialogs added with issue 13 (new profile from preset, the environments editor,
 * the importer's review): each is the app's one modal, so Tab and Shift+Tab cycle inside it, Escape closes
 * it, focus goes back to what opened it, it is named by its title, and axe finds nothing critical or
 * serious in it — at 1440×900 and at 900×640.
 */
let h: Harness;
let context: BrowserContext;
let page: Page;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const r = (await dispatch(h.service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  h = await startHarness();
  const group = await call('saveGroup', {
    name: 'Partner',
    defaults: {},
    environments: [{ id: 'dev', name: 'dev', variables: [{ name: 'issuer', value: h.sandbox.issuer, secret: false }, { name: 'token', secret: true }] }],
    activeEnvironmentId: 'dev',
  });
  await call('saveProfile', { name: 'Partner token', groupId: group.id, issuer: '{{issuer}}', grantType: 'client_credentials', clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } });
  ({ context, page } = await openWorkbench(h, { width: 1440, height: 900 }));
}, 180_000);

afterAll(async () => {
  await h?.close();
});

/** Index of the focused element among the dialog's tabbable elements, in DOM (= Tab) order; -1 when focus is outside. */
const focusIndex = (dialog: Locator) =>
  dialog.evaluate((el) => {
    const doc = (globalThis as any).document;
    const tabbable = [...el.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])')].filter(
      (n: any) => n.offsetParent !== null,
    );
    return { at: tabbable.indexOf(doc.activeElement), count: tabbable.length };
  });
const isFocused = (l: Locator) => l.evaluate((el) => el === (globalThis as any).document.activeElement);

/** Opens a dialog from `opener` with the keyboard and proves the modal contract on it. */
async function checkDialog(opener: Locator, name: string | RegExp, open: () => Promise<void>) {
  await opener.focus();
  await open();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  expect(await dialog.getAttribute('aria-modal')).toBe('true');
  const titleId = await dialog.getAttribute('aria-labelledby');
  expect(titleId).toBeTruthy();
  expect(await page.locator(`[id="${titleId}"]`).evaluate((el) => el.tagName)).toBe('H2');

  // Focus starts inside; Tab walks every tabbable element in order and wraps from the last to the first.
  const start = await focusIndex(dialog);
  expect(start.at, 'focus did not move into the dialog').toBeGreaterThanOrEqual(0);
  expect(start.count).toBeGreaterThanOrEqual(2);
  let at = start.at;
  for (let i = 0; i <= start.count; i++) {
    await page.keyboard.press('Tab');
    const now = await focusIndex(dialog);
    expect(now.at, `Tab ${i + 1} from element ${at} of ${start.count}`).toBe((at + 1) % start.count);
    at = now.at;
  }
  // Shift+Tab from the first goes to the last.
  await dialog.evaluate((el) => (el.querySelector('button, input, select, textarea, a[href]') as any).focus());
  expect((await focusIndex(dialog)).at).toBe(0);
  await page.keyboard.press('Shift+Tab');
  expect((await focusIndex(dialog)).at).toBe(start.count - 1);

  const { violations } = await new AxeBuilder({ page }).include('[role="dialog"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(await isFocused(opener), 'focus did not go back to the opener').toBe(true);
}

describe.sequential('dialogs are modal', { timeout: 120_000 }, () => {
  for (const [width, height] of [
    [1440, 900],
    [900, 640],
  ] as const) {
    test(`${width}×${height}: new profile from preset — from the sidebar button and from the group's menu`, async () => {
      await page.setViewportSize({ width, height });
      const button = page.getByRole('button', { name: 'New profile from preset' });
      await checkDialog(button, 'New profile from preset', () => page.keyboard.press('Enter'));
      // From a menu: the menu is gone when the dialog closes, so focus goes back to the row it was opened on.
      const row = page.getByTestId('group-row').filter({ hasText: 'Partner' });
      await checkDialog(row, 'New profile from preset', async () => {
        await page.keyboard.press('Shift+F10');
        await page.getByRole('menuitem', { name: 'New profile from preset…' }).press('Enter');
      });
    });

    test(`${width}×${height}: the environments editor`, async () => {
      await page.setViewportSize({ width, height });
      await page.getByTestId('profile-row').filter({ hasText: 'Partner token' }).click();
      const button = page.getByTestId('env-bar').getByRole('button', { name: 'Environments…' });
      await checkDialog(button, 'Environments of Partner', () => page.keyboard.press('Enter'));
    });

    test(`${width}×${height}: the importer's review of a pasted curl command`, async () => {
      await page.setViewportSize({ width, height });
      await page.getByRole('button', { name: 'Import/Export' }).click();
      const panel = page.getByTestId('foreign-import');
      await panel.getByLabel('Or paste a curl command that calls a token endpoint').fill(`curl -X POST ${h.sandbox.issuer}/token -u sandbox-basic:pasted -d grant_type=client_credentials`);
      const button = panel.getByRole('button', { name: 'Read the curl command' });
      await checkDialog(button, 'Import from curl', () => page.keyboard.press('Enter'));
      // Nothing was imported by closing the review.
      expect((await call('listWorkspace', {})).profiles.map((p) => p.name)).toEqual(['Partner token']);
    });
  }
});
