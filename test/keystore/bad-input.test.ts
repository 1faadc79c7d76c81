import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keystore } from '../../electron/keystore/keystore';
import type { ErrorCode } from '../../shared/errors';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';
import { createOpensslFixtures, openssl, P12_PASSWORD, PKCS8_PASSPHRASE, type OpensslFixtures } from './openssl-fixtures';

let fx: OpensslFixtures;
let env: KeychainEnv;
let keystore: Keystore;

beforeAll(() => {
  fx = createOpensslFixtures();
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'rsa1024.pem'], fx.dir);
});
afterAll(() => fx.cleanup());
beforeEach(async () => {
  env = await createKeychainEnv();
  keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
  // One existing key with a certificate, so "unchanged" has something to compare.
  await keystore.import({ data: fx.text('rsa.pem') + fx.text('rsa.crt'), alias: 'existing' });
});
afterEach(async () => env.cleanup());

/** Everything a failed operation could have touched: metadata, keychain accounts and secrets, files. */
async function snapshot() {
  const files: Record<string, string> = {};
  for (const name of await readdir(env.dataDir)) files[name] = await readFile(join(env.dataDir, name), 'utf8');
  const accounts = await env.keychain.list();
  return {
    keys: await keystore.list(),
    accounts,
    values: await Promise.all(accounts.map((a) => env.keychain.get(a))),
    files,
  };
}

async function expectFailsUnchanged(work: () => Promise<unknown>, code: ErrorCode, message?: RegExp) {
  const before = await snapshot();
  const error = await work().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, 'operation should have failed').toBeDefined();
  expect(error).toMatchObject({ name: 'WorkbenchError', code });
  if (message) expect((error as Error).message).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

const publicJwkOf = async (pem: string) => exportJWK(createPublicKey(pem));
const privateJwkOf = async (pem: string) => exportJWK(createPrivateKey(pem));

describe('passphrases', () => {
  it('import-encrypted-pem-with-wrong-passphrase-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('enc.pem'), passphrase: 'not it', alias: 'x' }), 'WRONG_PASSPHRASE', /wrong passphrase/));

  it('import-encrypted-pem-without-passphrase-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('enc.pem'), alias: 'x' }), 'WRONG_PASSPHRASE', /give its passphrase/));

  it('import-pkcs12-with-wrong-password-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.read('rsa.p12'), passphrase: 'wrong', alias: 'x' }), 'WRONG_PASSPHRASE', /PKCS#12/));

  it('import-pkcs12-without-password-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.read('rsa.p12'), alias: 'x' }), 'WRONG_PASSPHRASE', /password/));

  it('wrong-passphrase-is-not-echoed-in-the-error', async () => {
    const error = await keystore.import({ data: fx.text('enc.pem'), passphrase: 'hunter2-secret', alias: 'x' }).catch((e: Error) => e);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain('hunter2-secret');
    expect(PKCS8_PASSPHRASE).not.toBe('hunter2-secret');
  });
});

describe('damaged and unsuitable keys', () => {
  it('import-truncated-pem-fails', () => {
    const pem = fx.text('rsa.pem');
    return expectFailsUnchanged(() => keystore.import({ data: pem.slice(0, pem.length / 2), alias: 'x' }), 'KEY_INVALID', /truncated/);
  });

  it('import-pem-with-lines-missing-fails', () => {
    const lines = fx.text('rsa.pem').split('\n');
    const damaged = [...lines.slice(0, 5), ...lines.slice(10)].join('\n');
    return expectFailsUnchanged(() => keystore.import({ data: damaged, alias: 'x' }), 'KEY_INVALID');
  });

  it('import-pem-with-non-base64-body-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: '-----BEGIN PRIVATE KEY-----\n!!!not base64***\n-----END PRIVATE KEY-----\n', alias: 'x' }), 'KEY_INVALID'));

  it('import-secp256k1-key-is-unsupported', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('k1.pem'), alias: 'x' }), 'UNSUPPORTED', /secp256k1/));

  it('import-secp256k1-jwk-is-unsupported', async () => {
    const jwk = { kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA', d: 'AA' };
    await expectFailsUnchanged(() => keystore.import({ data: JSON.stringify(jwk), alias: 'x' }), 'UNSUPPORTED', /secp256k1/);
  });

  it('import-rsa-1024-key-is-unsupported', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('rsa1024.pem'), alias: 'x' }), 'UNSUPPORTED', /2048/));

  it('import-public-pem-fails-saying-a-private-key-is-needed', () =>
    expectFailsUnchanged(
      () => keystore.import({ data: createPublicKey(fx.text('ec.pem')).export({ type: 'spki', format: 'pem' }), alias: 'x' }),
      'KEY_INVALID',
      /needs the private key/,
    ));

  it('import-public-jwk-fails-saying-a-private-key-is-needed', async () => {
    const jwk = await publicJwkOf(fx.text('ec.pem'));
    await expectFailsUnchanged(() => keystore.import({ data: JSON.stringify(jwk), alias: 'x' }), 'KEY_INVALID', /needs the private key/);
  });

  it('import-certificate-only-pem-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('rsa.crt'), alias: 'x' }), 'KEY_INVALID', /no private key/));

  it('import-pkcs12-without-private-key-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.read('certs-only.p12'), passphrase: P12_PASSWORD, alias: 'x' }), 'KEY_INVALID', /no private key/));

  it('import-symmetric-jwk-is-unsupported', () =>
    expectFailsUnchanged(() => keystore.import({ data: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }), alias: 'x' }), 'UNSUPPORTED', /secret/));

  it('import-jwk-with-corrupt-private-part-fails', async () => {
    const jwk = { ...(await privateJwkOf(fx.text('ec.pem'))), d: 'AAAA' };
    await expectFailsUnchanged(() => keystore.import({ data: JSON.stringify(jwk), alias: 'x' }), 'KEY_INVALID');
  });

  it('import-jwks-with-one-bad-key-imports-none', async () => {
    const keys = [await privateJwkOf(fx.text('ec384.pem')), await publicJwkOf(fx.text('ed25519.pem'))];
    await expectFailsUnchanged(() => keystore.import({ data: JSON.stringify({ keys }), alias: 'set' }), 'KEY_INVALID', /JWKS key #2/);
  });

  it('import-jwk-for-encryption-is-unsupported', async () => {
    const jwk = { ...(await privateJwkOf(fx.text('rsa.pem'))), use: 'enc' };
    await expectFailsUnchanged(() => keystore.import({ data: JSON.stringify(jwk), alias: 'x' }), 'UNSUPPORTED');
  });

  it('import-invalid-json-fails', () => expectFailsUnchanged(() => keystore.import({ data: '{"kty": "RSA",', alias: 'x' }), 'KEY_INVALID'));

  it('import-random-bytes-fails', () => expectFailsUnchanged(() => keystore.import({ data: Buffer.from('00ff10203040', 'hex'), alias: 'x' }), 'KEY_INVALID'));

  it('import-with-an-algorithm-the-key-cannot-use-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('ec.pem'), alias: 'x', alg: 'RS256' }), 'UNSUPPORTED'));
});

describe('aliases', () => {
  it('import-with-existing-alias-fails', () => expectFailsUnchanged(() => keystore.import({ data: fx.text('ec.pem'), alias: 'existing' }), 'ALREADY_EXISTS'));

  it('generate-with-existing-alias-fails', () => expectFailsUnchanged(() => keystore.generate({ alias: 'existing', alg: 'ES256' }), 'ALREADY_EXISTS'));

  it.each(['', 'has space', 'slash/alias', 'a'.repeat(101), 'ünïcode'])('alias-%j-is-refused', (alias) =>
    expectFailsUnchanged(() => keystore.generate({ alias, alg: 'ES256' }), 'INVALID_INPUT'),
  );

  it('generate-with-symmetric-alg-is-unsupported', () => expectFailsUnchanged(() => keystore.generate({ alias: 'x', alg: 'HS256' as never }), 'UNSUPPORTED'));

  it('generate-rsa-with-odd-size-fails', () =>
    expectFailsUnchanged(() => keystore.generate({ alias: 'x', alg: 'RS256', modulusLength: 1024 as never }), 'INVALID_INPUT'));

  it('unknown-alias-is-key-not-found', async () => {
    await expectFailsUnchanged(() => keystore.show('nope'), 'KEY_NOT_FOUND');
    await expectFailsUnchanged(() => keystore.delete('nope'), 'KEY_NOT_FOUND');
    await expectFailsUnchanged(() => keystore.setKid('nope', 'k'), 'KEY_NOT_FOUND');
  });

  it('empty-kid-is-refused', () => expectFailsUnchanged(() => keystore.setKid('existing', ''), 'INVALID_INPUT'));
});

describe('certificates', () => {
  it('attach-certificate-for-another-key-fails', () =>
    expectFailsUnchanged(() => keystore.attachCertificate('existing', fx.text('ec-leaf.crt')), 'CERTIFICATE_KEY_MISMATCH'));

  it('import-pem-bundle-with-foreign-certificate-fails', () =>
    expectFailsUnchanged(() => keystore.import({ data: fx.text('ec.pem') + fx.text('rsa.crt'), alias: 'x' }), 'CERTIFICATE_KEY_MISMATCH'));

  it('attach-garbage-certificate-fails', async () => {
    await expectFailsUnchanged(() => keystore.attachCertificate('existing', Buffer.from('not a certificate')), 'CERTIFICATE_INVALID');
    await expectFailsUnchanged(
      () => keystore.attachCertificate('existing', '-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END CERTIFICATE-----\n'),
      'CERTIFICATE_INVALID',
    );
  });

  it('attach-truncated-certificate-pem-fails', () => {
    const pem = fx.text('rsa.crt');
    return expectFailsUnchanged(() => keystore.attachCertificate('existing', pem.slice(0, 200)), 'CERTIFICATE_INVALID');
  });
});

// With AES-CBC a wrong passphrase leaves valid padding about one time in 256; Node then reports an ASN.1 error, not
// "bad decrypt". 600 wrong passphrases hit that case with probability 1 − (255/256)^600 ≈ 90 % — this is the case
// that once failed CI — and every one of them must still be reported as a wrong passphrase.
describe('wrong passphrases whose decryption happens to end in valid padding', () => {
  it('every wrong passphrase for an encrypted PKCS#8 PEM and DER says wrong passphrase', async () => {
    const { parseKeyFile } = await import('../../electron/keystore/key-import');
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-v2', 'aes-256-cbc', '-passout', `pass:${PKCS8_PASSPHRASE}`, '-outform', 'DER', '-out', 'enc.der'], fx.dir);
    const inputs = [fx.text('enc.pem'), new Uint8Array(fx.read('enc.der'))];
    for (const data of inputs) {
      const codes = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const code = await parseKeyFile({ data, passphrase: `wrong-${i}` }).then(
          () => 'ACCEPTED',
          (err: { code?: string }) => err.code ?? 'UNCODED',
        );
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      expect(Object.fromEntries(codes)).toEqual({ WRONG_PASSPHRASE: 300 });
      await expect(parseKeyFile({ data })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringMatching(/give its passphrase/) });
      expect((await parseKeyFile({ data, passphrase: PKCS8_PASSPHRASE }))[0]!.privateKey.asymmetricKeyType).toBe('rsa');
    }
  });
});
