import { WorkbenchError } from '../../shared/errors';

/** Opens a URL the engine built in the user's browser. Electron passes `shell.openExternal`; the CLI the system opener. */
export type BrowserOpener = (url: string) => Promise<void>;

/**
 * Characters cmd.exe and Windows' argument parsing treat specially that have
 * no meaning of their own in a URL past the normalisation of `new URL()`:
 * percent-encoding them keeps the URL the same resource and leaves nothing
 * for any shell that may still see it to interpret. `&`, `=`, `?`, `#`, `%`
 * carry URL syntax and are left alone; no shell is involved on any platform.
 */
const WINDOWS_METACHARACTERS = /[|^"<>`!'()\s\\]/g;

/**
 * The program and arguments that open `url`, without a shell on any platform:
 * `$BROWSER` (the URL as its one argument), else xdg-open, open, or on Windows
 * `rundll32 url.dll,FileProtocolHandler` (ShellExecute on the URL, as
 * `start` would do, but not through cmd.exe). Only http(s) URLs are opened;
 * the URL is normalised first so what runs is exactly what was checked.
 */
export function openerCommand(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WorkbenchError('INVALID_INPUT', 'refusing to open something that is not a URL in the browser');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new WorkbenchError('INVALID_INPUT', `refusing to open a ${parsed.protocol} URL in the browser`);
  const href = parsed.href;
  if (env.BROWSER) return { command: env.BROWSER, args: [href] };
  if (platform === 'darwin') return { command: 'open', args: [href] };
  if (platform === 'win32') {
    const safe = href.replace(WINDOWS_METACHARACTERS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', safe] };
  }
  return { command: 'xdg-open', args: [href] };
}

export function systemBrowserOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BrowserOpener {
  return async (url) => {
    const { command, args } = openerCommand(url, env, platform);
    // Loaded here, not at the top: node:child_process costs every CLI start ~5 ms and most runs open no browser.
    const { spawn } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      // shell: false (the default) on every platform; windowsVerbatimArguments stays off so Node quotes each argument.
      const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
      child.once('error', (err) =>
        reject(new WorkbenchError('BROWSER_UNAVAILABLE', `the browser could not be started with "${command}": ${err.message}; set $BROWSER or open the URL yourself`, { cause: err })),
      );
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  };
}
