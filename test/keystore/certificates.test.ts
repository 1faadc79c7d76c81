import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAssertion } from '../../electron/engine/assertion';
import { openssl } from './openssl-fixtures';
import { useKeystoreFixture } from './keystore-fixture';

const k = useKeystoreFixture();

describe('attaching certificates', () => {
  it('attaches a PEM certificate and reports thumbprints equal to openssl x509 -fingerprint', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'rsa' });
    const info = await k.keystore.attachCertificate('rsa', k.fx.text('rsa.crt'));
    const sha1 = openssl(['x509', '-in', 'rsa.crt', '-noout', '-fingerprint', '-sha1'], k.fx.dir).split('=')[1]!.trim();
    const sha256 = openssl(['x509', '-in', 'rsa.crt', '-noout', '-fingerprint', '-sha256'], k.fx.dir).split('=')[1]!.trim();
    const serial = openssl(['x509', '-in', 'rsa.crt', '-noout', '-serial'], k.fx.dir).split('=')[1]!.trim();
    const node = new X509Certificate(k.fx.read('rsa.crt'));
    expect(info.certificate).toEqual({
      subject: 'CN=rsa-client, O=Acme',
      issuer: 'CN=rsa-client, O=Acme',
      serialNumber: serial.toLowerCase(),
      notBefore: new Date(node.validFrom).toISOString(),
      notAfter: new Date(node.validTo).toISOString(),
      selfIssued: true,
      x5t: k.fx.x5t('rsa.crt'),
      x5tS256: k.fx.x5tS256('rsa.crt'),
      sha1Fingerprint: sha1,
      sha256Fingerprint: sha256,
    });
  });

  it('attaches a DER certificate', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'rsa' });
    const info = await k.keystore.attachCertificate('rsa', k.fx.read('rsa.der'));
    expect(info.certificate?.x5tS256).toBe(k.fx.x5tS256('rsa.crt'));
  });

  it('orders a chain given CA-first as leaf first', async () => {
    await k.keystore.import({ data: k.fx.text('ec.pem'), alias: 'ec' });
    const info = await k.keystore.attachCertificate('ec', k.fx.text('ec-chain-reversed.pem'));
    expect(info.chain.map((c) => c.subject)).toEqual(['CN=ec-leaf', 'CN=Test CA']);
    expect(info.chain[0]).toMatchObject({ issuer: 'CN=Test CA', selfIssued: false });
    expect(await k.keystore.exportCertificatePem('ec')).toBe(k.fx.text('ec-leaf.crt') + k.fx.text('ca.crt'));
  });

  it('puts x5t, x5t#S256 and x5c into the signed header from the attached certificate', async () => {
    await k.keystore.import({ data: k.fx.text('ec.pem'), alias: 'ec' });
    await k.keystore.attachCertificate('ec', k.fx.text('ec-leaf.crt') + k.fx.text('ca.crt'));
    const signing = await k.keystore.getSigningKey('ec');
    const jwt = await signAssertion({ header: { x5t: true, x5tS256: true, x5c: true }, claims: { iss: 'c' } }, signing);
    const { protectedHeader } = await jwtVerify(jwt, await importJWK(await k.keystore.exportPublicJwk('ec'), 'ES256'));
    expect(protectedHeader.x5t).toBe(k.fx.x5t('ec-leaf.crt'));
    expect(protectedHeader['x5t#S256']).toBe(k.fx.x5tS256('ec-leaf.crt'));
    expect(protectedHeader.x5c).toEqual([new X509Certificate(k.fx.read('ec-leaf.crt')).raw.toString('base64'), new X509Certificate(k.fx.read('ca.crt')).raw.toString('base64')]);
  });

  it('can detach a certificate', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem') + k.fx.text('rsa.crt'), alias: 'rsa' });
    const info = await k.keystore.detachCertificate('rsa');
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
    await k.keystore.generate({ alias: 'k', alg, ...(modulusLength ? { modulusLength } : {}) });
    const info = await k.keystore.generateSelfSignedCertificate('k', { subject: 'CN=my-client, O=Acme Corp', validityDays: 10 });
    expect(info.certificate).toMatchObject({ subject: 'CN=my-client, O=Acme Corp', issuer: 'CN=my-client, O=Acme Corp', selfIssued: true });
    const days = (Date.parse(info.certificate!.notAfter) - Date.parse(info.certificate!.notBefore)) / 86_400_000;
    expect(Math.round(days)).toBe(10);

    const pem = await k.keystore.exportCertificatePem('k');
    writeFileSync(k.fx.path('self.crt'), pem);
    expect(openssl(['verify', '-CAfile', 'self.crt', 'self.crt'], k.fx.dir)).toContain('OK');
    expect(k.fx.x5tS256('self.crt')).toBe(info.certificate!.x5tS256);
    expect(new X509Certificate(pem).checkPrivateKey((await k.keystore.getSigningKey('k')).key as never)).toBe(true);
  });

  it('rejects a subject that is not a distinguished name', async () => {
    await k.keystore.generate({ alias: 'k', alg: 'ES256' });
    await expect(k.keystore.generateSelfSignedCertificate('k', { subject: 'just words' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.keystore.generateSelfSignedCertificate('k', { subject: 'CN=ok', validityDays: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await k.keystore.show('k')).certificate).toBeUndefined();
  });
});

describe('mutual TLS credentials', () => {
  it('hands out the chain and key as PEM once a certificate is attached', async () => {
    await k.keystore.import({ data: k.fx.text('rsa.pem'), alias: 'tls' });
    await expect(k.keystore.getTlsClientCredentials('tls')).rejects.toMatchObject({ code: 'MISSING_CONFIGURATION' });
    await k.keystore.attachCertificate('tls', k.fx.text('rsa.crt'));
    const { certPem, keyPem } = await k.keystore.getTlsClientCredentials('tls');
    expect(certPem).toBe(k.fx.text('rsa.crt'));
    expect(new X509Certificate(certPem).checkPrivateKey((await import('node:crypto')).createPrivateKey(keyPem))).toBe(true);
  });
});
