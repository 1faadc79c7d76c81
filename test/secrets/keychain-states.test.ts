import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyKeychainError } from '../../electron/secrets/keytar-secret-store';
import { runCli, tempHome } from '../cli/run-cli';
import { buildChild } from '../support/build-child';

const run = promisify(execFile);
let workDir: string;
let child: string;
const repo = resolve(import.meta.dirname, '../..');

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'tokenbench-locked-'));
  child = await buildChild(join(import.meta.dirname, 'locked-keychain-child.ts'), workDir);
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type Attempt = { code?: string; message: string; ok?: boolean };
const LOCKED = /unlock your keychain and retry/;

describe('a locked keychain (the login collection locked over D-Bus) is never mistaken for missing data', () => {
  let r: Record<string, Attempt & Record<string, unknown>>;
  beforeAll(async () => {
    // Its own D-Bus session and gnome-keyring (with-keyring.sh starts one when none is set), so the lock touches no other test.
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.TOKENBENCH_IN_KEYRING;
    const { stdout } = await run('bash', [join(repo, 'scripts/with-keyring.sh'), process.execPath, child, join(workDir, 'root'), repo], { env, timeout: 90_000, maxBuffer: 4 << 20 });
    r = JSON.parse(stdout.trim().split('\n').pop() as string);
  }, 120_000);

  it('ensure-really-absent-items-are-reported-as-missing-without-advice-to-delete-data', () => {
    expect(r.absentProfileSecret).toMatchObject({ code: 'KEYCHAIN_ITEM_MISSING', message: expect.stringMatching(/client secret of profile "gone-p" is missing.*enter it again/) });
    expect(r.absentProfileSecret!.message).not.toMatch(/delete/i);
    expect(r.absentKey).toMatchObject({ code: 'KEYCHAIN_ITEM_MISSING', message: expect.stringMatching(/private key of "gone-key" is missing/) });
  });

  it('ensure-every-read-of-a-locked-keychain-fails-with-KEYCHAIN_LOCKED', () => {
    for (const name of ['getToken', 'profileSecrets', 'historyTokens', 'signingKey', 'vaultRead', 'keychainList', 'keychainDelete', 'newVaultKey', 'newKey']) {
      expect(r[name], name).toMatchObject({ code: 'KEYCHAIN_LOCKED', message: expect.stringMatching(LOCKED) });
      expect(r[name]!.message, name).not.toMatch(/delete|missing|import the key again|needs a client secret/i);
    }
  });

  it('ensure-no-vault-master-key-is-created-while-the-keychain-is-locked', () => {
    expect(r.newVaultKey!.code).toBe('KEYCHAIN_LOCKED');
    expect(r.freshVaultWritten).toBe(false);
  });

  it('ensure-cli-profiles-save-with-a-locked-keychain-stores-nothing', () => {
    const save = r.cliSave as unknown as { code: number; stderr: string; profileWritten: boolean };
    expect(save.code).toBe(1);
    expect(save.stderr).toMatch(LOCKED);
    expect(save.profileWritten).toBe(false);
    const token = r.cliToken as unknown as { code: number; stderr: string };
    expect(token.code).toBe(1);
    expect(token.stderr).toMatch(LOCKED);
  });
});

describe('no keychain reachable', () => {
  it('ensure-cli-profiles-save-without-a-keychain-stores-nothing', async () => {
    const home = tempHome();
    const res = await runCli(['profiles', 'save', 'p', 'https://as.example', '--client-id', 'c', '--client-secret', 's', '--grant-type', 'client_credentials'], {
      home,
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No OS keychain is reachable/);
    const file = join(home, 'profiles.json');
    expect(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).profiles : []).toEqual([]);
  });
});

describe('keychain failures sorted by the platforms’ messages', () => {
  it.each([
    ['Cannot create an item in a locked collection', 'KEYCHAIN_LOCKED'],
    ['User interaction is not allowed.', 'KEYCHAIN_LOCKED'],
    ['User canceled the operation.', 'KEYCHAIN_ACCESS_DENIED'],
    ['Access is denied.', 'KEYCHAIN_ACCESS_DENIED'],
    ['org.freedesktop.DBus.Error.AccessDenied: not allowed', 'KEYCHAIN_ACCESS_DENIED'],
    ['Could not connect: No such file or directory', 'KEYCHAIN_UNAVAILABLE'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_UNAVAILABLE'],
  ])('%s → %s', (message, code) => {
    const err = classifyKeychainError(new Error(message));
    expect(err.code).toBe(code);
    if (code === 'KEYCHAIN_LOCKED') expect(err.message).toMatch(LOCKED);
    expect(err.message).not.toMatch(/delete/i);
  });
});
