import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

/** What electron-builder is told to do with the Electron binary: fuses that keep it from becoming a Node runtime. */
describe('electron-builder.yml', () => {
  const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, any>;

  test('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // ASAR integrity needs the archive: packaging into a plain folder would disable it silently.
    expect(config.asar).not.toBe(false);
  });

  test('registers no redirect scheme at install time beyond the app\'s own', () => {
    expect(config.protocols).toEqual([{ name: 'Token Workbench redirect', schemes: ['dev.tokenworkbench'] }]);
  });
});
