import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { previewAssertion, signAssertion, type AssertionSpec } from '../../electron/engine/assertion';
import { useKeystoreFixture } from '../keystore/keystore-fixture';

const k = useKeystoreFixture();

const now = new Date('2030-01-02T03:04:05Z');
const iat = Math.floor(now.getTime() / 1000);
const spec: AssertionSpec = {
  claims: { iss: 'client-1', sub: 'client-1', aud: 'https://as.example/token', lifetimeSeconds: 300, jti: 'fixed-jti', extra: { tenant: 'acme', nested: { a: [1, 2] } } },
};
const SECRET = 'a-shared-client-secret-of-at-least-64-bytes-for-hs512-0123456789abcdef';

describe('preview', () => {
  it('shows exactly the header and payload that get signed', async () => {
    await k.keystore.generate({ alias: 'ec', alg: 'ES256' });
    const signing = await k.keystore.getSigningKey('ec');
    const preview = previewAssertion(spec, signing, now);
    const jwt = await signAssertion(spec, signing, now);
    expect(decodeProtectedHeader(jwt)).toEqual(preview.header);
    expect(decodeJwt(jwt)).toEqual(preview.payload);
    expect(preview).toEqual({
      header: { alg: 'ES256', typ: 'JWT', kid: signing.kid },
      payload: { tenant: 'acme', nested: { a: [1, 2] }, iss: 'client-1', sub: 'client-1', aud: 'https://as.example/token', jti: 'fixed-jti', iat, exp: iat + 300 },
    });
  });

  it('touches no key: a preview needs only the public parts', () => {
    const preview = previewAssertion({ claims: { nbf: true } }, { alg: 'RS256' }, now);
    expect(preview.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(preview.payload).toMatchObject({ iat, nbf: iat, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('gives every assertion a fresh random jti', () => {
    const jtis = new Set(Array.from({ length: 50 }, () => previewAssertion({ claims: {} }, { alg: 'ES256' }).payload.jti));
    expect(jtis.size).toBe(50);
  });

  it('lets registered claims win over custom claims of the same name', () => {
    const { payload } = previewAssertion({ claims: { iss: 'real', extra: { iss: 'forged', exp: 1 }, lifetimeSeconds: 60 } }, { alg: 'ES256' }, now);
    expect(payload).toMatchObject({ iss: 'real', exp: iat + 60 });
  });

  it('omits kid when asked and sets a custom typ', () => {
    const { header } = previewAssertion({ header: { kid: false, typ: 'client-authentication+jwt' }, claims: {} }, { alg: 'ES256', kid: 'k1' });
    expect(header).toEqual({ alg: 'ES256', typ: 'client-authentication+jwt' });
  });
});

describe('certificate headers from a keystore key', () => {
  it('fills x5t, x5t#S256 and x5c from the attached certificate', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'rsa' });
    const signing = await k.keystore.getSigningKey('rsa', 'PS256');
    const jwt = await signAssertion({ ...spec, header: { x5t: true, x5tS256: true, x5c: true } }, signing, now);
    const { protectedHeader } = await jwtVerify(jwt, await importJWK(await k.keystore.exportPublicJwk('rsa'), 'PS256'), { currentDate: now });
    expect(protectedHeader).toEqual({
      alg: 'PS256',
      typ: 'JWT',
      kid: signing.kid,
      x5t: k.fx.x5t('rsa.crt'),
      'x5t#S256': k.fx.x5tS256('rsa.crt'),
      x5c: [k.fx.read('rsa.der').toString('base64')],
    });
  });

  it('includes only the certificate headers asked for', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'rsa' });
    const { header } = previewAssertion({ header: { x5t: true }, claims: {} }, await k.keystore.getSigningKey('rsa'));
    expect(header).toHaveProperty('x5t', k.fx.x5t('rsa.crt'));
    expect(header).not.toHaveProperty('x5t#S256');
    expect(header).not.toHaveProperty('x5c');
  });

  it('x5t-requested-for-a-key-without-certificate-fails', async () => {
    await k.keystore.generate({ alias: 'bare', alg: 'ES256' });
    await expect(signAssertion({ header: { x5t: true }, claims: {} }, await k.keystore.getSigningKey('bare'))).rejects.toMatchObject({
      code: 'MISSING_CONFIGURATION',
    });
  });
});

describe('shared-secret signing (client_secret_jwt)', () => {
  it.each(['HS256', 'HS384', 'HS512'])('signs %s with a secret, verifiable with that secret', async (alg) => {
    const jwt = await signAssertion(spec, { secret: SECRET, alg }, now);
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(SECRET), { algorithms: [alg], currentDate: now });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload).toEqual(previewAssertion(spec, { alg }, now).payload);
    await expect(jwtVerify(jwt, new TextEncoder().encode(`${SECRET}x`), { currentDate: now })).rejects.toThrow();
  });

  it('hs-alg-with-a-key-pair-is-refused', async () => {
    await k.keystore.generate({ alias: 'rsa', alg: 'RS256' });
    const signing = await k.keystore.getSigningKey('rsa');
    await expect(signAssertion(spec, { ...signing, alg: 'HS256' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('rs-alg-with-a-secret-is-refused', async () => {
    await expect(signAssertion(spec, { secret: SECRET, alg: 'RS256' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(signAssertion(spec, { secret: SECRET, alg: 'none' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('key-that-does-not-fit-the-alg-fails-with-SIGNING_FAILED', async () => {
    await k.keystore.generate({ alias: 'ec', alg: 'ES256' });
    const signing = await k.keystore.getSigningKey('ec');
    await expect(signAssertion(spec, { ...signing, alg: 'RS256' })).rejects.toMatchObject({ code: 'SIGNING_FAILED' });
  });
});
