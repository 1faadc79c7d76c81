import { createPrivateKey } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { Keystore } from '../../electron/keystore/keystore';
import { profileSecretAccount } from '../../electron/secrets/secret-store';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';
import { createOpensslFixtures, P12_PASSWORD, PKCS8_PASSPHRASE, type OpensslFixtures } from './openssl-fixtures';

let fx: OpensslFixtures;
let env: KeychainEnv;

beforeAll(() => {
  fx = createOpensslFixtures();
});
afterAll(() => fx.cleanup());
beforeEach(async () => {
  env = await createKeychainEnv();
});
afterEach(async () => env.cleanup());

/**
 * Ways private bytes could sit in a file: raw, hex, and base64/base64url at
 * each of the three alignments they can take inside a longer encoding (a PEM
 * body, a JSON string). Only private JWK members are used: public parts (n, x,
 * the certificate) legitimately appear in the metadata.
 */
function leakPatterns(privateMember: string): { text: string[]; bytes: Buffer } {
  const bytes = Buffer.from(privateMember, 'base64url');
  const text = [privateMember, bytes.toString('hex')];
  for (const shift of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Skip the characters the padding bytes influence, keep a run long enough to be unambiguous.
    const run = b64.slice(4, 4 + 24);
    text.push(run, Buffer.from(run, 'base64').toString('base64url'));
  }
  return { text, bytes };
}

it('secrets and private keys appear nowhere in plaintext in the data dir', async () => {
  const keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
  const clientSecret = 'cs-plaintext-canary-0a1b2c3d';
  const refreshToken = `rt-plaintext-canary-${'r'.repeat(3000)}`;
  await env.secrets.set(profileSecretAccount('p1', 'clientSecret'), clientSecret);
  await env.secrets.set(profileSecretAccount('p1', 'refreshToken'), refreshToken);

  await keystore.import({ data: fx.text('enc.pem'), passphrase: PKCS8_PASSPHRASE, alias: 'enc' });
  await keystore.import({ data: fx.read('ec-chain.p12'), passphrase: P12_PASSWORD, alias: 'p12' });
  await keystore.import({ data: JSON.stringify({ ...(await exportJWK(createPrivateKey(fx.text('ed25519.pem')))), kid: 'jwk-kid' }), alias: 'jwk' });
  await keystore.generate({ alias: 'rsa4096', alg: 'RS256', modulusLength: 4096 });
  await keystore.generate({ alias: 'ec', alg: 'ES256' });

  const forbidden: string[] = [clientSecret, 'rt-plaintext-canary', PKCS8_PASSPHRASE, P12_PASSWORD, 'PRIVATE KEY'];
  const forbiddenBytes: Buffer[] = [];
  for (const alias of ['enc', 'p12', 'jwk', 'rsa4096', 'ec']) {
    const jwk = await keystore.exportPrivate(alias, { confirm: true, format: 'jwk' });
    // The detector must recognise the key as a PEM, or a pass below would mean nothing.
    const pem = await keystore.exportPrivate(alias, { confirm: true });
    expect(leakPatterns(jwk.d!).text.some((pattern) => pem.replace(/\n/g, '').includes(pattern))).toBe(true);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      if (!jwk[member]) continue;
      const { text, bytes } = leakPatterns(jwk[member]!);
      forbidden.push(...text);
      forbiddenBytes.push(bytes);
    }
  }

  const entries = await readdir(env.dataDir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  expect(files.map((f) => f.slice(env.dataDir.length + 1)).sort()).toEqual(['keystore.json', 'vault.json']);
  for (const file of files) {
    const content = await readFile(file);
    for (const encoding of ['utf8', 'latin1', 'utf16le'] as const) {
      const text = content.toString(encoding);
      for (const needle of forbidden) expect(text.includes(needle) ? needle : undefined, `${file} (${encoding}) contains private material`).toBeUndefined();
    }
    for (const bytes of forbiddenBytes) expect(content.includes(bytes), `${file} contains raw private bytes`).toBe(false);
    expect((await stat(file)).mode & 0o077, `${file} is readable by others`).toBe(0);
  }
  // The keystore file holds references only.
  const keystoreJson = JSON.parse(await readFile(join(env.dataDir, 'keystore.json'), 'utf8'));
  for (const record of keystoreJson.keys) {
    expect(record.privateKeyRef).toBe(`key:${record.alias}`);
    expect(record.publicJwk).not.toHaveProperty('d');
  }
});
