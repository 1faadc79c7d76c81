import { describe, expect, it } from 'vitest';
import { openerCommand } from '../../electron/engine/browser';
import { WorkbenchError } from '../../shared/errors';

/** The opener runs programs with URLs a server chose (verification_uri, authorization endpoints): no shell, ever. */
describe('openerCommand', () => {
  const hostile = [
    'http://host/x|calc.exe',
    'http://host/x&calc.exe',
    'https://host/a"b&c^d<e>f`g!h',
    "https://host/?q=1&r=%22&x=' & calc",
    'http://host/x%26calc',
    'https://host/a b\tc',
    'https://host/(x)\\y',
  ];

  it('ensure-windows-opener-runs-no-shell-and-leaves-no-cmd-metacharacter', () => {
    for (const url of hostile) {
      const { command, args } = openerCommand(url, {}, 'win32');
      expect(command).toBe('rundll32.exe');
      expect(args[0]).toBe('url.dll,FileProtocolHandler');
      expect(args).toHaveLength(2);
      // Nothing cmd.exe or the Windows argument parser acts on survives (& stays: URL syntax, and no cmd runs).
      expect(args[1]).not.toMatch(/[|^"<>`!'()\s\\]/);
      // Still the same web resource: the normalised URL parses to the same origin.
      expect(new URL(args[1]!).origin).toBe(new URL(url).origin);
    }
  });

  it('passes the normalised URL as one argument elsewhere', () => {
    expect(openerCommand('http://host/x|calc.exe', {}, 'linux')).toEqual({ command: 'xdg-open', args: ['http://host/x|calc.exe'] });
    expect(openerCommand('HTTPS://Host/a b', {}, 'darwin')).toEqual({ command: 'open', args: ['https://host/a%20b'] });
    expect(openerCommand('https://host/', { BROWSER: '/usr/bin/firefox' }, 'linux')).toEqual({ command: '/usr/bin/firefox', args: ['https://host/'] });
  });

  it('ensure-non-web-urls-are-never-opened', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:', 'calc.exe', '\\\\server\\share', 'data:text/html,x']) {
      for (const platform of ['win32', 'linux', 'darwin'] as const) {
        expect(() => openerCommand(url, {}, platform)).toThrow(WorkbenchError);
      }
    }
  });
});
