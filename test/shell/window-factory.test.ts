import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { appIconPath, CONTENT_SECURITY_POLICY, createMainWindow, isSameOrigin, isTrustedSender, type WindowElectron } from '../../electron/shell/window';

/**
 * The window factory gets `electron` as a parameter; here it gets a
 * recording stand-in for Electron's API. What is under test is our factory —
 * which options it asks for and which handlers it installs — not Electron.
 */
type Listener = (...args: unknown[]) => unknown;

function recordingElectron() {
  const record = {
    options: undefined as Record<string, any> | undefined,
    loaded: [] as string[],
    contentsListeners: new Map<string, Listener[]>(),
    windowOpenHandler: undefined as Listener | undefined,
    permissionRequestHandler: undefined as Listener | undefined,
    permissionCheckHandler: undefined as Listener | undefined,
    devicePermissionHandler: undefined as Listener | undefined,
  };
  class FakeBrowserWindow {
    webContents = {
      setWindowOpenHandler: (h: Listener) => (record.windowOpenHandler = h),
      on: (event: string, l: Listener) => {
        record.contentsListeners.set(event, [...(record.contentsListeners.get(event) ?? []), l]);
      },
      session: {
        setPermissionRequestHandler: (h: Listener) => (record.permissionRequestHandler = h),
        setPermissionCheckHandler: (h: Listener) => (record.permissionCheckHandler = h),
        setDevicePermissionHandler: (h: Listener) => (record.devicePermissionHandler = h),
      },
    };
    constructor(options: Record<string, unknown>) {
      record.options = options;
    }
    once() {}
    show() {}
    async loadURL(url: string) {
      record.loaded.push(url);
    }
  }
  const dialog = {
    answer: 1,
    shown: [] as Array<Record<string, unknown>>,
    showMessageBoxSync: (_win: unknown, opts: Record<string, unknown>) => {
      dialog.shown.push(opts);
      return dialog.answer;
    },
  };
  return { electron: { BrowserWindow: FakeBrowserWindow, dialog } as unknown as WindowElectron, record, dialog };
}

const options = { preloadPath: '/app/dist/electron/preload.cjs', url: 'app://bundle/index.html', appOrigin: 'app://bundle', iconPath: '/app/dist/renderer/icon.png' };

function fire(record: ReturnType<typeof recordingElectron>['record'], event: string, ...args: unknown[]): boolean {
  let prevented = false;
  const e = { preventDefault: () => (prevented = true), url: args[0] };
  for (const l of record.contentsListeners.get(event) ?? []) l(e, ...args);
  return prevented;
}

describe('main window factory', () => {
  test('a page refusing to unload (unsaved profiles) gets a dialog: closing loses the changes only when the user says so', () => {
    const { electron, record, dialog } = recordingElectron();
    createMainWindow(electron, options);
    dialog.answer = 1; // Keep editing (also Escape: cancelId)
    expect(fire(record, 'will-prevent-unload')).toBe(false);
    expect(dialog.shown[0]).toMatchObject({ buttons: ['Close and lose changes', 'Keep editing'], defaultId: 1, cancelId: 1 });
    dialog.answer = 0; // Close and lose changes
    expect(fire(record, 'will-prevent-unload')).toBe(true);
    expect(dialog.shown).toHaveLength(2);
  });

  test('the window has the app icon (issue 12 item 16), from the built renderer the package holds', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    expect(record.options?.icon).toBe(options.iconPath);
    // The path main passes: in the built renderer, where Vite copies renderer/public; the source is a real PNG.
    expect(appIconPath('/app/dist/renderer')).toBe('/app/dist/renderer/icon.png');
    const source = appIconPath(resolve('renderer/public'));
    expect(existsSync(source)).toBe(true);
    expect(readFileSync(source).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  test('web preferences: context isolation, sandbox and web security on, node integration off', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    const prefs = record.options?.webPreferences;
    expect(prefs).toMatchObject({
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      webSecurity: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(record.loaded).toEqual(['app://bundle/index.html']);
  });

  test('the window never gets smaller than the 900×640 the layout is tested at', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    expect(record.options).toMatchObject({ minWidth: 900, minHeight: 640 });
  });

  test('ensure-new-windows-are-denied', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    expect(record.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(record.windowOpenHandler?.({ url: 'app://bundle/index.html' })).toEqual({ action: 'deny' });
  });

  test('ensure-navigation-away-from-the-app-is-denied', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'not a url']) {
      expect(fire(record, 'will-navigate', url), url).toBe(true);
      expect(fire(record, 'will-redirect', url), url).toBe(true);
      expect(fire(record, 'will-frame-navigate', url), url).toBe(true);
    }
    expect(fire(record, 'will-navigate', 'app://bundle/index.html')).toBe(false);
  });

  test('ensure-webviews-cannot-be-attached', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    expect(fire(record, 'will-attach-webview')).toBe(true);
  });

  test('ensure-permission-requests-are-denied', () => {
    const { electron, record } = recordingElectron();
    createMainWindow(electron, options);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      record.permissionRequestHandler?.({}, permission, (g: boolean) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(record.permissionCheckHandler?.({}, permission)).toBe(false);
    }
    expect(record.devicePermissionHandler?.({})).toBe(false);
  });

  test('the content security policy allows no inline script and no eval', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  test('ensure-origin-check-does-not-treat-every-custom-scheme-as-same-origin', () => {
    // URL.origin is "null" for app:// URLs; comparing it would make any custom scheme "same origin".
    expect(isSameOrigin('evil://bundle/', 'app://bundle')).toBe(false);
    expect(isSameOrigin('app://bundle.evil/', 'app://bundle')).toBe(false);
    expect(isSameOrigin('app://bundle/x/y', 'app://bundle')).toBe(true);
  });
});

describe('IPC sender check', () => {
  const mainFrame = { url: 'app://bundle/index.html' };
  const webContents = { mainFrame };
  const win = { webContents };

  test('our window’s main frame on the bundle is trusted', () => {
    expect(isTrustedSender({ sender: webContents, senderFrame: mainFrame }, win, 'app://bundle')).toBe(true);
  });

  test('ensure-ipc-from-another-webcontents-is-refused', () => {
    expect(isTrustedSender({ sender: { mainFrame }, senderFrame: mainFrame }, win, 'app://bundle')).toBe(false);
  });

  test('ensure-ipc-from-a-subframe-is-refused', () => {
    expect(isTrustedSender({ sender: webContents, senderFrame: { url: 'app://bundle/index.html' } }, win, 'app://bundle')).toBe(false);
  });

  test('ensure-ipc-from-a-foreign-origin-is-refused', () => {
    const foreign = { url: 'https://evil.example/' };
    expect(isTrustedSender({ sender: { mainFrame: foreign }, senderFrame: foreign }, { webContents: { mainFrame: foreign } }, 'app://bundle')).toBe(false);
  });

  test('ensure-ipc-without-a-frame-or-window-is-refused', () => {
    expect(isTrustedSender({ sender: webContents, senderFrame: null }, win, 'app://bundle')).toBe(false);
    expect(isTrustedSender({ sender: webContents, senderFrame: mainFrame }, undefined, 'app://bundle')).toBe(false);
  });
});
