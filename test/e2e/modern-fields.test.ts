import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { runFlow } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { sandboxProfile, sandboxRun } from '../engine/fixtures';
import { authorizeAsUser } from '../support/scripted-user';

/**
 * Issue 14 leftovers in the UI, in Debian's chromium against browser mode and the sandbox: the id_token_hint,
 * request-object encryption key and PAR endpoint fields of the authorization-request section (typed text kept,
 * errors next to the field, a real run using them), and dynamic client registration from the request panel.
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
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-e2e-modern-fields-'));
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
  // 900 px wide: the fields must work there.
  context = await browser.newContext({ viewport: { width: 900, height: 1000 }, colorScheme: 'dark' });
  page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
  await page.getByRole('button', { name: '+ Group', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection group' });
  await dialog.getByLabel('Name').fill('Sandbox');
  await dialog.getByLabel('Default issuer (optional)').fill(sandbox.issuer);
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).waitFor();
}, 180_000);

afterAll(async () => {
  await service?.handlers.clearHistory({}).catch(() => undefined);
  await browser?.close();
  await server?.close();
  await service?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function createProfile(name: string, grant = 'authorization_code'): Promise<void> {
  await page.getByRole('button', { name: '+ Profile', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection profile' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Grant type').selectOption(grant);
  await dialog.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('profile-title').filter({ hasText: name }).waitFor();
}

/** The user signs in at the sandbox in a real page of the same browser. */
async function userSignsIn(url: string): Promise<void> {
  const user = await context.newPage();
  await user.goto(url);
  const done = user.getByText('Token Workbench received the response');
  const signIn = user.locator('#username');
  const allow = user.getByRole('button', { name: 'Allow' });
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

const fieldError = (id: string) => page.locator(`[data-testid="field-error"][data-field="${id}"]`);

describe.sequential('authorization request fields and registration', { timeout: 120_000 }, () => {
  test('PAR endpoint, request-object encryption key and id_token_hint: errors next to each field, typed text kept, then a run that uses them', async () => {
    // An ID token the sandbox issued to this client earlier: the hint a user would paste.
    const earlier = await runFlow(await sandboxRun(sandbox, sandboxProfile(sandbox, 'sandbox-par', 'authorization_code', { scopes: ['openid'], authorizationRequest: { par: 'on' } })), {
      openBrowser: async (url) => void authorizeAsUser(sandbox, url).catch(() => undefined),
    });
    const idToken = earlier.tokens.id_token!;
    expect(idToken).toBeTruthy();

    await createProfile('PAR hint app');
    await page.getByRole('button', { name: 'Discover' }).click();
    await page.getByTestId('server-supports').waitFor();
    await page.locator('#client-id').fill('sandbox-par');
    await page.locator('#secret-clientSecret').fill(sandbox.clients['sandbox-par']!.client_secret!);
    const scope = page.getByLabel('Add scope');
    await scope.fill('openid');
    await scope.press('Enter');
    const section = page.getByTestId('authorization-request-section');
    await section.getByText('Authorization request: PAR').click();

    // PAR endpoint: keyboard only, a wrong URL is said next to the field and kept as typed.
    await section.getByLabel('Pushed authorization request (PAR)').selectOption('on');
    const parField = section.getByLabel('PAR endpoint (override)');
    await parField.focus();
    await page.keyboard.type('ftp://nope');
    await fieldError('ar-par-endpoint').waitFor();
    expect(await fieldError('ar-par-endpoint').textContent()).toContain('http(s) URL');
    expect(await parField.inputValue()).toBe('ftp://nope');
    expect(await parField.getAttribute('aria-invalid')).toBe('true');
    const discovered = (await (await fetch(`${sandbox.issuer}/.well-known/openid-configuration`)).json()) as { pushed_authorization_request_endpoint: string };
    // The same endpoint with a marker in its query: the run must go where the field says, not where discovery said.
    const override = `${discovered.pushed_authorization_request_endpoint}?via=override`;
    await parField.fill(override);
    await fieldError('ar-par-endpoint').waitFor({ state: 'detached' });

    // Request-object encryption key: shown for "signed and encrypted"; a private key is refused in place.
    await section.getByLabel('Request object (JAR)').selectOption('encrypted');
    const encKey = section.getByLabel('Request object encryption key (public JWK)');
    const privateJwk = '{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"secret"}';
    await encKey.fill(privateJwk);
    await fieldError('ar-jar-enc-key').waitFor();
    expect(await fieldError('ar-jar-enc-key').textContent()).toContain('"d" is private key material');
    expect(await encKey.inputValue()).toBe(privateJwk);
    await encKey.fill('{"kty":"EC","crv":"P-256","x":"a","y":"b","use":"enc"}');
    await fieldError('ar-jar-enc-key').waitFor({ state: 'detached' });
    expect(await section.getByLabel('Key encryption (alg)').isVisible()).toBe(true);
    // Back to no request object: the run below is plain PAR.
    await encKey.fill('');
    await section.getByLabel('Request object (JAR)').selectOption('off');
    await expect.poll(() => encKey.count()).toBe(0);

    // id_token_hint: not a JWT → the error sits next to it, and Get token goes there instead of sending.
    const hint = section.getByLabel('id_token_hint (this run only, not saved)');
    await hint.fill('not a token');
    await fieldError('ar-id-token-hint').waitFor();
    await page.getByRole('button', { name: 'Get token' }).click();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('ar-id-token-hint');
    expect(await hint.inputValue()).toBe('not a token');

    const axe = await new AxeBuilder({ page }).include('[data-testid="authorization-request-section"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id)).toEqual([]);

    await hint.fill(`${idToken}\n`);
    await fieldError('ar-id-token-hint').waitFor({ state: 'detached' });
    const authorizationUrl = nextOpenedUrl();
    await page.getByRole('button', { name: 'Get token' }).click();
    const url = new URL(await authorizationUrl);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    await userSignsIn(url.href);
    await page.getByTestId('token-view').waitFor();

    // The exchange view: PAR went to the typed endpoint and carried the hint.
    await page.getByRole('tab', { name: 'Exchange' }).click();
    const pushed = page.getByTestId('exchange-request').filter({ hasText: 'pushed authorization request' });
    await pushed.click();
    const detail = await page.getByTestId('exchange-detail').textContent();
    expect(detail).toContain('via=override');
    expect(detail).toContain('id_token_hint');
    await page.getByRole('tab', { name: 'Tokens' }).click();

    // The hint is a run input: saving the profile keeps the PAR endpoint, never the token.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = (await service.handlers.listWorkspace({})).profiles.find((p) => p.name === 'PAR hint app')!;
    expect(saved.authorizationRequest.parEndpoint).toBe(override);
    expect(JSON.stringify(saved)).not.toContain(idToken);
  });

  test('dynamic client registration from the request panel: registered, saved as a profile with its secret in the keychain, and it gets a token', async () => {
    await createProfile('Registrar', 'client_credentials');
    await page.getByRole('button', { name: 'Discover' }).click();
    await page.getByTestId('server-supports').waitFor();
    const section = page.getByTestId('registration-section');
    await section.getByText('Register a new client at this server…').click();
    await section.getByLabel('New profile name').fill('Registered app');
    await section.getByLabel('Initial access token').fill(sandbox.registration.initialAccessToken);
    await section.getByLabel('Client authentication').selectOption('client_secret_basic');
    // Only client credentials: this client needs no redirect.
    await section.getByLabel('Authorization code').uncheck();
    await section.getByLabel('Refresh token').uncheck();
    await section.getByLabel('Client credentials').check();

    const axe = await new AxeBuilder({ page }).include('[data-testid="registration-section"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id)).toEqual([]);

    await section.getByRole('button', { name: 'Register and save as a profile' }).click();
    const result = page.getByTestId('registration-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Saved as profile “Registered app”');
    const response = JSON.parse((await result.locator('pre').textContent()) ?? '{}') as { client_id: string; client_secret?: string; registration_access_token?: string };
    expect(response.client_id).toBeTruthy();
    // The secrets went to the keychain: the page shows where they are, never their values.
    expect(response.client_secret).toBe('[keychain]');
    expect(response.registration_access_token).toBe('[keychain]');

    // The new profile is in the list; it runs with the secret the keychain holds.
    await page.getByTestId('profile-row').filter({ hasText: 'Registered app' }).first().click();
    await page.getByTestId('profile-title').filter({ hasText: 'Registered app' }).waitFor();
    expect(await page.locator('#client-id').inputValue()).toBe(response.client_id);
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByTestId('token-view').waitFor();
  });
});
