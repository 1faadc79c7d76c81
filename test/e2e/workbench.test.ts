import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Conf from 'conf';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { ConnectionProfileSchema, type ConnectionProfile } from '../../shared/profile';

/**
 * End to end: the built renderer in Debian's chromium, talking to browser
 * mode (started in-process on a random port) with the real service, the real
 * keychain and the sandbox authorization server. Sign-in pages the workbench
 * "opens in the system browser" are recorded and opened in a second page,
 * where the test plays the user.
 */
const SCREENSHOTS = resolve('test/screenshots');
const API_RESOURCE = 'https://api.sandbox.test';

let dir: string;
let sandbox: SandboxHandle;
let service: AppService;
let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const opened: string[] = [];
let openedWaiter: ((url: string) => void) | undefined;

function nextOpenedUrl(): Promise<string> {
  return new Promise((r) => (openedWaiter = r));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-e2e-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
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
      opened.push(url);
      openedWaiter?.(url);
      openedWaiter = undefined;
    },
  });
  server = await startWebServer({ service, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 960 }, colorScheme: 'dark' });
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

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });

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

describe.sequential('workbench in browser mode', { timeout: 90_000 }, () => {
  test('the page never sees the bridge token in its URL after start-up', async () => {
    expect(page.url()).not.toContain(server.token);
  });

  test('create a group and a profile by discovery, get a client-credentials token, see its claims and a passing report', async () => {
    await page.getByRole('button', { name: '+ Group', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection group' });
    await dialog.getByLabel('Name').fill('Sandbox');
    await dialog.getByLabel('Default issuer (optional)').fill(sandbox.issuer);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).waitFor();

    await createProfile('Sandbox service', 'client_credentials');
    await page.getByRole('button', { name: 'Discover' }).click();
    const supports = page.getByTestId('server-supports');
    await supports.waitFor();
    expect(await supports.textContent()).toContain('Client credentials');
    expect(await page.locator('#ep-token').getAttribute('placeholder')).toBe(`${sandbox.issuer}/token`);

    // The form says what is missing before anything is sent.
    await page.getByRole('button', { name: 'Get token' }).click();
    const missing = page.getByTestId('missing-fields');
    await missing.waitFor();
    expect(await missing.textContent()).toContain('Client ID');
    expect(await missing.textContent()).toContain('Client secret');

    await page.locator('#client-id').fill('sandbox-basic');
    await page.locator('#secret-clientSecret').fill(sandbox.clients['sandbox-basic']!.client_secret!);
    await addScopes('api:read');
    await page.locator('#resource').fill(API_RESOURCE);
    await shot('request-panel');
    await page.getByRole('button', { name: 'Get token' }).click();

    const report = page.getByTestId('report-summary');
    await report.waitFor();
    expect(await report.textContent()).toBe('valid');
    const payload = page.getByTestId('payload-claims');
    expect(await payload.textContent()).toContain('sandbox-basic');
    expect(await payload.locator('[data-claim="exp"]').getAttribute('title')).toMatch(/expir/i);
    expect(await page.locator('[data-check="signature"]').getAttribute('data-status')).toBe('passed');
    await page.getByTestId('countdown').waitFor();
    await shot('token-view-client-credentials');

    // The run used the form without saving it; Save sends the secret to the keychain, and the page then shows it masked only.
    await page.getByTestId('title-unsaved').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('title-unsaved').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);
  });

  test('the exchange view draws the run and opens each request with secrets masked and copy as curl', async () => {
    await page.getByRole('tab', { name: 'Exchange' }).click();
    const request = page.getByTestId('exchange-request').filter({ hasText: 'token request' });
    await request.click();
    const detail = page.getByTestId('exchange-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('/token');
    expect(await detail.textContent()).toContain('Basic [redacted]');
    expect(await page.content()).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);
    await detail.getByRole('button', { name: 'Copy as curl' }).waitFor();
    await shot('exchange-view');
    await page.getByRole('tab', { name: 'Tokens' }).click();
  });

  test('authorization code flow: the user signs in at the sandbox in a second page; ID and refresh tokens appear', async () => {
    await createProfile('Sandbox web app', 'authorization_code');
    await page.locator('#client-id').fill('sandbox-basic');
    await page.locator('#secret-clientSecret').fill(sandbox.clients['sandbox-basic']!.client_secret!);
    await addScopes('openid', 'profile', 'offline_access');
    await page.getByText('Extra parameters').click();
    await page.getByLabel('Authorization parameter name 1').fill('prompt');
    await page.getByLabel('Authorization parameter value 1').fill('consent');

    const authorizationUrl = nextOpenedUrl();
    await page.getByRole('button', { name: 'Get token' }).click();
    const url = await authorizationUrl;
    expect(url.startsWith(`${sandbox.issuer}/auth?`)).toBe(true);
    const state = page.getByTestId('run-state');
    await state.getByText('Waiting for you to sign in').waitFor();
    await shot('run-waiting-for-sign-in');

    const user = await context.newPage();
    await user.goto(url);
    await user.locator('#username').fill(sandbox.user.username);
    await user.locator('#password').fill(sandbox.user.password);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByRole('button', { name: 'Allow' }).click();
    await user.getByText('Token Workbench received the response').waitFor();
    await user.close();

    await page.getByRole('tab', { name: 'ID token' }).waitFor();
    await page.getByTestId('token-view').waitFor();
    expect(await page.getByRole('tab', { name: 'ID token' }).isDisabled()).toBe(false);
    expect(await page.getByRole('tab', { name: 'Refresh token' }).isDisabled()).toBe(false);
    await page.getByRole('tab', { name: 'ID token' }).click();
    await page.getByTestId('report-summary').waitFor();
    expect(await page.getByTestId('report-summary').textContent()).toBe('valid');
    expect(await page.getByTestId('payload-claims').textContent()).toContain(sandbox.user.username === 'alice' ? 'alice' : '');
    expect(await page.locator('[data-check="nonce"]').getAttribute('data-status')).toBe('passed');
    await shot('token-view-id-token');

    // The sequence shows the browser, the authorization server, the workbench and the loopback listener.
    await page.getByRole('tab', { name: 'Exchange' }).click();
    const view = page.getByTestId('exchange-view');
    await view.waitFor();
    for (const lane of ['Browser', 'Authorization server', 'Workbench', 'Loopback']) expect(await view.textContent()).toContain(lane);
    expect(await view.textContent()).toContain('authorization response');
    await shot('exchange-authorization-code');
    await page.getByRole('tab', { name: 'Tokens' }).click();
  });

  test('refresh replaces the access token', async () => {
    await page.getByRole('tab', { name: 'Access token' }).click();
    const before = await page.getByTestId('raw-token').textContent();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    // Polled from the test side: the page's CSP (rightly) refuses the string evaluation waitForFunction would need.
    while ((await page.getByTestId('raw-token').textContent()) === before) await page.waitForTimeout(50);
    expect(await page.getByTestId('token-view').textContent()).toContain('refresh_token');
  });

  test('revoke the access token, then introspection says it is not active', async () => {
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('action-result').getByText('Revoked the access token').waitFor();
    await page.getByRole('button', { name: 'Introspect' }).click();
    await page.getByTestId('action-result').getByText('Introspection: not active').waitFor();
    await shot('token-actions');
  });

  test("a wrong secret shows the server's error in the panel", async () => {
    await createProfile('Wrong secret', 'client_credentials');
    await page.locator('#client-id').fill('sandbox-basic');
    await page.locator('#secret-clientSecret').fill('this-is-not-the-secret');
    // Ctrl+Enter is "Get token".
    await page.keyboard.press('Control+Enter');
    const error = page.getByTestId('run-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The server refused the request');
    expect(await error.textContent()).toContain('invalid_client');
    expect((await error.getByTestId('error-description').textContent())?.length).toBeGreaterThan(0);
    await shot('server-error');
  });

  test('the filter stays usable with 5,000 profiles', async () => {
    // Seeded straight into the profile file (one write), as a fixture; the UI reads it like any other.
    const store = new Conf<{ groups: unknown[]; profiles: ConnectionProfile[] }>({ cwd: join(dir, 'data'), configName: 'profiles', accessPropertiesByDotNotation: false });
    const groups = store.get('groups') as Array<{ id: string }>;
    const bulk = { id: 'bulk-group', name: 'Bulk', defaults: {} };
    const profiles = store.get('profiles');
    for (let i = 0; i < 5000; i++) {
      profiles.push(ConnectionProfileSchema.parse({ id: `bulk-${i}`, name: `bulk-${String(i).padStart(4, '0')}`, groupId: bulk.id, grantType: 'client_credentials', clientId: `client-${i}` }));
    }
    store.set({ groups: [...groups, bulk], profiles });
    await page.reload();
    const count = page.getByTestId('profile-count');
    await count.getByText('5003 profiles').waitFor();
    // Virtualised: a screenful of rows in the DOM, not thousands.
    expect(await page.getByTestId('profile-row').count()).toBeLessThan(100);

    await page.keyboard.press('Control+K');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Filter profiles');
    await page.keyboard.type('bulk-4242');
    await count.getByText('1 of 5003').waitFor();
    const rows = page.getByTestId('profile-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('bulk-4242');
    await rows.first().click();
    await page.getByTestId('profile-title').filter({ hasText: 'bulk-4242' }).waitFor();
    await shot('filter-5000');

    await page.getByLabel('Filter profiles').fill('');
    await count.getByText('5003 profiles').waitFor();
  });

  test('keystore and history screens', async () => {
    await page.getByRole('button', { name: 'Keystore' }).click();
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.locator('#key-alias-input').fill('e2e-signing');
    await page.locator('#key-alg-input').selectOption('ES256');
    await page.getByTestId('key-form').getByRole('button', { name: 'OK' }).click();
    await page.getByTestId('key-row').filter({ hasText: 'e2e-signing' }).waitFor();
    await page.getByRole('button', { name: 'JWKS' }).click();
    await page.getByText('e2e-signing.jwks.json').waitFor();
    expect(await page.content()).not.toMatch(/"d"\s*:/);
    await shot('keystore');

    await page.getByRole('button', { name: 'History' }).click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await page.getByTestId('history-row').count()).toBeGreaterThanOrEqual(3);
    await shot('history');

    // The light theme follows the OS the same way.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Filter profiles').fill('Sandbox service');
    await page.getByTestId('profile-row').filter({ hasText: 'Sandbox service' }).click();
    await page.getByTestId('report-summary').waitFor();
    await shot('token-view-light');
  });
});
