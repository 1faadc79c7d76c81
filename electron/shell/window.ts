import { join } from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions, Dialog } from 'electron';

/**
 * The Content-Security-Policy of every page the app shows: scripts and styles
 * only from the app itself (no inline script, no eval), no plugins, no
 * framing, network only back to the app's own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The part of the `electron` module the factory uses; passed in so a test can hand it a recording fake. */
export type WindowElectron = { BrowserWindow: typeof BrowserWindow; dialog: Pick<Dialog, 'showMessageBoxSync'> };

export interface MainWindowOptions {
  /** Absolute path of the built CJS preload. */
  preloadPath: string;
  /** The renderer's entry, on the app:// protocol. */
  url: string;
  /** Origin the window may stay on (app://bundle). */
  appOrigin: string;
  /** The window's icon (Linux and Windows title bar and task bar; macOS takes the bundle's): appIconPath(). */
  iconPath: string;
  title?: string;
}

/**
 * The app icon the window shows, in the built renderer (Vite copies renderer/public there): the package
 * holds dist/, not build/ where electron-builder's own icons are. scripts/build-icons.mjs renders both
 * from the one drawing.
 */
export function appIconPath(rendererDir: string): string {
  return join(rendererDir, 'icon.png');
}

/**
 * Creates the one application window with Electron's security checklist
 * applied (tutanota's ApplicationWindow style: `electron` is a parameter).
 * Everything the renderer could use to leave its box is shut here, in one
 * place the shell test inspects.
 */
export function createMainWindow(electron: WindowElectron, options: MainWindowOptions): BrowserWindow {
  const webPreferences: NonNullable<BrowserWindowConstructorOptions['webPreferences']> = {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
  const win = new electron.BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 640,
    title: options.title ?? 'Token Workbench',
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#1b1d22',
    icon: options.iconPath,
    webPreferences,
  });
  const contents = win.webContents;

  // No new windows: links the user wants opened go through main's openExternal for engine-built URLs only.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // The renderer is a single page; any navigation away from it (a link, a drop, a redirect) is refused.
  const denyNavigation = (event: { preventDefault(): void }, url: string) => {
    if (!isSameOrigin(url, options.appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', denyNavigation);
  contents.on('will-redirect', denyNavigation);
  contents.on('will-frame-navigate', (event) => {
    if (!isSameOrigin(event.url, options.appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  // Camera, notifications, clipboard-read, geolocation, …: the workbench needs none of them.
  const session = contents.session;
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);

  // The renderer refuses to unload while a profile has unsaved changes (its beforeunload); Chromium
  // would show its own prompt, Electron shows none and the close is silently cancelled. Ask, as a
  // browser does: closing discards the drafts only on the user's word (issue 12: no typed input lost).
  contents.on('will-prevent-unload', (event) => {
    const choice = electron.dialog.showMessageBoxSync(win, {
      type: 'question',
      title: 'Unsaved changes',
      message: 'Some profiles have changes that are not saved.',
      detail: 'Close anyway and lose them, or keep editing and save them first.',
      buttons: ['Close and lose changes', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    });
    // preventDefault here means "ignore the page's refusal": the window closes (or reloads).
    if (choice === 0) event.preventDefault();
  });

  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.url);
  return win;
}

/** Scheme + host + port; URL.origin is "null" for non-special schemes such as app://, so it cannot be compared. */
export function isSameOrigin(url: string, origin: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(origin);
    return a.protocol === b.protocol && a.host === b.host && a.host !== '';
  } catch {
    return false;
  }
}

/** What the IPC sender check reads from an invoke event and from our window. */
export interface SenderFacts {
  sender: unknown;
  senderFrame: { url: string } | null | undefined;
}

/**
 * Only our window's main frame, showing our bundle, may call the service:
 * not another window, not a subframe, not a page that got navigated
 * elsewhere (navigation is denied, this is the second lock).
 */
export function isTrustedSender(event: SenderFacts, win: { webContents: { mainFrame: unknown } } | undefined, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || !win || event.sender !== win.webContents) return false;
  if (frame !== win.webContents.mainFrame) return false;
  return isSameOrigin(frame.url, appOrigin);
}
