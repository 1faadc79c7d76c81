import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RAW_BASIC_CLIENT_ID } from '../../electron/sandbox/quirks';
import { startHarness, type Harness } from './harness';

/**
 * The interop settings in the UI (issue 13), in browser mode against the sandbox's quirk clients: the Basic
 * encoding field fixes a refused client, a token-request parameter that belongs to the authorization request is
 * flagged next to its row, the assertion-header fields and the keystore's kid editor work from the keyboard,
 * and axe finds nothing critical or serious in them, at 900 px, in both themes.
 */
let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = await (await h.browser.newContext({ viewport: { width: 900, height: 900 }, colorScheme: 'light' })).newPage();
  await page.goto(h.server.url);
  await page.getByRole('button', { name: '+ Profile', exact: true }).waitFor();
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function seriousViolations(include: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(include).analyze();
  return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.help}`);
}

describe.sequential('interop settings in the UI', { timeout: 90_000 }, () => {
  test('Basic credentials encoding: the refused form encoding names the setting; raw, chosen by keyboard, gets a token', async () => {
    await page.getByRole('button', { name: '+ Profile', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection profile' });
    await dialog.getByLabel('Name').fill('Raw basic');
    await dialog.getByLabel('Grant type').selectOption('client_credentials');
    await dialog.getByRole('button', { name: 'Create profile' }).click();
    await page.getByTestId('profile-title').filter({ hasText: 'Raw basic' }).waitFor();
    await page.locator('#issuer').fill(h.sandbox.issuer);
    await page.locator('#client-id').fill(RAW_BASIC_CLIENT_ID);
    await page.locator('#secret-clientSecret').fill(h.sandbox.clients[RAW_BASIC_CLIENT_ID]!.client_secret!);
    await page.getByRole('button', { name: 'Get token' }).click();
    const error = page.getByTestId('run-error').filter({ hasText: 'Basic credentials encoding' });
    await error.waitFor();
    expect(await error.textContent()).toContain('HTTP 403 with an empty body');

    const encoding = page.getByLabel('Basic credentials encoding');
    await encoding.focus();
    await encoding.press('ArrowDown');
    expect(await encoding.inputValue()).toBe('raw');
    expect(await seriousViolations('.screen')).toEqual([]);
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByTestId('run-error').waitFor({ state: 'detached' });
    // An opaque access token: the token view shows its lifetime.
    await page.getByTestId('countdown').waitFor();
  });

  test('a token-request parameter that belongs to the authorization request is flagged next to its row', async () => {
    await page.getByText('Extra parameters').click();
    const name = page.getByLabel('Token parameter name 1');
    await name.fill('prompt');
    const problem = page.getByRole('alert').filter({ hasText: '--auth-param prompt=' });
    await problem.waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-describedby')).toBe(await problem.getAttribute('id'));
    await name.fill('');
  });

  test('assertion header fields for private_key_jwt, and the keystore kid editor, from the keyboard, in the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Keystore' }).click();
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.locator('#key-alias-input').fill('interop-ui');
    await page.getByTestId('key-form').getByRole('button', { name: 'OK' }).click();
    const row = page.getByTestId('key-row').filter({ hasText: 'interop-ui' });
    await row.waitFor();
    const thumbprint = (await h.service.handlers.listKeys({})).find((k) => k.alias === 'interop-ui')!.thumbprint;

    await row.getByRole('button', { name: 'Edit kid of interop-ui' }).click();
    const kid = page.getByLabel('kid', { exact: true });
    expect(await kid.inputValue()).toBe(thumbprint);
    await kid.fill('admin-console-7');
    await kid.press('Enter');
    await row.getByText('admin-console-7').waitFor();
    expect(await seriousViolations('[data-testid="keystore-screen"]')).toEqual([]);
    await row.getByRole('button', { name: 'Edit kid of interop-ui' }).click();
    await page.getByRole('button', { name: 'Reset to thumbprint' }).click();
    await row.getByText(thumbprint).first().waitFor();
    expect((await h.service.handlers.listKeys({})).find((k) => k.alias === 'interop-ui')!.kid).toBe(thumbprint);

    await page.getByTestId('profile-row').filter({ hasText: 'Raw basic' }).click();
    await page.getByLabel('Client authentication').selectOption('private_key_jwt');
    await page.locator('#key-alias').selectOption('interop-ui');
    const fields = page.getByTestId('assertion-header-fields');
    await fields.waitFor();
    const mode = page.getByLabel('kid in the assertion header');
    await mode.selectOption('custom');
    await page.getByLabel('Custom kid').fill('registered-1');
    // Without a certificate on the key the certificate headers cannot be switched on.
    expect(await fields.getByLabel('x5c (certificate chain)').isDisabled()).toBe(true);
    expect(await seriousViolations('[data-testid="assertion-header-fields"]')).toEqual([]);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('unsaved').waitFor({ state: 'hidden' });
    const saved = (await h.service.handlers.listWorkspace({})).profiles.find((p) => p.name === 'Raw basic')!;
    expect(saved.interop).toMatchObject({ kid: 'custom', customKid: 'registered-1', basicEncoding: 'raw' });
  });
});
