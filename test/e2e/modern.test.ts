import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOTS, openWorkbench, startHarness, type Harness } from './harness';

/**
 * Issue 14 (token side) in the real UI (browser mode, chromium) against the sandbox: the DPoP, RAR and
 * CIBA sections appear from discovery; a DPoP run shows the binding and the nonce retry; the RAR editor
 * keeps invalid input and says why; CIBA shows the binding message and countdown until the user approves.
 */
let h: Harness;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  ({ context, page } = await openWorkbench(h, { width: 900, height: 960 }));
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function createProfile(name: string, grant: string): Promise<void> {
  await page.getByRole('button', { name: '+ Profile', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection profile' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Grant type').selectOption(grant);
  await dialog.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('profile-title').filter({ hasText: name }).waitFor();
}

async function addScopes(...scopes: string[]) {
  const input = page.getByLabel('Add scope');
  for (const s of scopes) {
    await input.fill(s);
    await input.press('Enter');
  }
}

describe.sequential('modern OAuth sections', { timeout: 90_000 }, () => {
  test('DPoP: the section appears after discovery; the run retries the nonce, the token view shows cnf and the binding', async () => {
    await page.getByRole('button', { name: '+ Group', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection group' });
    await dialog.getByLabel('Name').fill('Sandbox');
    await dialog.getByLabel('Default issuer (optional)').fill(h.sandbox.issuer);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).waitFor();

    await createProfile('DPoP service', 'client_credentials');
    expect(await page.getByTestId('sender-constrained-section').count()).toBe(0);
    await page.getByRole('button', { name: 'Discover' }).click();
    await page.getByTestId('sender-constrained-section').waitFor();
    await page.getByTestId('rar-section').waitFor();
    await page.getByTestId('registration-section').waitFor();

    await page.locator('#client-id').fill('sandbox-dpop-nonce');
    await page.locator('#secret-clientSecret').fill(h.sandbox.clients['sandbox-dpop-nonce']!.client_secret!);
    await addScopes('api:read');
    await page.locator('#resource').fill('https://api.sandbox.test');
    await page.getByLabel('DPoP-bound tokens (proof of possession on every call)').check();

    // RAR: invalid JSON is kept and explained next to the field.
    const rar = page.locator('#rar-json');
    await rar.fill('[{"instructedAmount": {}}]');
    const hint = page.locator('#rar-hint');
    expect(await hint.textContent()).toContain('type');
    expect(await rar.inputValue()).toBe('[{"instructedAmount": {}}]');
    await rar.fill('');

    // The new sections (the rest of the panel is checked by its own tests).
    const axe = await new AxeBuilder({ page }).include('[data-testid="sender-constrained-section"]').include('[data-testid="rar-section"]').include('[data-testid="registration-section"]').analyze();
    const bad = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'dpop-request-panel.png') });

    await page.getByRole('button', { name: 'Get token' }).click();
    const binding = page.getByTestId('binding-check').first();
    await binding.waitFor();
    expect(await binding.textContent()).toContain('DPoP bound');
    expect(await page.getByTestId('cnf').textContent()).toContain('jkt');
    await page.screenshot({ path: join(SCREENSHOTS, 'dpop-token-view.png') });

    await page.getByRole('tab', { name: 'Exchange' }).click();
    const view = page.getByTestId('exchange-view');
    await view.waitFor();
    expect(await view.textContent()).toContain('DPoP nonce required');
    expect(await view.textContent()).toContain('DPoP proof');
    await page.getByRole('tab', { name: 'Tokens' }).click();
  });

  test('CIBA: binding message and countdown while the user decides; tokens once approved', async () => {
    await createProfile('CIBA', 'urn:openid:params:grant-type:ciba');
    await page.getByTestId('ciba-section').waitFor();
    await page.locator('#client-id').fill('sandbox-ciba');
    await page.locator('#secret-clientSecret').fill(h.sandbox.clients['sandbox-ciba']!.client_secret!);
    await addScopes('openid');
    await page.locator('#ciba-login-hint').fill('alice');
    await page.locator('#ciba-binding-message').fill('UI-7');
    await page.getByRole('button', { name: 'Get token' }).click();
    const progress = page.getByTestId('ciba-progress');
    // Re-rendered every second (the countdown): wait for it to exist rather than for a stable box.
    await page.waitForSelector('[data-testid="ciba-progress"]', { state: 'attached' });
    expect(await progress.textContent()).toContain('UI-7');
    expect(await progress.textContent()).toMatch(/\d+:\d\d left/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ciba-waiting.png') });
    const pending = await h.sandbox.ciba.next();
    expect(pending.bindingMessage).toBe('UI-7');
    await h.sandbox.ciba.approve(pending.id);
    await page.getByRole('tab', { name: 'ID token' }).waitFor();
    await page.getByTestId('token-view').waitFor();
    expect(await page.getByRole('tab', { name: 'ID token' }).isDisabled()).toBe(false);
  });
});
