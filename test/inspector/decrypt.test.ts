import { createPrivateKey, randomBytes } from 'node:crypto';
import { CompactEncrypt, exportJWK, exportPKCS8, generateKeyPair, type CryptoKey, type JWEKeyManagementAlgorithm } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptToken } from '../../electron/inspector/decrypt';
import { verifyToken } from '../../electron/inspector/verify';
import { WorkbenchError } from '../../shared/errors';
import { findCheck } from '../../shared/token/report';
import { nowSeconds, sign, testKey, type TestKey } from './support/tokens';

/** JWE decryption with real keys of every supported family, the PBES2 and decompression limits, then the nested JWS verified. */

let signer: TestKey;
let nestedJwt: string;
const jwks = () => ({ keys: [signer.publicJwk] });
const claims = () => ({ iss: 'https://issuer.example', aud: 'client-1', sub: 'alice', iat: nowSeconds(), exp: nowSeconds() + 600 });

beforeAll(async () => {
  signer = await testKey('RS256', 'sig-1');
  nestedJwt = await sign({ alg: 'RS256', kid: signer.kid, typ: 'JWT' }, claims(), signer.privateKey);
});

function encrypt(plaintext: string | Uint8Array, header: Record<string, unknown>, key: CryptoKey | Uint8Array, options?: { p2c?: number }): Promise<string> {
  const enc = new CompactEncrypt(typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext).setProtectedHeader(header as { alg: string; enc: string });
  if (options?.p2c) enc.setKeyManagementParameters({ p2c: options.p2c, p2s: randomBytes(16) });
  return enc.encrypt(key);
}

async function expectDecryptError(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkbenchError);
  expect((err as WorkbenchError).code).toBe(code);
  expect((err as WorkbenchError).message).toMatch(message);
}

describe('decryptToken with each key management algorithm', () => {
  const asymmetric: Array<[JWEKeyManagementAlgorithm, string]> = [
    ['RSA-OAEP', 'A256GCM'],
    ['RSA-OAEP-256', 'A128CBC-HS256'],
    ['ECDH-ES', 'A256GCM'],
    ['ECDH-ES+A128KW', 'A128GCM'],
    ['ECDH-ES+A256KW', 'A256GCM'],
  ];
  for (const [alg, enc] of asymmetric) {
    it(`${alg} / ${enc} with a pasted private JWK, then verifies the nested JWS`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwe = await encrypt(nestedJwt, { alg, enc, cty: 'JWT' }, publicKey);
      const result = await decryptToken(jwe, await exportJWK(privateKey));
      expect(result.plaintext).toBe(nestedJwt);
      expect(result.nested?.format).toBe('jws');
      const report = await verifyToken(jwe, { decryptionKey: await exportJWK(privateKey), jwks: jwks(), issuer: 'https://issuer.example', clientId: 'client-1' });
      expect(report.ok, report.summary).toBe(true);
      expect(findCheck(report, 'decryption')?.status).toBe('passed');
    });
  }

  it('RSA-OAEP-256 with a PEM private key and with a KeyObject', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const jwe = await encrypt(nestedJwt, { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, publicKey);
    expect((await decryptToken(jwe, pem)).plaintext).toBe(nestedJwt);
    expect((await decryptToken(jwe, createPrivateKey(pem))).plaintext).toBe(nestedJwt);
  });

  for (const [alg, bytes] of [
    ['A128KW', 16],
    ['A256KW', 32],
    ['dir', 32],
  ] as const) {
    it(`${alg} with a symmetric key`, async () => {
      const key = new Uint8Array(randomBytes(bytes));
      const jwe = await encrypt(nestedJwt, { alg, enc: alg === 'dir' ? 'A256GCM' : 'A128GCM' }, key);
      expect((await decryptToken(jwe, key)).nested?.format).toBe('jws');
    });
  }

  it('a non-JWT plaintext is returned as text without a nested token', async () => {
    const key = new Uint8Array(randomBytes(32));
    const result = await decryptToken(await encrypt('{"hello":"world"}', { alg: 'dir', enc: 'A256GCM' }, key), key);
    expect(result.plaintext).toBe('{"hello":"world"}');
    expect(result.nested).toBeUndefined();
  });
});

describe('decryption limits and failures', () => {
  it('ensure-pbes2-is-refused-by-default', async () => {
    const password = new TextEncoder().encode('correct horse battery staple');
    const jwe = await encrypt(nestedJwt, { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' }, password, { p2c: 2048 });
    await expectDecryptError(decryptToken(jwe, { password: 'correct horse battery staple' }), 'DECRYPTION_FAILED', /password-based\) is refused/);
    const allowed = await decryptToken(jwe, { password: 'correct horse battery staple' }, { maxPBES2Count: 5000 });
    expect(allowed.plaintext).toBe(nestedJwt);
  });

  it('ensure-pbes2-count-above-the-cap-is-refused-before-any-work', async () => {
    const password = new TextEncoder().encode('pw');
    const jwe = await encrypt(nestedJwt, { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' }, password, { p2c: 4096 });
    await expectDecryptError(decryptToken(jwe, { password: 'pw' }, { maxPBES2Count: 1000 }), 'DECRYPTION_FAILED', /"p2c" is 4096, above the allowed 1000/);
  });

  it('ensure-decompression-bomb-is-capped', async () => {
    const key = new Uint8Array(randomBytes(32));
    const bomb = await encrypt('a'.repeat(2_000_000), { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, key);
    expect(bomb.length).toBeLessThan(20_000);
    await expectDecryptError(decryptToken(bomb, key), 'DECRYPTION_FAILED', /inflates beyond the 250000-byte cap/);
    const small = await encrypt('a'.repeat(1000), { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, key);
    expect((await decryptToken(small, key)).plaintextBytes).toBe(1000);
    await expectDecryptError(decryptToken(small, key, { maxDecompressedBytes: 0 }), 'DECRYPTION_FAILED', /compressed tokens are refused/);
  });

  it('ensure-wrong-key-fails', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const { privateKey: other } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const jwe = await encrypt(nestedJwt, { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, publicKey);
    await expectDecryptError(decryptToken(jwe, await exportJWK(other)), 'DECRYPTION_FAILED', /wrong key, or the token was altered/);
  });

  it('ensure-tampered-ciphertext-fails', async () => {
    const key = new Uint8Array(randomBytes(32));
    const parts = (await encrypt(nestedJwt, { alg: 'dir', enc: 'A256GCM' }, key)).split('.');
    const ct = parts[3] as string;
    parts[3] = `${ct.slice(0, 10)}${ct[10] === 'A' ? 'B' : 'A'}${ct.slice(11)}`;
    await expectDecryptError(decryptToken(parts.join('.'), key), 'DECRYPTION_FAILED', /wrong key, or the token was altered/);
  });

  it('a JWS or malformed input is refused with a typed error', async () => {
    await expectDecryptError(decryptToken(nestedJwt, new Uint8Array(32)), 'INVALID_INPUT', /signed \(JWS\), not encrypted/);
    await expectDecryptError(decryptToken('eyJhbGciOiJkaXIifQ.b.c.d', new Uint8Array(32)), 'TOKEN_MALFORMED', /4 segments/);
  });

  it('verifyToken on a JWE without a key says to decrypt first; with a wrong key the decryption check fails', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await encrypt(nestedJwt, { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, publicKey);
    const noKey = await verifyToken(jwe, { jwks: jwks() });
    expect(noKey.inputError?.message).toMatch(/encrypted \(JWE\)/);
    const { privateKey: other } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const wrong = await verifyToken(jwe, { jwks: jwks(), decryptionKey: await exportJWK(other) });
    expect(wrong.ok).toBe(false);
    expect(findCheck(wrong, 'decryption')?.status).toBe('failed');
  });
});
