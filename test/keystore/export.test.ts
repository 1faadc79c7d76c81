import { createPrivateKey, createPublicKey } from 'node:crypto';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { useKeystoreFixture } from './keystore-fixture';

const k = useKeystoreFixture();

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('JWKS export', () => {
  it('exports every key with kid, alg, use=sig, and x5c/x5t#S256 when a certificate is attached', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'rsa' });
    await k.keystore.generate({ alias: 'ec', alg: 'ES384' });
    await k.keystore.generate({ alias: 'ed', alg: 'EdDSA' });
    const jwks = await k.keystore.exportJwks();
    expect(jwks.keys).toHaveLength(3);
    const [rsa, ec, ed] = jwks.keys;
    expect(rsa).toEqual({
      kty: 'RSA',
      n: expect.any(String),
      e: 'AQAB',
      kid: (await k.keystore.show('rsa')).kid,
      alg: 'RS256',
      use: 'sig',
      x5c: [k.fx.read('rsa.der').toString('base64')],
      x5t: k.fx.x5t('rsa.crt'),
      'x5t#S256': k.fx.x5tS256('rsa.crt'),
    });
    expect(ec).toEqual({ kty: 'EC', crv: 'P-384', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES384', use: 'sig' });
    expect(ed).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
    for (const key of jwks.keys) for (const member of PRIVATE_JWK_MEMBERS) expect(key).not.toHaveProperty(member);
    // Exactly what an identity provider would do with it: verify a token signed by the k.keystore.
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES384', kid: ec!.kid }).sign((await k.keystore.getSigningKey('ec')).key);
    await expect(jwtVerify(token, await importJWK(ec!, 'ES384'))).resolves.toBeTruthy();
  });

  it('exports an empty JWKS for an empty keystore', async () => {
    expect(await k.keystore.exportJwks()).toEqual({ keys: [] });
  });
});

describe('PEM exports', () => {
  it('exports the public key as SPKI PEM', async () => {
    await k.keystore.import({ data: k.fx.text('ec384.pem'), alias: 'ec' });
    const pem = await k.keystore.exportPublicPem('ec');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(pem).equals(createPublicKey(k.fx.text('ec384.pem')))).toBe(true);
  });

  it('exports the certificate PEM byte for byte', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'rsa' });
    await k.keystore.attachCertificate('rsa', k.fx.read('rsa.der'));
    expect(await k.keystore.exportCertificatePem('rsa')).toBe(k.fx.text('rsa.crt'));
  });
});

describe('private key export', () => {
  it('exports PKCS#8 PEM and a private JWK with kid and alg only when confirmed', async () => {
    await k.keystore.import({ data: k.fx.text('ed25519.pem'), alias: 'ed' });
    const pem = await k.keystore.exportPrivate('ed', { confirm: true });
    expect(createPrivateKey(pem).equals(createPrivateKey(k.fx.text('ed25519.pem')))).toBe(true);
    const jwk = await k.keystore.exportPrivate('ed', { confirm: true, format: 'jwk' });
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String), kid: (await k.keystore.show('ed')).kid, alg: 'EdDSA' });
  });

  it('private-export-without-confirmation-is-refused', async () => {
    await k.keystore.generate({ alias: 'k', alg: 'ES256' });
    await expect(k.keystore.exportPrivate('k', {} as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.keystore.exportPrivate('k', { confirm: 'yes' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('what list/show return is safe for the renderer', () => {
  it('carries no private material, even through JSON', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'rsa' });
    await k.keystore.generate({ alias: 'ec', alg: 'ES256' });
    const serialized = JSON.stringify([await k.keystore.list(), await k.keystore.show('rsa')]);
    const rsaD = (await k.keystore.exportPrivate('rsa', { confirm: true, format: 'jwk' })).d!;
    const ecD = (await k.keystore.exportPrivate('ec', { confirm: true, format: 'jwk' })).d!;
    expect(serialized).not.toContain(rsaD);
    expect(serialized).not.toContain(ecD);
    expect(serialized).not.toContain('PRIVATE KEY');
    expect(serialized).not.toMatch(/"(d|p|q|dp|dq|qi|privateKeyRef)"/);
  });
});
