import { WorkbenchError } from '../../shared/errors';

/** Opens a URL the engine built in the user's browser. Electron passes `shell.openExternal`; the CLI the system opener. */
export type BrowserOpener = (url: string) => Promise<void>;

/**
 * `$BROWSER` (called with the URL as its one argument, no shell), else the
 * OS default: xdg-open, open, or `start` on Windows.
 */
export function systemBrowserOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BrowserOpener {
  return async (url) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new WorkbenchError('INVALID_INPUT', `refusing to open a ${parsed.protocol} URL in the browser`);
    const [command, args] = env.BROWSER
      ? [env.BROWSER, [url]]
      : platform === 'darwin'
        ? ['open', [url]]
        : platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
          : ['xdg-open', [url]];
    // Loaded here, not at the top: node:child_process costs every CLI start ~5 ms and most runs open no browser.
    const { spawn } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', (err) => reject(new WorkbenchError('BROWSER_FAILED', `the browser could not be started: "${command}" failed (${err.message}); set $BROWSER, or open the URL yourself`, { cause: err })));
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  };
}
