import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAssertion } from '../../electron/engine/assertion';
import { P12_PASSWORD, PKCS8_PASSPHRASE } from './openssl-fixtures';
import { useKeystoreFixture } from './keystore-fixture';

const k = useKeystoreFixture();

/** The key in the keystore is the very key in the file: same public key, and it signs verifiably. */
async function expectSameKeyAndSigns(alias: string, originalPem: string, passphrase?: string) {
  const original = createPublicKey(createPrivateKey(passphrase ? { key: originalPem, passphrase } : originalPem));
  const stored = createPrivateKey(await k.keystore.exportPrivate(alias, { confirm: true }));
  expect(createPublicKey(stored).equals(original)).toBe(true);
  const signing = await k.keystore.getSigningKey(alias);
  const jwt = await signAssertion({ claims: { iss: 'client', sub: 'client', aud: 'https://as.example/token', lifetimeSeconds: 60 } }, signing);
  const jwk = await k.keystore.exportPublicJwk(alias);
  const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(jwk, jwk.alg), { audience: 'https://as.example/token' });
  expect(payload.iss).toBe('client');
  expect(protectedHeader.kid).toBe(jwk.kid);
}

describe('PEM import', () => {
  it('imports a PKCS#8 RSA key with the RFC 7638 thumbprint as kid', async () => {
    const [info] = await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'rsa8' });
    expect(info).toMatchObject({ alias: 'rsa8', keyType: 'RSA', modulusLength: 2048, alg: 'RS256', source: 'pem' });
    const publicJwk = await exportJWK(createPublicKey(k.fx.text('rsa.pem')));
    expect(info!.kid).toBe(await calculateJwkThumbprint(publicJwk));
    await expectSameKeyAndSigns('rsa8', k.fx.text('rsa.pem'));
  });

  it('imports a PKCS#1 RSA key (openssl genrsa -traditional)', async () => {
    expect(k.fx.text('rsa1.pem')).toContain('BEGIN RSA PRIVATE KEY');
    await k.keystore.import({ data: k.fx.text('rsa1.pem'), alias: 'rsa1' });
    await expectSameKeyAndSigns('rsa1', k.fx.text('rsa1.pem'));
  });

  it('imports a SEC1 EC key with its EC PARAMETERS block (openssl ecparam -genkey)', async () => {
    expect(k.fx.text('ec.pem')).toContain('BEGIN EC PARAMETERS');
    const [info] = await k.keystore.import({ data: k.fx.read('ec.pem'), alias: 'ec1' });
    expect(info).toMatchObject({ keyType: 'EC', curve: 'P-256', alg: 'ES256', algorithms: ['ES256'] });
    await expectSameKeyAndSigns('ec1', k.fx.text('ec.pem'));
  });

  it('imports P-384, P-521 and Ed25519 PKCS#8 keys', async () => {
    for (const [file, alg] of [['ec384.pem', 'ES384'], ['ec521.pem', 'ES512'], ['ed25519.pem', 'EdDSA']] as const) {
      const [info] = await k.keystore.import({ data: k.fx.text(file), alias: file.replace('.pem', '') });
      expect(info!.alg).toBe(alg);
      await expectSameKeyAndSigns(info!.alias, k.fx.text(file));
    }
  });

  it('imports an encrypted PKCS#8 key with its passphrase', async () => {
    expect(k.fx.text('enc.pem')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    await k.keystore.import({ data: k.fx.text('enc.pem'), passphrase: PKCS8_PASSPHRASE, alias: 'enc' });
    await expectSameKeyAndSigns('enc', k.fx.text('enc.pem'), PKCS8_PASSPHRASE);
  });

  it('imports a legacy encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED) with its passphrase', async () => {
    expect(k.fx.text('rsa1-enc.pem')).toContain('Proc-Type: 4,ENCRYPTED');
    await k.keystore.import({ data: k.fx.text('rsa1-enc.pem'), passphrase: PKCS8_PASSPHRASE, alias: 'legacy-enc' });
    await expectSameKeyAndSigns('legacy-enc', k.fx.text('rsa1.pem'));
    await expect(k.keystore.import({ data: k.fx.text('rsa1-enc.pem'), passphrase: 'nope', alias: 'x' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('imports a key and its certificate from one PEM bundle', async () => {
    const [info] = await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'bundle' });
    expect(info!.certificate?.x5tS256).toBe(k.fx.x5tS256('rsa.crt'));
  });

  it('imports a DER PKCS#8 key', async () => {
    const der = createPrivateKey(k.fx.text('ec384.pem')).export({ type: 'pkcs8', format: 'der' });
    const [info] = await k.keystore.import({ data: der, alias: 'der' });
    expect(info).toMatchObject({ source: 'der', curve: 'P-384' });
  });

  it('derives an alias from the thumbprint when none is given', async () => {
    const [info] = await k.keystore.import({ data: k.fx.text('ed25519.pem') });
    expect(info!.alias).toBe(`key-${info!.kid.slice(0, 12)}`);
  });

  it('takes a default algorithm that suits the key', async () => {
    const [info] = await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'pss', alg: 'PS384' });
    expect(info!.alg).toBe('PS384');
    expect((await k.keystore.getSigningKey('pss')).alg).toBe('PS384');
  });
});

describe('JWK and JWKS import', () => {
  it('keeps a private JWK its own kid and alg', async () => {
    const jwk = { ...(await exportJWK(createPrivateKey(k.fx.text('rsa.pem')))), kid: 'registered-kid-1', alg: 'PS256' };
    const [info] = await k.keystore.import({ data: JSON.stringify(jwk), alias: 'jwk' });
    expect(info).toMatchObject({ kid: 'registered-kid-1', alg: 'PS256', source: 'jwk' });
    expect(info!.publicJwk).not.toHaveProperty('d');
    await expectSameKeyAndSigns('jwk', k.fx.text('rsa.pem'));
  });

  it('imports each key of a JWKS, naming them ALIAS-1, ALIAS-2', async () => {
    const keys = [
      { ...(await exportJWK(createPrivateKey(k.fx.text('ec.pem')))), kid: 'a' },
      await exportJWK(createPrivateKey(k.fx.text('ed25519.pem'))),
    ];
    const infos = await k.keystore.import({ data: JSON.stringify({ keys }), alias: 'set' });
    expect(infos.map((i) => [i.alias, i.alg])).toEqual([
      ['set-1', 'ES256'],
      ['set-2', 'EdDSA'],
    ]);
    expect(infos[0]!.kid).toBe('a');
    await expectSameKeyAndSigns('set-2', k.fx.text('ed25519.pem'));
  });

  it('names JWKS keys after their kid when no alias is given', async () => {
    const keys = [{ ...(await exportJWK(createPrivateKey(k.fx.text('ec384.pem')))), kid: 'prod-2024' }];
    const [info] = await k.keystore.import({ data: JSON.stringify({ keys }) });
    expect(info!.alias).toBe('prod-2024');
  });

  it('attaches the certificate from a JWK x5c', async () => {
    const x5c = [k.fx.read('rsa.der').toString('base64')];
    const jwk = { ...(await exportJWK(createPrivateKey(k.fx.text('rsa.pem')))), x5c };
    const [info] = await k.keystore.import({ data: JSON.stringify(jwk), alias: 'x5c' });
    expect(info!.certificate?.x5t).toBe(k.fx.x5t('rsa.crt'));
  });
});

describe('PKCS#12 import', () => {
  it('reads an OpenSSL 3 default (PBES2 / AES-256-CBC) PKCS#12 with its password', async () => {
    const [info] = await k.keystore.import({ data: k.fx.read('rsa.p12'), passphrase: P12_PASSWORD, alias: 'p12' });
    expect(info).toMatchObject({ source: 'pkcs12', keyType: 'RSA' });
    expect(info!.certificate).toMatchObject({ subject: 'CN=rsa-client, O=Acme', x5t: k.fx.x5t('rsa.crt'), x5tS256: k.fx.x5tS256('rsa.crt') });
    await expectSameKeyAndSigns('p12', k.fx.text('rsa.pem'));
  });

  it('reads a legacy (-legacy, 3DES/RC2) PKCS#12', async () => {
    const [info] = await k.keystore.import({ data: k.fx.read('rsa-legacy.p12'), passphrase: P12_PASSWORD, alias: 'legacy' });
    expect(info!.certificate?.x5tS256).toBe(k.fx.x5tS256('rsa.crt'));
  });

  it('reads an EC key with its certificate chain, leaf first', async () => {
    const [info] = await k.keystore.import({ data: k.fx.read('ec-chain.p12'), passphrase: P12_PASSWORD, alias: 'ecp12' });
    expect(info!.chain.map((c) => c.subject)).toEqual(['CN=ec-leaf', 'CN=Test CA']);
    expect(info!.chain.map((c) => c.x5tS256)).toEqual([k.fx.x5tS256('ec-leaf.crt'), k.fx.x5tS256('ca.crt')]);
    const signing = await k.keystore.getSigningKey('ecp12');
    expect(signing.x5c).toEqual([k.fx.read('ec-leaf.crt'), k.fx.read('ca.crt')].map((pem) => pemToBase64(pem.toString())));
    await expectSameKeyAndSigns('ecp12', k.fx.text('ec.pem'));
  });
});

const pemToBase64 = (pem: string) => new X509Certificate(pem).raw.toString('base64');
