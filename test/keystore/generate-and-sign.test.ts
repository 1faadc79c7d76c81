import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signAssertion } from '../../electron/engine/assertion';
import { Keystore, privateKeyAccount } from '../../electron/keystore/keystore';
import { VAULT_FILE_NAME } from '../../electron/secrets/vault';
import { ASYMMETRIC_SIGNING_ALGS } from '../../shared/grants';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';

let env: KeychainEnv;
let keystore: Keystore;

beforeEach(async () => {
  env = await createKeychainEnv();
  keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
});
afterEach(async () => env.cleanup());

const claims = { iss: 'client-1', sub: 'client-1', aud: 'https://as.example/token', lifetimeSeconds: 120 };

describe('generate', () => {
  it.each([
    ['ES256', { keyType: 'EC', curve: 'P-256' }],
    ['ES384', { keyType: 'EC', curve: 'P-384' }],
    ['ES512', { keyType: 'EC', curve: 'P-521' }],
    ['EdDSA', { keyType: 'OKP', curve: 'Ed25519' }],
    ['RS256', { keyType: 'RSA', modulusLength: 2048 }],
  ] as const)('generates a %s key', async (alg, expected) => {
    const info = await keystore.generate({ alias: `gen-${alg}`, alg });
    expect(info).toMatchObject({ ...expected, alg, source: 'generated', chain: [] });
    expect(info.publicJwk).toMatchObject({ kid: info.kid, alg, use: 'sig' });
    expect(Object.keys(info.publicJwk)).not.toContain('d');
    expect(await keystore.list()).toHaveLength(1);
  });

  it.each([3072, 4096] as const)('generates an RSA-%i key', async (modulusLength) => {
    const info = await keystore.generate({ alias: `rsa${modulusLength}`, alg: 'PS512', modulusLength });
    expect(info).toMatchObject({ modulusLength, alg: 'PS512', algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] });
  });
});

describe('signing with every algorithm, verified with jose against the exported public JWK', () => {
  it('signs and verifies RS256/384/512 and PS256/384/512 with one RSA key', async () => {
    await keystore.generate({ alias: 'rsa', alg: 'RS256' });
    const jwk = await keystore.exportPublicJwk('rsa');
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
      const signing = await keystore.getSigningKey('rsa', alg);
      const jwt = await signAssertion({ claims }, signing);
      const { protectedHeader, payload } = await jwtVerify(jwt, await importJWK({ ...jwk, alg }, alg), { algorithms: [alg], audience: claims.aud });
      expect(protectedHeader).toMatchObject({ alg, kid: jwk.kid, typ: 'JWT' });
      expect(payload.sub).toBe('client-1');
    }
  });

  it.each(['ES256', 'ES384', 'ES512', 'EdDSA'] as const)('signs and verifies %s', async (alg) => {
    await keystore.generate({ alias: 'k', alg });
    const jwt = await signAssertion({ claims }, await keystore.getSigningKey('k'));
    const jwk = await keystore.exportPublicJwk('k');
    const { protectedHeader } = await jwtVerify(jwt, await importJWK(jwk, alg), { algorithms: [alg] });
    expect(protectedHeader.alg).toBe(alg);
  });

  it('refuses an algorithm the key cannot sign with', async () => {
    await keystore.generate({ alias: 'ec', alg: 'ES256' });
    await expect(keystore.getSigningKey('ec', 'ES384')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(keystore.getSigningKey('ec', 'HS256')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('covers every asymmetric algorithm the workbench lists', async () => {
    await keystore.generate({ alias: 'rsa', alg: 'RS256' });
    await keystore.generate({ alias: 'p256', alg: 'ES256' });
    await keystore.generate({ alias: 'p384', alg: 'ES384' });
    await keystore.generate({ alias: 'p521', alg: 'ES512' });
    await keystore.generate({ alias: 'ed', alg: 'EdDSA' });
    const covered = new Set((await keystore.list()).flatMap((k) => k.algorithms));
    expect([...covered].sort()).toEqual([...ASYMMETRIC_SIGNING_ALGS].sort());
  });
});

describe('large keys go through the vault', () => {
  it('stores a 4096-bit RSA key in the vault, not directly in the keychain, and reads it back', async () => {
    await keystore.generate({ alias: 'big', alg: 'RS512', modulusLength: 4096 });
    expect(await env.keychain.get(privateKeyAccount('big'))).toBeUndefined();
    const vault = JSON.parse(await readFile(join(env.dataDir, VAULT_FILE_NAME), 'utf8'));
    expect(vault.entries.map((e: { account: string }) => e.account)).toEqual([privateKeyAccount('big')]);
    expect(await env.secrets.list()).toEqual([privateKeyAccount('big')]);

    const signing = await keystore.getSigningKey('big');
    const jwt = await signAssertion({ claims }, signing);
    const { protectedHeader } = await jwtVerify(jwt, await importJWK(await keystore.exportPublicJwk('big'), 'RS512'));
    expect(protectedHeader.alg).toBe('RS512');
    expect(createPublicKey(await keystore.exportPrivate('big', { confirm: true })).asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  it('keeps small keys directly in the keychain', async () => {
    await keystore.generate({ alias: 'small', alg: 'ES256' });
    expect(await env.keychain.get(privateKeyAccount('small'))).toContain('BEGIN PRIVATE KEY');
  });
});

describe('metadata', () => {
  it('lets the kid and default algorithm be edited', async () => {
    await keystore.generate({ alias: 'k', alg: 'RS256' });
    await keystore.setKid('k', 'kid-registered-at-idp');
    await keystore.setAlg('k', 'PS256');
    const signing = await keystore.getSigningKey('k');
    expect(signing).toMatchObject({ kid: 'kid-registered-at-idp', alg: 'PS256' });
    expect((await keystore.show('k')).updatedAt).toBeDefined();
  });

  it('is shared with another Keystore instance over the same data dir (the CLI and the app)', async () => {
    await keystore.generate({ alias: 'shared', alg: 'ES256' });
    const other = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
    expect((await other.show('shared')).alg).toBe('ES256');
    expect(other.metadataPath).toBe(join(env.dataDir, 'keystore.json'));
  });

  it('deletes a key and its secret', async () => {
    await keystore.generate({ alias: 'gone', alg: 'ES256' });
    await keystore.delete('gone');
    expect(await keystore.list()).toEqual([]);
    expect(await env.secrets.list()).toEqual([]);
    await expect(keystore.show('gone')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(keystore.getSigningKey('gone')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });
});
