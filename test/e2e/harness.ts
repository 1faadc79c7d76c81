import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';

/**
 * Browser mode for an e2e file: the renderer built by Vite, the real service (real keychain)
 * behind the web bridge, the sandbox authorization server, and Debian's Chromium.
 */
export interface Harness {
  dir: string;
  sandbox: SandboxHandle;
  service: AppService;
  server: WebServer;
  browser: Browser;
  opened: string[];
  close(): Promise<void>;
}

export const SCREENSHOTS = resolve('test/screenshots');

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenbench-e2e-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const rendererDir = join(dir, 'renderer');
  const { build } = await import('vite');
  await build({ configFile: resolve('renderer/vite.config.mjs'), build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false }, logLevel: 'error' });
  const sandbox = await startSandbox();
  const opened: string[] = [];
  const service = openAppService({
    dataDir: join(dir, 'data'),
    mode: 'web',
    version: 'e2e',
    keychainService: `tokenbench-e2e-${randomUUID()}`,
    openBrowser: async (url) => void opened.push(url),
  });
  const server = await startWebServer({ service, rendererDir });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    dir,
    sandbox,
    service,
    server,
    browser,
    opened,
    async close() {
      await service.handlers.clearHistory({}).catch(() => undefined);
      for (const k of await service.handlers.listKeys({}).catch(() => [])) await service.handlers.deleteKey({ alias: k.alias }).catch(() => undefined);
      await browser.close();
      await server.close();
      await service.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser context (light theme) on browser mode, the workbench loaded: its "+ Group" button is shown. */
export async function openWorkbench(h: Harness, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(h.server.url);
  await page.getByRole('button', { name: '+ Group', exact: true }).waitFor();
  return { context, page };
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core with the WCAG 2.0/2.1/2.2 A and AA rules; returns the critical and serious findings. */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact as string, help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`) }));
}

/** Horizontal overflow of the page and of the main area (a sideways scroll a user would see). */
export async function horizontalOverflow(page: Page): Promise<{ page: number; main: number }> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document.scrollingElement;
    const main = (globalThis as any).document.querySelector('main');
    return { page: doc.scrollWidth - doc.clientWidth, main: main ? main.scrollWidth - main.clientWidth : 0 };
  });
}
