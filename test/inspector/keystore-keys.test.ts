import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signAssertion } from '../../electron/engine/assertion';
import { decryptToken } from '../../electron/inspector/decrypt';
import { keystoreDecryptionKey, keystoreVerificationKey } from '../../electron/inspector/keystore-keys';
import { verifyToken } from '../../electron/inspector/verify';
import { Keystore } from '../../electron/keystore/keystore';
import { findCheck } from '../../shared/token/report';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';

/** Verification and decryption with keys held in the real keystore (OS keychain). */

let env: KeychainEnv;
let keystore: Keystore;

beforeEach(async () => {
  env = await createKeychainEnv();
  keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
});
afterEach(async () => env.cleanup());

const claims = { iss: 'https://issuer.example', sub: 'alice', aud: 'client-1', lifetimeSeconds: 300 };

describe('keystore keys', () => {
  it('verifies RS256 and PS256 tokens signed by a keystore RSA key, by alias', async () => {
    await keystore.generate({ alias: 'rsa', alg: 'RS256' });
    const key = await keystoreVerificationKey(keystore, 'rsa');
    for (const alg of ['RS256', 'PS256']) {
      const jwt = await signAssertion({ claims }, await keystore.getSigningKey('rsa', alg));
      const report = await verifyToken(jwt, { key, issuer: claims.iss, clientId: 'client-1' });
      expect(report.ok, report.summary).toBe(true);
    }
  });

  it('ensure-token-signed-by-another-keystore-key-fails', async () => {
    await keystore.generate({ alias: 'a', alg: 'ES256' });
    await keystore.generate({ alias: 'b', alg: 'ES256' });
    const jwt = await signAssertion({ claims }, await keystore.getSigningKey('b'));
    const report = await verifyToken(jwt, { key: await keystoreVerificationKey(keystore, 'a') });
    expect(findCheck(report, 'signature')?.status).toBe('failed');
  });

  it('decrypts a JWE addressed to a keystore RSA key, then verifies the nested JWS', async () => {
    await keystore.generate({ alias: 'enc', alg: 'RS256' });
    await keystore.generate({ alias: 'sig', alg: 'ES256' });
    const inner = await signAssertion({ claims }, await keystore.getSigningKey('sig'));
    const decryptionKey = await keystoreDecryptionKey(keystore, 'enc');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(inner))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(createPublicKey(decryptionKey as KeyObject));
    expect((await decryptToken(jwe, decryptionKey)).plaintext).toBe(inner);
    const report = await verifyToken(jwe, { decryptionKey, key: await keystoreVerificationKey(keystore, 'sig'), issuer: claims.iss, clientId: 'client-1' });
    expect(report.ok, report.summary).toBe(true);
  });
});
