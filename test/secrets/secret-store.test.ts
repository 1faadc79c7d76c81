import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYCHAIN_VALUE_LIMIT_BYTES, openSecretStore } from '../../electron/secrets/open-secret-store';
import { dataNotices } from '../../electron/storage/damaged-files';
import { profileSecretAccount } from '../../electron/secrets/secret-store';
import { VAULT_FILE_NAME, VAULT_MASTER_KEY_ACCOUNT } from '../../electron/secrets/vault';
import { createKeychainEnv, type KeychainEnv } from './keychain-env';

let env: KeychainEnv;
beforeEach(async () => {
  env = await createKeychainEnv();
});
afterEach(async () => env.cleanup());

const readVault = async () => JSON.parse(await readFile(join(env.dataDir, VAULT_FILE_NAME), 'utf8'));
const large = (marker: string) => `${marker}:${randomBytes(3000).toString('base64')}`;

describe('KeytarSecretStore (the real keychain)', () => {
  it('stores, lists, reads and deletes a secret', async () => {
    const account = profileSecretAccount('p1', 'clientSecret');
    await env.keychain.set(account, 's3cr3t-ü-✓');
    expect(await env.keychain.get(account)).toBe('s3cr3t-ü-✓');
    expect(await env.keychain.list()).toEqual([account]);
    expect(await env.keychain.delete(account)).toBe(true);
    expect(await env.keychain.get(account)).toBeUndefined();
    expect(await env.keychain.delete(account)).toBe(false);
  });

  it('keeps services apart', async () => {
    const other = await createKeychainEnv();
    try {
      await env.keychain.set('same-account', 'mine');
      expect(await other.keychain.get('same-account')).toBeUndefined();
    } finally {
      await other.cleanup();
    }
  });
});

describe('openSecretStore (keychain with vault)', () => {
  it('ensure-empty-secret-is-refused-clearly-and-changes-nothing', async () => {
    await env.secrets.set('kept', 'value-before');
    await expect(env.secrets.set('kept', '')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'an empty value is not stored as a secret (kept)' });
    expect(await env.secrets.get('kept')).toBe('value-before');
  });

  it('keeps small secrets in the keychain and writes no vault', async () => {
    await env.secrets.set('small', 'x'.repeat(KEYCHAIN_VALUE_LIMIT_BYTES));
    expect(await env.keychain.get('small')).toHaveLength(KEYCHAIN_VALUE_LIMIT_BYTES);
    await expect(stat(join(env.dataDir, VAULT_FILE_NAME))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('puts large secrets in the vault, encrypted, with a master key in the keychain', async () => {
    const value = large('BIG');
    await env.secrets.set('big', value);
    expect(await env.secrets.get('big')).toBe(value);
    expect(await env.keychain.get('big')).toBeUndefined();
    expect(await env.keychain.get(VAULT_MASTER_KEY_ACCOUNT)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const vault = await readVault();
    expect(vault).toMatchObject({ version: 1, cipher: 'aes-256-gcm' });
    expect(vault.entries).toHaveLength(1);
    const text = await readFile(join(env.dataDir, VAULT_FILE_NAME), 'utf8');
    expect(text).not.toContain(value.slice(4, 60));
    expect((await stat(join(env.dataDir, VAULT_FILE_NAME))).mode & 0o777).toBe(0o600);
    expect(await env.secrets.list()).toEqual(['big']);
  });

  it('moves a secret between keychain and vault as its size changes', async () => {
    await env.secrets.set('moving', large('A'));
    await env.secrets.set('moving', 'small now');
    expect(await env.keychain.get('moving')).toBe('small now');
    expect((await readVault()).entries).toEqual([]);
    await env.secrets.set('moving', large('B'));
    expect(await env.keychain.get('moving')).toBeUndefined();
    expect(await env.secrets.get('moving')).toMatch(/^B:/);
    expect(await env.secrets.delete('moving')).toBe(true);
    expect(await env.secrets.get('moving')).toBeUndefined();
    expect(await env.secrets.list()).toEqual([]);
  });

  it('reserves the master key account', async () => {
    await expect(env.secrets.set(VAULT_MASTER_KEY_ACCOUNT, 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(env.secrets.set('', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('vault-entry-moved-to-another-account-fails-to-decrypt', async () => {
    await env.secrets.set('alice', large('ALICE'));
    await env.secrets.set('bob', large('BOB'));
    const vault = await readVault();
    const [alice, bob] = vault.entries;
    // Swap ciphertexts: the account name is the AAD, so a moved entry must not decrypt.
    vault.entries = [{ ...alice, iv: bob.iv, tag: bob.tag, ciphertext: bob.ciphertext }, bob];
    await writeFile(join(env.dataDir, VAULT_FILE_NAME), JSON.stringify(vault));
    await expect(env.secrets.get('alice')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(await env.secrets.get('bob')).toMatch(/^BOB:/);
  });

  it('vault-entry-with-tampered-ciphertext-fails-to-decrypt', async () => {
    await env.secrets.set('t', large('T'));
    const vault = await readVault();
    const bytes = Buffer.from(vault.entries[0].ciphertext, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    vault.entries[0].ciphertext = bytes.toString('base64');
    await writeFile(join(env.dataDir, VAULT_FILE_NAME), JSON.stringify(vault));
    await expect(env.secrets.get('t')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('vault-with-truncated-tag-is-refused', async () => {
    await env.secrets.set('t', large('T'));
    const vault = await readVault();
    vault.entries[0].tag = Buffer.from(vault.entries[0].tag, 'base64').subarray(0, 4).toString('base64');
    await writeFile(join(env.dataDir, VAULT_FILE_NAME), JSON.stringify(vault));
    await expect(env.secrets.get('t')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('vault-whose-master-key-was-removed-reports-it-and-is-not-rekeyed', async () => {
    await env.secrets.set('orphan', large('O'));
    await env.keychain.delete(VAULT_MASTER_KEY_ACCOUNT);
    // Really absent (the keychain is reachable and unlocked): its own code, and no advice to delete the vault.
    const fresh = openSecretStore({ dataDir: env.dataDir, service: env.service });
    await expect(fresh.get('orphan')).rejects.toMatchObject({ code: 'KEYCHAIN_ITEM_MISSING' });
    await expect(fresh.set('another', large('N'))).rejects.toMatchObject({ code: 'KEYCHAIN_ITEM_MISSING', message: expect.not.stringMatching(/delete/i) });
    expect(await env.keychain.get(VAULT_MASTER_KEY_ACCOUNT)).toBeUndefined();
  });

  it('vault-file-that-is-not-a-vault-is-moved-aside-with-a-notice', async () => {
    const damaged = JSON.stringify({ entries: { a: 1 } });
    await writeFile(join(env.dataDir, VAULT_FILE_NAME), damaged);
    const value = large('X');
    await env.secrets.set('x', value);
    expect(await env.secrets.get('x')).toBe(value);
    const notice = dataNotices(env.dataDir).find((n) => n.file === join(env.dataDir, VAULT_FILE_NAME));
    expect(notice?.message).toMatch(/vault\.json was damaged .* moved aside to vault\.json\.damaged-/);
    expect(await readFile(notice!.backup, 'utf8')).toBe(damaged);
  });

  it('serialises concurrent writes so none is lost', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => env.secrets.set(`c${i}`, large(`C${i}`))));
    expect(await env.secrets.list()).toEqual(Array.from({ length: 8 }, (_, i) => `c${i}`));
  });
});

describe('keychainServiceFor', () => {
  it('gives each data directory but the default its own keychain service', async () => {
    const { keychainServiceFor } = await import('../../electron/secrets/open-secret-store');
    const { dataDir } = await import('../../electron/storage/paths');
    const env = { HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/.config' };
    expect(keychainServiceFor(dataDir(env), env)).toBe('Token Workbench');
    expect(keychainServiceFor('/tmp/env-a', env)).toBe('Token Workbench (/tmp/env-a)');
    expect(keychainServiceFor('/tmp/env-a', env)).not.toBe(keychainServiceFor('/tmp/env-b', env));
  });
});
