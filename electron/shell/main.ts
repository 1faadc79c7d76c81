import * as electron from 'electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { channelOf, EVENT_CHANNEL, OPERATION_NAMES } from '../../shared/ipc-names';
import { dispatch } from '../app/dispatch';
import { openAppService } from '../app/open';
import { readRendererFile } from '../app/renderer-files';
import type { AppService } from '../app/service';
import { dataDir } from '../storage/paths';
import { CustomSchemeRegistry } from './scheme-registry';
import { appIconPath, CONTENT_SECURITY_POLICY, createMainWindow, isSameOrigin, isTrustedSender } from './window';

/**
 * Electron main: the only module (with the preload) that imports `electron`.
 * It owns the window, the app:// protocol, the single-instance lock, the
 * private-use URI schemes, and the IPC handlers — one per operation of the
 * contract, all going through the same `dispatch` the browser bridge uses.
 */
const { app, BrowserWindow, dialog, ipcMain, protocol, shell } = electron;

const APP_SCHEME = 'app';
/** The redirect scheme electron-builder.yml's `protocols` registers at install time. */
const INSTALLER_REDIRECT_SCHEME = 'dev.tokenworkbench';
const APP_ORIGIN = `${APP_SCHEME}://bundle`;
const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = resolve(here, '..', 'renderer');
const preloadPath = join(here, 'preload.cjs');

// Must happen before `ready`: app:// behaves like https (secure context, fetch, relative URLs).
// codeCache: V8 keeps the compiled renderer between launches, as it does for http(s) but, per Electron's
// docs, not for a custom scheme unless asked (start-up, issue 12; needs `standard`).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

let mainWindow: electron.BrowserWindow | undefined;
let service: AppService | undefined;
/** Custom-scheme redirects that arrived before the service was ready (cold start via the URL). */
const earlyRedirects: string[] = [];

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data dir and the keychain session; it gets our argv via 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    for (const arg of argv) handleRedirectUrl(arg);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  // macOS delivers private-use scheme URLs here instead of argv.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleRedirectUrl(url);
  });
  for (const arg of process.argv.slice(1)) if (looksLikeCustomSchemeUrl(arg)) earlyRedirects.push(arg);

  // Defence in depth for every web contents, including any created by surprise.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.on('will-navigate', (e, url) => {
      if (!isSameOrigin(url, APP_ORIGIN)) e.preventDefault();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void service?.close();
  });

  // Never an app holding the single-instance lock with no window: a start that fails says why and exits.
  void app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Token Workbench cannot start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, serveRenderer);

  service = openAppService({
    dataDir: dataDir(),
    mode: 'electron',
    version: app.getVersion(),
    // Only main opens the system browser, and only for URLs the engine built (authorization, verification, logout).
    openBrowser: async (url) => {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`refusing to open a ${parsed.protocol} URL`);
      await shell.openExternal(parsed.toString());
    },
  });
  registerCustomSchemes(service);
  service.onEvent((event) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, event);
    // A profile saved with a custom-scheme redirect must be able to receive it from now on.
    if (event.type === 'workspace.changed') registerCustomSchemes(service as AppService);
  });

  for (const name of OPERATION_NAMES) {
    ipcMain.handle(channelOf(name), async (event, arg: unknown) => {
      if (!isTrustedSender(event, mainWindow, APP_ORIGIN)) return { ok: false, error: { code: 'INVALID_INPUT', message: 'IPC from an untrusted frame refused' } };
      return dispatch((service as AppService).handlers, name, arg);
    });
  }

  mainWindow = createMainWindow({ BrowserWindow, dialog }, { preloadPath, url: `${APP_ORIGIN}/index.html`, appOrigin: APP_ORIGIN, iconPath: appIconPath(rendererDir) });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  for (const url of earlyRedirects.splice(0)) handleRedirectUrl(url);
}


/** app://bundle/<path> → dist/renderer/<path>, never outside it. */
async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'bundle') return new Response('not found', { status: 404 });
  const file = await readRendererFile(rendererDir, url.pathname);
  if (!file) return new Response('not found', { status: 404 });
  return new Response(file.body, {
    headers: {
      'content-type': file.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

/** Private-use URI schemes (RFC 8252 §7.1) the user turned on for a profile: claimed while used, released after. */
function registerCustomSchemes(svc: AppService): void {
  schemeRegistry ??= new CustomSchemeRegistry(app, {
    stateFile: join(dataDir(), 'registered-schemes.json'),
    ...(process.defaultApp && process.argv[1] ? { launch: { path: process.execPath, args: [resolve(process.argv[1])] } } : {}),
    permanent: [INSTALLER_REDIRECT_SCHEME],
  });
  schemeRegistry.reconcile(svc.customRedirectSchemes());
}
let schemeRegistry: CustomSchemeRegistry | undefined;

function looksLikeCustomSchemeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:/i.test(value);
}

function handleRedirectUrl(value: string): void {
  if (!looksLikeCustomSchemeUrl(value)) return;
  if (!service) {
    earlyRedirects.push(value);
    return;
  }
  service.deliverRedirect(value);
}
