import { createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { CompactEncrypt, importJWK, SignJWT, type JWK } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeSerious, horizontalOverflow, SCREENSHOTS, openWorkbench, startHarness, type Harness } from './harness';

/**
 * The workbench's shell in browser mode (issue 12): layout from 900×640 up, keyboard use of the
 * sidebar, dialogs and menus, the Inspector, the theme switch, the shortcuts sheet, the icon, and an
 * axe-core scan (WCAG 2.2 A/AA) of every screen in both themes at 1440×900 and 900×640, with a
 * screenshot of each in test/screenshots/.
 */
let h: Harness;
let context: BrowserContext;
let page: Page;
const API_RESOURCE = 'https://api.sandbox.test';
let accessToken = '';

beforeAll(async () => {
  h = await startHarness();
  ({ context, page } = await openWorkbench(h, { width: 1440, height: 900 }));
}, 180_000);

afterAll(async () => {
  await h?.close();
});

const activeLabel = () => page.evaluate(() => {
  const el = (globalThis as any).document.activeElement;
  return el ? el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent?.trim() ?? el.textContent?.trim() ?? el.tagName : null;
});
const focusInside = (selector: string) => page.evaluate((s) => Boolean((globalThis as any).document.querySelector(s)?.contains((globalThis as any).document.activeElement)), selector);

async function newProfile(name: string, grant = 'client_credentials') {
  await page.getByRole('button', { name: '+ Profile', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection profile' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Grant type').selectOption(grant);
  await dialog.getByLabel('Name').press('Enter');
  await page.getByTestId('profile-title').filter({ hasText: name }).waitFor();
}

describe.sequential('the shell in browser mode', { timeout: 120_000 }, () => {
  test('the favicon and the app icon are served', async () => {
    for (const [path, type] of [['/favicon.ico', 'image/x-icon'], ['/icon.svg', 'image/svg+xml']] as const) {
      const res = await fetch(`${h.server.origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
    }
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('./icon.svg');
  });

  test('dialogs trap focus, close on Escape and give focus back to the opener', async () => {
    const opener = page.getByRole('button', { name: '+ Group', exact: true });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New connection group' });
    await dialog.waitFor();
    expect(await activeLabel()).toBe('Name');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInside('[role="dialog"]'), `Tab ${i + 1} left the dialog`).toBe(true);
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInside('[role="dialog"]'), `Shift+Tab ${i + 1} left the dialog`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await activeLabel()).toBe('+ Group');

    // The same dialog by keyboard only: type, Enter submits.
    await page.keyboard.press('Enter');
    await page.keyboard.type('Sandbox');
    await page.keyboard.press('Tab');
    await page.keyboard.type(h.sandbox.issuer);
    await page.keyboard.press('Enter');
    await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).waitFor();
  });

  // Item 3 at the window's minimum size first (where the sidebar narrows), then at 1440×900, where the tests after these run.
  for (const [width, height] of [
    [900, 640],
    [1440, 900],
  ] as const) {
    test(`${width}×${height}: the filter: ArrowDown / ArrowUp highlight matching profiles, Enter opens one`, async () => {
      await page.setViewportSize({ width, height });
      if (width === 900) for (const name of ['Alpha service', 'Beta service', 'Gamma web']) await newProfile(name);
      await page.keyboard.press('Control+K');
      expect(await activeLabel()).toBe('Filter profiles');
      await page.keyboard.type('service');
      await page.getByTestId('profile-count').getByText('2 of 3').waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const highlighted = page.locator('.vrow.highlighted');
      expect(await highlighted.textContent()).toContain('Beta service');
      expect(await page.getByLabel('Filter profiles').getAttribute('aria-activedescendant')).toBe(await highlighted.getAttribute('id'));
      await page.keyboard.press('ArrowUp');
      expect(await highlighted.textContent()).toContain('Alpha service');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByTestId('profile-title').filter({ hasText: 'Beta service' }).waitFor();
      // Escape clears the filter.
      await page.getByLabel('Filter profiles').press('Escape');
      await page.getByTestId('profile-count').getByText('3 profiles').waitFor();
    });

    test(`${width}×${height}: the profile tree: rows take focus, arrows move, Enter opens, Shift+F10 opens the row menu with Open`, async () => {
      const first = page.getByTestId('profile-row').filter({ hasText: 'Alpha service' });
      await first.focus();
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toContain('Beta service');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByTestId('profile-title').filter({ hasText: 'Gamma web' }).waitFor();
      // Focus is visible on the row.
      const outline = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.activeElement).outlineStyle);
      expect(outline).not.toBe('none');
      // ← goes to the group, → back into it.
      await page.keyboard.press('ArrowLeft');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-testid'))).toBe('group-row');
      await page.keyboard.press('ArrowLeft');
      expect(await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('ArrowRight');
      expect(await page.getByTestId('group-row').filter({ hasText: 'Sandbox' }).getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('ArrowDown');

      await page.keyboard.press('Shift+F10');
      const menu = page.getByRole('menu');
      await menu.waitFor();
      expect(await page.getByRole('menuitem').first().textContent()).toBe('Open');
      expect(await activeLabel()).toBe('Open');
      await page.keyboard.press('ArrowDown');
      expect(await activeLabel()).toBe('Rename…');
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toContain('Alpha service');
      await page.keyboard.press('Shift+F10');
      await page.keyboard.press('Enter');
      await page.getByTestId('profile-title').filter({ hasText: 'Alpha service' }).waitFor();

      // Rename from the menu: the dialog returns focus to the row it came from.
      await page.getByTestId('profile-row').filter({ hasText: 'Alpha service' }).focus();
      await page.keyboard.press('F2');
      const rename = page.getByRole('dialog', { name: 'Rename profile' });
      await rename.waitFor();
      await page.keyboard.press('Escape');
      await rename.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toContain('Alpha service');
      expect(await horizontalOverflow(page)).toEqual({ page: 0, main: 0 });
    });
  }

  test('a token for the screens that follow (client credentials against the sandbox)', async () => {
    await page.getByTestId('profile-row').filter({ hasText: 'Alpha service' }).click();
    await page.locator('#client-id').fill('sandbox-basic');
    await page.locator('#secret-clientSecret').fill(h.sandbox.clients['sandbox-basic']!.client_secret!);
    await page.locator('#resource').fill(API_RESOURCE);
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByTestId('report-summary').waitFor();
    accessToken = (await page.getByTestId('raw-token').textContent()) ?? '';
    expect(accessToken.split('.')).toHaveLength(3);
  });

  // Items 14 and 15 at the window's minimum size, then at 1440×900, where the screens below start.
  for (const [width, height] of [
    [900, 640],
    [1440, 900],
  ] as const) {
    test(`${width}×${height}: the Inspector decodes a pasted JWT with times in words and verifies it against the issuer`, async () => {
      await page.setViewportSize({ width, height });
      // Opened afresh (its inputs live as long as the screen is shown).
      await page.getByRole('button', { name: 'Keystore' }).click();
      await page.getByRole('button', { name: 'Inspector' }).click();
      expect(await page.getByRole('button', { name: 'Inspector' }).getAttribute('aria-current')).toBe('page');
      await page.getByLabel(/Token \(JWT or JWE\)/).fill(accessToken);
      const claims = page.getByTestId('inspector-claims');
      await claims.waitFor();
      expect(await claims.textContent()).toContain('sandbox-basic');
      // relativeTime (shared/token/claims.ts) says "now" within a second: a token pasted the second it was issued.
      expect(await claims.getByTestId('claim-time').first().textContent()).toMatch(/\((in \d+ \w+|\d+ \w+ ago|now)\)$/);

      await page.getByLabel('Key source').selectOption('issuer');
      await page.getByLabel('Issuer', { exact: true }).fill(h.sandbox.issuer);
      await page.getByLabel('Expected audience (optional)').fill(API_RESOURCE);
      await page.getByLabel('Token kind').selectOption('access');
      await page.keyboard.press('Control+Enter');
      await page.getByTestId('report-summary').waitFor();
      expect(await page.getByTestId('report-summary').textContent()).toBe('valid');
      expect(await page.locator('[data-check="signature"]').getAttribute('data-status')).toBe('passed');

      // The wrong audience fails the report.
      await page.getByLabel('Expected audience (optional)').fill('https://someone-else.example');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('report-summary').filter({ hasText: 'not valid' }).waitFor();
      expect(await horizontalOverflow(page)).toEqual({ page: 0, main: 0 });
    });

    test(`${width}×${height}: the Inspector verifies with a shared secret and decrypts a JWE with a keystore key`, async () => {
      const secret = 'a-shared-secret-of-at-least-32-bytes!';
      const hs = await new SignJWT({ sub: 'someone' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').setIssuer('https://hs.example').setAudience('api://hs').sign(new TextEncoder().encode(secret));
      await page.getByLabel(/Token \(JWT or JWE\)/).fill(hs);
      await page.getByTestId('inspector-claims').getByText('someone').waitFor();
      await page.getByLabel('Token kind').selectOption('any');
      await page.getByLabel('Key source').selectOption('secret');
      await page.getByLabel('Expected issuer (optional)').fill('https://hs.example');
      // Without an expected audience, aud is "not checked": the report says so rather than "valid".
      await page.getByLabel('Expected audience (optional)').fill('');
      await page.getByLabel('Shared secret').fill('not the secret');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('[data-check="signature"][data-status="failed"]').waitFor();
      await page.getByLabel('Shared secret').fill(secret);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('report-summary').filter({ hasText: /partly checked: aud not checked/ }).waitFor();
      await page.getByLabel('Expected audience (optional)').fill('api://hs');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('report-summary').filter({ hasText: /^valid$/ }).waitFor();

      // A JWE addressed to a keystore key, wrapping the sandbox's access token.
      await h.service.handlers.generateKey({ alias: `jwe-recipient-${width}`, alg: 'RS256' });
      const jwk = JSON.parse((await h.service.handlers.exportKey({ alias: `jwe-recipient-${width}`, format: 'jwk' })).text) as JWK;
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' }) as KeyObject;
      void importJWK;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(accessToken)).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' }).encrypt(publicKey);
      await page.getByRole('button', { name: 'Keystore' }).click();
      await page.getByRole('button', { name: 'Inspector' }).click();
      await page.getByLabel(/Token \(JWT or JWE\)/).fill(jwe);
      await page.getByTestId('inspector-format').getByText('JWE (encrypted)').waitFor();
      await page.getByLabel('Decrypt with keystore key').selectOption(`jwe-recipient-${width}`);
      await page.getByLabel('Key source').selectOption('jwksUrl');
      await page.getByLabel('JWKS URL').fill(`${h.sandbox.issuer}/jwks`);
      await page.getByLabel('Expected issuer (optional)').fill(h.sandbox.issuer);
      await page.getByLabel('Expected audience (optional)').fill(API_RESOURCE);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('inspector-decrypted').waitFor();
      expect(await page.getByTestId('inspector-decrypted').textContent()).toContain('nested JWT');
      expect(await page.getByTestId('inspector-claims').textContent()).toContain('sandbox-basic');
      await page.getByTestId('report-summary').filter({ hasText: /^valid$/ }).waitFor();
      // The private key never reached the page.
      expect(await page.content()).not.toMatch(/"d"\s*:/);
      expect(await horizontalOverflow(page)).toEqual({ page: 0, main: 0 });
      expect(await axeSerious(page)).toEqual([]);
    });

    test(`${width}×${height}: the theme switch: light, dark or system, remembered across reloads`, async () => {
      const theme = () => page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme);
      expect(await theme()).toBe('light');
      await page.getByLabel('Theme').selectOption('dark');
      expect(await theme()).toBe('dark');
      const bg = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor);
      expect(bg).toBe('rgb(22, 24, 29)');
      expect(await horizontalOverflow(page)).toEqual({ page: 0, main: 0 });
      // What a user sees after a reload (wherever the app keeps the choice): the dark page, "Dark" in the switch.
      await page.reload();
      await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
      await expect.poll(theme).toBe('dark');
      await expect.poll(() => page.getByLabel('Theme').inputValue()).toBe('dark');
      await page.getByLabel('Theme').selectOption('system');
      expect(await theme()).toBe('light');
      await page.reload();
      await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
      await expect.poll(() => page.getByLabel('Theme').inputValue()).toBe('system');
      // "System" follows the OS as it changes.
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(theme).toBe('dark');
      // "Light" chosen on a dark OS stays light across a reload.
      await page.getByLabel('Theme').selectOption('light');
      expect(await theme()).toBe('light');
      await page.reload();
      await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
      await expect.poll(() => page.getByLabel('Theme').inputValue()).toBe('light');
      await expect.poll(theme).toBe('light');
      // Back to "System" for the screens below, which switch the OS's scheme.
      await page.getByLabel('Theme').selectOption('system');
      await expect.poll(theme).toBe('dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(theme).toBe('light');
    });

    test(`${width}×${height}: "?" opens the shortcuts sheet listing every shortcut; not while typing`, async () => {
      await page.getByLabel('Filter profiles').focus();
      await page.keyboard.type('?');
      expect(await page.getByRole('dialog').count()).toBe(0);
      await page.getByLabel('Filter profiles').fill('');
      await page.getByRole('button', { name: 'History' }).focus();
      await page.keyboard.press('?');
      const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await sheet.waitFor();
      const text = (await sheet.textContent()) ?? '';
      for (const keys of ['Ctrl/Cmd + K', 'Ctrl/Cmd + Enter', 'Shift + F10', 'Escape', 'Enter in the filter']) expect(text).toContain(keys);
      // The whole sheet is on screen at this size, and the page behind it does not scroll sideways.
      const box = await sheet.boundingBox();
      expect(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height, `sheet ${JSON.stringify(box)} is cut at ${width}×${height}`).toBe(true);
      expect(await horizontalOverflow(page)).toEqual({ page: 0, main: 0 });
      expect(await axeSerious(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      expect(await activeLabel()).toBe('History');
      // Also from the footer's button.
      await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
      await sheet.waitFor();
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });
      expect(await activeLabel()).toBe('Keyboard shortcuts');
    });
  }

  /** Every screen, as a user reaches it; `name` goes into the screenshot's file name. */
  const SCREENS: Array<{ name: string; open: () => Promise<void> }> = [
    { name: 'home', open: async () => (await page.reload(), await page.getByRole('button', { name: '+ Group', exact: true }).waitFor()) },
    {
      name: 'profile-tokens',
      open: async () => {
        await page.getByTestId('profile-row').filter({ hasText: 'Alpha service' }).click();
        // Reopened after a reload: the tokens of the last run come back from history.
        await page.getByTestId('report-summary').waitFor();
        const before = await page.getByTestId('raw-token').textContent();
        // A new run of the form as a user fills it in (typed, unsaved edits do not outlive the reload).
        await page.locator('#client-id').fill('sandbox-basic');
        await page.locator('#secret-clientSecret').fill(h.sandbox.clients['sandbox-basic']!.client_secret!);
        await page.locator('#resource').fill(API_RESOURCE);
        await page.getByRole('button', { name: 'Get token' }).click();
        await expect.poll(() => page.getByTestId('raw-token').textContent()).not.toBe(before);
        await page.getByTestId('report-summary').waitFor();
        // Its tokens are in view, also where the results stack under the form (900×640).
        await expect
          .poll(async () => {
            const tab = await page.getByRole('tab', { name: 'Access token' }).boundingBox();
            return Boolean(tab && tab.y >= 0 && tab.y + tab.height <= page.viewportSize()!.height);
          })
          .toBe(true);
      },
    },
    {
      name: 'profile-exchange',
      open: async () => {
        await page.getByRole('tab', { name: 'Exchange' }).click();
        await page.getByRole('tab', { name: 'Exchange', selected: true }).waitFor();
        // The shorter tab does not leave a stacked window (900×640) scrolled past its own tab bar.
        await expect
          .poll(async () => {
            const tab = await page.getByRole('tab', { name: 'Exchange', selected: true }).boundingBox();
            return Boolean(tab && tab.y >= 0 && tab.y + tab.height <= page.viewportSize()!.height);
          })
          .toBe(true);
      },
    },
    { name: 'profile-api', open: async () => (await page.getByRole('tab', { name: 'API request' }).click(), await page.getByTestId('api-panel').waitFor()) },
    {
      name: 'inspector',
      open: async () => {
        await page.getByRole('tab', { name: 'Tokens' }).click();
        await page.getByRole('button', { name: 'Inspector' }).click();
        await page.getByLabel(/Token \(JWT or JWE\)/).fill(accessToken);
        await page.getByLabel('Key source').selectOption('issuer');
        await page.getByLabel('Issuer', { exact: true }).fill(h.sandbox.issuer);
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.getByTestId('report-summary').waitFor();
      },
    },
    { name: 'keystore', open: async () => (await page.getByRole('button', { name: 'Keystore' }).click(), await page.getByTestId('key-row').first().waitFor()) },
    { name: 'history', open: async () => (await page.getByRole('button', { name: 'History' }).click(), await page.getByTestId('history-row').first().waitFor()) },
    { name: 'import-export', open: async () => (await page.getByRole('button', { name: 'Import/Export' }).click(), await page.getByTestId('io-screen').waitFor()) },
    { name: 'new-profile-dialog', open: async () => (await page.getByRole('button', { name: '+ Profile', exact: true }).click(), await page.getByRole('dialog').waitFor()) },
    {
      name: 'shortcuts',
      open: async () => {
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      },
    },
  ];

  for (const [width, height] of [
    [1440, 900],
    [900, 640],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      test(`${width}×${height}, ${theme}: every screen has no horizontal scroll, no critical or serious axe finding; screenshots`, async () => {
        await page.keyboard.press('Escape');
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: theme });
        const problems: string[] = [];
        for (const screen of SCREENS) {
          await screen.open().catch(async (err: unknown) => {
            await page.screenshot({ path: join(SCREENSHOTS, `FAILED-${screen.name}-${theme}-${width}x${height}.png`) });
            throw err;
          });
          await page.waitForTimeout(100);
          await page.screenshot({ path: join(SCREENSHOTS, `${screen.name}-${theme}-${width}x${height}.png`) });
          const overflow = await horizontalOverflow(page);
          if (overflow.page > 0 || overflow.main > 0) problems.push(`${screen.name}: scrolls sideways by ${overflow.page} px (page) / ${overflow.main} px (main)`);
          for (const f of await axeSerious(page)) problems.push(`${screen.name}: ${f.impact} ${f.id} (${f.help}) at ${f.targets.join(' | ')}`);
        }
        await page.keyboard.press('Escape');
        expect(problems).toEqual([]);
      });
    }
  }

  test('at 900×640 the result tabs are whole and at 1440×900 each verification check is one line', async () => {
    await page.setViewportSize({ width: 900, height: 640 });
    await page.getByTestId('profile-row').filter({ hasText: 'Alpha service' }).click();
    await page.getByRole('tab', { name: 'Tokens' }).click();
    await page.getByTestId('report-summary').waitFor();
    for (const name of ['Tokens', 'Exchange', 'API request', 'Access token']) {
      const tab = page.getByRole('tab', { name });
      const fits = await tab.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= el.closest('.panel').getBoundingClientRect().right);
      expect(fits, `${name} tab is cut`).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    // Label and reason start on one line (a long reason wraps under itself, not under the label).
    const rows = await page.locator('.checks li').evaluateAll((items) =>
      items.map((li) => ({ id: li.getAttribute('data-check'), tops: [...li.children].map((c) => Math.round(c.getBoundingClientRect().top)) })),
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const { id, tops } of rows) expect(Math.max(...tops) - Math.min(...tops), `check ${id} is not on one line`).toBeLessThanOrEqual(2);
  });
});
