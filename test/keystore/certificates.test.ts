import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signAssertion } from '../../electron/engine/assertion';
import { Keystore } from '../../electron/keystore/keystore';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';
import { createOpensslFixtures, openssl, type OpensslFixtures } from './openssl-fixtures';

let fx: OpensslFixtures;
let env: KeychainEnv;
let keystore: Keystore;

beforeAll(() => {
  fx = createOpensslFixtures();
});
afterAll(() => fx.cleanup());
beforeEach(async () => {
  env = await createKeychainEnv();
  keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
});
afterEach(async () => env.cleanup());

describe('attaching certificates', () => {
  it('attaches a PEM certificate and reports thumbprints equal to openssl x509 -fingerprint', async () => {
    await keystore.import({ data: fx.text('rsa.pem'), alias: 'rsa' });
    const info = await keystore.attachCertificate('rsa', fx.text('rsa.crt'));
    const sha1 = openssl(['x509', '-in', 'rsa.crt', '-noout', '-fingerprint', '-sha1'], fx.dir).split('=')[1]!.trim();
    const sha256 = openssl(['x509', '-in', 'rsa.crt', '-noout', '-fingerprint', '-sha256'], fx.dir).split('=')[1]!.trim();
    const serial = openssl(['x509', '-in', 'rsa.crt', '-noout', '-serial'], fx.dir).split('=')[1]!.trim();
    const node = new X509Certificate(fx.read('rsa.crt'));
    expect(info.certificate).toEqual({
      subject: 'CN=rsa-client, O=Acme',
      issuer: 'CN=rsa-client, O=Acme',
      serialNumber: serial.toLowerCase(),
      notBefore: new Date(node.validFrom).toISOString(),
      notAfter: new Date(node.validTo).toISOString(),
      selfIssued: true,
      x5t: fx.x5t('rsa.crt'),
      x5tS256: fx.x5tS256('rsa.crt'),
      sha1Fingerprint: sha1,
      sha256Fingerprint: sha256,
    });
  });

  it('attaches a DER certificate', async () => {
    await keystore.import({ data: fx.text('rsa.pem'), alias: 'rsa' });
    const info = await keystore.attachCertificate('rsa', fx.read('rsa.der'));
    expect(info.certificate?.x5tS256).toBe(fx.x5tS256('rsa.crt'));
  });

  it('orders a chain given CA-first as leaf first', async () => {
    await keystore.import({ data: fx.text('ec.pem'), alias: 'ec' });
    const info = await keystore.attachCertificate('ec', fx.text('ec-chain-reversed.pem'));
    expect(info.chain.map((c) => c.subject)).toEqual(['CN=ec-leaf', 'CN=Test CA']);
    expect(info.chain[0]).toMatchObject({ issuer: 'CN=Test CA', selfIssued: false });
    expect(await keystore.exportCertificatePem('ec')).toBe(fx.text('ec-leaf.crt') + fx.text('ca.crt'));
  });

  it('puts x5t, x5t#S256 and x5c into the signed header from the attached certificate', async () => {
    await keystore.import({ data: fx.text('ec.pem'), alias: 'ec' });
    await keystore.attachCertificate('ec', fx.text('ec-leaf.crt') + fx.text('ca.crt'));
    const signing = await keystore.getSigningKey('ec');
    const jwt = await signAssertion({ header: { x5t: true, x5tS256: true, x5c: true }, claims: { iss: 'c' } }, signing);
    const { protectedHeader } = await jwtVerify(jwt, await importJWK(await keystore.exportPublicJwk('ec'), 'ES256'));
    expect(protectedHeader.x5t).toBe(fx.x5t('ec-leaf.crt'));
    expect(protectedHeader['x5t#S256']).toBe(fx.x5tS256('ec-leaf.crt'));
    expect(protectedHeader.x5c).toEqual([new X509Certificate(fx.read('ec-leaf.crt')).raw.toString('base64'), new X509Certificate(fx.read('ca.crt')).raw.toString('base64')]);
  });

  it('can detach a certificate', async () => {
    await keystore.import({ data: fx.text('rsa.pem') + fx.text('rsa.crt'), alias: 'rsa' });
    const info = await keystore.detachCertificate('rsa');
    expect(info.certificate).toBeUndefined();
    expect(info.publicJwk.x5c).toBeUndefined();
  });
});

describe('self-signed certificates', () => {
  it.each([
    ['RS256', 2048],
    ['ES256', undefined],
    ['ES384', undefined],
    ['ES512', undefined],
    ['EdDSA', undefined],
  ] as const)('generates one for a %s key that openssl verifies', async (alg, modulusLength) => {
    await keystore.generate({ alias: 'k', alg, ...(modulusLength ? { modulusLength } : {}) });
    const info = await keystore.generateSelfSignedCertificate('k', { subject: 'CN=my-client, O=Acme Corp', validityDays: 10 });
    expect(info.certificate).toMatchObject({ subject: 'CN=my-client, O=Acme Corp', issuer: 'CN=my-client, O=Acme Corp', selfIssued: true });
    const days = (Date.parse(info.certificate!.notAfter) - Date.parse(info.certificate!.notBefore)) / 86_400_000;
    expect(Math.round(days)).toBe(10);

    const pem = await keystore.exportCertificatePem('k');
    writeFileSync(fx.path('self.crt'), pem);
    expect(openssl(['verify', '-CAfile', 'self.crt', 'self.crt'], fx.dir)).toContain('OK');
    expect(fx.x5tS256('self.crt')).toBe(info.certificate!.x5tS256);
    expect(new X509Certificate(pem).checkPrivateKey((await keystore.getSigningKey('k')).key as never)).toBe(true);
  });

  it('rejects a subject that is not a distinguished name', async () => {
    await keystore.generate({ alias: 'k', alg: 'ES256' });
    await expect(keystore.generateSelfSignedCertificate('k', { subject: 'just words' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(keystore.generateSelfSignedCertificate('k', { subject: 'CN=ok', validityDays: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await keystore.show('k')).certificate).toBeUndefined();
  });
});

describe('mutual TLS credentials', () => {
  it('hands out the chain and key as PEM once a certificate is attached', async () => {
    await keystore.import({ data: fx.text('rsa.pem'), alias: 'tls' });
    await expect(keystore.getTlsClientCredentials('tls')).rejects.toMatchObject({ code: 'MISSING_CONFIGURATION' });
    await keystore.attachCertificate('tls', fx.text('rsa.crt'));
    const { certPem, keyPem } = await keystore.getTlsClientCredentials('tls');
    expect(certPem).toBe(fx.text('rsa.crt'));
    expect(new X509Certificate(certPem).checkPrivateKey((await import('node:crypto')).createPrivateKey(keyPem))).toBe(true);
  });
});
