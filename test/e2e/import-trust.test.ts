import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { ProfileDraftSchema } from '../../shared/ipc';
import { startCaptureServer, type CaptureServer } from '../support/capture-server';

/**
 * Issue 11 in the UI: the import plan with per-item decisions, the warning
 * that a replace clears secrets, and the review of an imported profile's key
 * alias and claims before it signs — by keyboard, in Debian's chromium,
 * against browser mode with the real service, keychain and sandbox.
 */
const SCREENSHOTS = resolve('test/screenshots');
let dir: string;
let sandbox: SandboxHandle;
let capture: CaptureServer;
let service: AppService;
let server: WebServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-e2e-import-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const rendererDir = join(dir, 'renderer');
  const { build } = await import('vite');
  await build({ configFile: resolve('renderer/vite.config.mjs'), build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false }, logLevel: 'error' });
  sandbox = await startSandbox();
  capture = await startCaptureServer();
  service = openAppService({ dataDir: join(dir, 'data'), mode: 'web', version: 'e2e', keychainService: `tokenbench-e2e-${randomUUID()}`, openBrowser: async () => undefined });
  server = await startWebServer({ service, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await (await browser.newContext({ viewport: { width: 900, height: 900 }, colorScheme: 'light' })).newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
}, 180_000);

afterAll(async () => {
  await service?.handlers.clearHistory({}).catch(() => undefined);
  for (const k of (await service?.handlers.listKeys({}).catch(() => [])) ?? []) await service.handlers.deleteKey({ alias: k.alias }).catch(() => undefined);
  await browser?.close();
  await server?.close();
  await service?.close();
  await sandbox?.close();
  await capture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Axe over this feature's own screen parts (the sidebar's light-theme `.active` contrast belongs to the UI work, not here). */
async function expectAccessible(selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  const bad = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function chooseFile(name: string, doc: unknown) {
  await page.getByLabel('Connections file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
}

describe.sequential('import trust in the UI', { timeout: 120_000 }, () => {
  test('the plan shows a conflict with its changes; replacing is chosen by keyboard and clears the stored secret', async () => {
    const h = service.handlers;
    const profile = await h.saveProfile(ProfileDraftSchema.parse({ name: 'billing', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic' }));
    await h.setProfileSecret({ profileId: profile.id, name: 'clientSecret', value: sandbox.clients['sandbox-basic']!.client_secret! });
    await page.reload();
    await page.getByRole('button', { name: 'Import/Export' }).click();
    const doc = {
      format: 'tokenbench-connections',
      version: 1,
      groups: [],
      profiles: [
        { id: profile.id, name: 'billing', discovery: false, grantType: 'client_credentials', clientId: 'sandbox-basic', endpoints: { token: `${capture.url}/token` } },
        { id: 'other', name: 'reporting', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-post' },
      ],
    };
    await chooseFile('colleague.json', doc);
    const plan = page.getByTestId('import-plan');
    await plan.waitFor();
    // Focus moves to the plan so a keyboard or screen-reader user lands on it.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('import-plan-heading');
    const conflict = page.getByTestId('import-item').filter({ hasText: 'same id as existing "billing"' });
    await conflict.getByText('What replacing changes').click();
    expect(await conflict.locator('table').textContent()).toContain('endpoints.token');
    expect(await conflict.getByTestId('import-clears').textContent()).toContain('"billing"');
    await expectAccessible('[data-testid="io-screen"]');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-plan.png'), fullPage: true });

    // Keyboard: focus the default choice, arrow to "Replace".
    await conflict.getByRole('radio', { name: 'Import as a new copy' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await conflict.getByRole('radio', { name: 'Replace "billing"' }).isChecked()).toBe(true);
    await page.getByTestId('import-apply').focus();
    await page.keyboard.press('Enter');
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await page.getByTestId('import-cleared').textContent()).toContain('billing');
    expect(await report.textContent()).toContain('1 new, 1 replaced');
    expect(await service.handlers.getProfileSecrets({ profileId: profile.id })).toContainEqual({ name: 'clientSecret', set: false });
    await expectAccessible('[data-testid="io-screen"]');
  });

  test('a file with one invalid profile cannot be imported, and says why', async () => {
    await chooseFile('broken.json', {
      format: 'tokenbench-connections',
      version: 1,
      groups: [],
      profiles: [
        { id: 'a', name: 'fine', grantType: 'client_credentials' },
        { id: 'b', name: 'broken', grantType: 'nope' },
      ],
    });
    await page.getByTestId('import-invalid').waitFor();
    expect(await page.getByTestId('import-item').filter({ hasText: 'broken' }).textContent()).toContain('Grant type');
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  test('an imported jwt-bearer profile shows its key alias and claims and signs only after confirmation', async () => {
    const key = await service.handlers.generateKey({ alias: `ui-import-${process.pid}`, alg: 'ES256' });
    await chooseFile('partner.json', {
      format: 'tokenbench-connections',
      version: 1,
      groups: [],
      profiles: [
        {
          id: 'jb',
          name: 'partner batch',
          issuer: sandbox.issuer,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          clientId: 'sandbox-private-key-jwt',
          clientAuth: { method: 'private_key_jwt', keyAlias: key.alias },
          jwtBearerClaims: { sub: 'batch', exp: 4_102_444_800 },
        },
      ],
    });
    await page.getByTestId('import-plan').waitFor();
    await page.getByTestId('import-apply').click();
    await page.getByTestId('import-report').waitFor();
    await page.getByText('partner batch', { exact: true }).first().click();
    const banner = page.getByTestId('import-review');
    await banner.waitFor();
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByTestId('run-error').waitFor();
    expect(await page.getByTestId('run-error').textContent()).toContain('Review the imported settings first');

    await page.getByTestId('import-review-open').focus();
    await page.keyboard.press('Enter');
    await banner.getByRole('heading', { name: 'What your keys will be used for' }).waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain(key.alias);
    expect(text).toContain('4102444800');
    await expectAccessible('[data-testid="import-review"]');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-review.png'), fullPage: true });
    await banner.getByTestId('import-review-confirm').click();
    await banner.waitFor({ state: 'detached' });
    const jb = (await service.handlers.listWorkspace({})).profiles.find((p) => p.name === 'partner batch')!;
    expect(jb.imported?.confirmed).toBe(true);
  });
});
