import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';

/**
 * The authorization-request section (issue 14) in Debian's chromium against
 * browser mode and the sandbox: JARM decoded and verified in the exchange
 * view, the FAPI 2.0 switch saying what is missing, the claims JSON checked in
 * place, and a hybrid response whose fragment the loopback relay page (its
 * script, under a hash CSP) posts back from a real browser.
 */

let dir: string;
let sandbox: SandboxHandle;
let service: AppService;
let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let openedWaiter: ((url: string) => void) | undefined;
const nextOpenedUrl = () => new Promise<string>((r) => (openedWaiter = r));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-e2e-ar-'));
  const rendererDir = join(dir, 'renderer');
  const { build } = await import('vite');
  await build({ configFile: resolve('renderer/vite.config.mjs'), build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false }, logLevel: 'error' });
  sandbox = await startSandbox();
  service = openAppService({
    dataDir: join(dir, 'data'),
    mode: 'web',
    version: 'e2e',
    keychainService: `tokenbench-e2e-${randomUUID()}`,
    openBrowser: async (url) => {
      openedWaiter?.(url);
      openedWaiter = undefined;
    },
  });
  server = await startWebServer({ service, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // 900 px wide: the section must work there.
  context = await browser.newContext({ viewport: { width: 900, height: 1000 }, colorScheme: 'light' });
  page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
}, 180_000);

afterAll(async () => {
  await service?.handlers.clearHistory({}).catch(() => undefined);
  await browser?.close();
  await server?.close();
  await service?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function createProfile(name: string): Promise<void> {
  await page.getByRole('button', { name: '+ Profile', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection profile' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Grant type').selectOption('authorization_code');
  await dialog.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('profile-title').filter({ hasText: name }).waitFor();
}

/** The user signs in at the sandbox in a real page; the response reaches the loopback listener however the mode sends it. */
async function userSignsIn(url: string): Promise<void> {
  const user = await context.newPage();
  await user.goto(url);
  const done = user.getByText('Token Workbench received the response');
  const signIn = user.locator('#username');
  const allow = user.getByRole('button', { name: 'Allow' });
  // The sandbox session (a cookie of this browser) may skip the sign-in, or the consent too.
  await signIn.or(allow).or(done).first().waitFor();
  if (await signIn.isVisible()) {
    await signIn.fill(sandbox.user.username);
    await user.locator('#password').fill(sandbox.user.password);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await allow.or(done).first().waitFor();
  }
  if (await allow.isVisible()) await allow.click();
  await done.waitFor();
  await user.close();
}

describe.sequential('authorization request section', { timeout: 90_000 }, () => {
  test('JARM: choose the mode, run, and see the response JWT decoded with its checks', async () => {
    await page.getByRole('button', { name: '+ Group', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection group' });
    await dialog.getByLabel('Name').fill('Bank');
    await dialog.getByLabel('Default issuer (optional)').fill(sandbox.issuer);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByTestId('group-row').filter({ hasText: 'Bank' }).waitFor();

    await createProfile('JARM app');
    await page.getByRole('button', { name: 'Discover' }).click();
    await page.getByTestId('server-supports').waitFor();
    await page.locator('#client-id').fill('sandbox-jarm');
    await page.locator('#secret-clientSecret').fill(sandbox.clients['sandbox-jarm']!.client_secret!);
    const input = page.getByLabel('Add scope');
    await input.fill('openid');
    await input.press('Enter');
    const section = page.getByTestId('authorization-request-section');
    await section.getByText('Authorization request: PAR').click();
    // Offered because the discovered metadata lists them.
    await section.getByLabel('Response mode').selectOption('jwt');
    expect(await section.getByLabel('Response type').locator('option').allTextContents()).toContain('code id_token (hybrid)');

    const axe = await new AxeBuilder({ page }).include('[data-testid="authorization-request-section"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id)).toEqual([]);

    const authorizationUrl = nextOpenedUrl();
    await page.getByRole('button', { name: 'Get token' }).click();
    const url = await authorizationUrl;
    expect(new URL(url).searchParams.get('response_mode')).toBe('jwt');
    await userSignsIn(url);
    await page.getByTestId('token-view').waitFor();

    await page.getByRole('tab', { name: 'Exchange' }).click();
    const event = page.getByTestId('exchange-event').filter({ hasText: 'JARM response: verified' });
    await event.click();
    const decoded = page.getByTestId('event-jwt');
    await decoded.waitFor();
    expect(await decoded.textContent()).toContain('"aud": "sandbox-jarm"');
    expect(await page.getByTestId('event-checks').textContent()).toMatch(/✓ signature/);
    await page.getByRole('tab', { name: 'Tokens' }).click();
  });

  test('the claims JSON is checked where it is typed, and kept while wrong', async () => {
    const claims = page.locator('#ar-claims');
    await claims.fill('{"access_token": {}}');
    const error = page.locator('#ar-claims-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('OIDC Core §5.5');
    expect(await claims.inputValue()).toBe('{"access_token": {}}');
    await claims.fill('{"id_token": {"email": {"essential": true}}}');
    await error.waitFor({ state: 'detached' });
  });

  test('the FAPI 2.0 switch turns on PAR and S256, and names what the client still misses', async () => {
    await page.getByTestId('fapi2-switch').check();
    const findings = page.getByTestId('fapi-findings');
    await findings.waitFor();
    const text = await findings.textContent();
    expect(text).toContain('client authentication "client_secret_basic" is not allowed');
    expect(text).toContain('Sender-constrained');
    expect(text).not.toContain('Pushed authorization requests');
    expect(await page.locator('#ar-par').inputValue()).toBe('on');
    await page.getByTestId('fapi2-switch').uncheck();
  });

  test('hybrid in a real browser: the relay page posts the fragment back and the front-channel ID token is verified', async () => {
    await createProfile('Hybrid app');
    await page.locator('#client-id').fill('sandbox-hybrid');
    await page.locator('#secret-clientSecret').fill(sandbox.clients['sandbox-hybrid']!.client_secret!);
    const input = page.getByLabel('Add scope');
    await input.fill('openid');
    await input.press('Enter');
    const section = page.getByTestId('authorization-request-section');
    await section.getByText('Authorization request: PAR').click();
    await section.getByLabel('Response type').selectOption('code id_token');
    const authorizationUrl = nextOpenedUrl();
    await page.getByRole('button', { name: 'Get token' }).click();
    await userSignsIn(await authorizationUrl);
    await page.getByTestId('token-view').waitFor();
    await page.getByRole('tab', { name: 'Exchange' }).click();
    await page.getByTestId('exchange-event').filter({ hasText: 'front-channel ID token: verified' }).click();
    expect(await page.getByTestId('event-checks').textContent()).toMatch(/✓ c_hash/);
  });
});
