import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script of the install, without types
import { diagnoseKeychainBinding } from '../../scripts/check-keychain-binding.mjs';

/** The postinstall check, run for real: keytar loads here; a folder without it and a pkg-config without libsecret stand for a bare machine. */
describe('install check of the keychain binding', () => {
  test('says nothing when keytar loads', () => {
    expect(diagnoseKeychainBinding()).toBeUndefined();
  });

  test('ensure-missing-libsecret-prints-the-one-command-that-fixes-it', () => {
    const bare = mkdtempSync(join(tmpdir(), 'tokenbench-bare-'));
    const message = diagnoseKeychainBinding({ platform: 'linux', resolveFrom: pathToFileURL(join(bare, 'x.mjs')).href, env: { ...process.env, PKG_CONFIG_LIBDIR: bare, PKG_CONFIG_PATH: bare } }) as string;
    expect(message).toContain('sudo apt-get install libsecret-1-dev');
    expect(message).toContain('sudo dnf install libsecret-devel');
    expect(message).not.toMatch(/gyp/i);
  });

  test('with libsecret present, points at the rebuild that shows why', () => {
    const bare = mkdtempSync(join(tmpdir(), 'tokenbench-bare-'));
    const message = diagnoseKeychainBinding({ platform: 'linux', resolveFrom: pathToFileURL(join(bare, 'x.mjs')).href }) as string;
    expect(message).toContain('npm rebuild keytar');
  });
});
