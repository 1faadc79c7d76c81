import { createHash, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { base64url } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import type { CertificateInfo } from '../../shared/keys';
import type { KeyKind } from './algorithms';
import { findPemBlocks, toPem } from './pem';
import { x509 } from './x509';

export type { CertificateInfo };

function parseDer(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(der);
  } catch (err) {
    throw new WorkbenchError('CERTIFICATE_INVALID', `not a valid X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Certificates from PEM text (any number of CERTIFICATE blocks; other blocks
 * are ignored) or one DER certificate. Each is parsed to prove it is one.
 */
export function readCertificates(data: string | Uint8Array): Buffer[] {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = findPemBlocks(text, 'CERTIFICATE_INVALID').filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
    if (blocks.length === 0) throw new WorkbenchError('CERTIFICATE_INVALID', 'no complete CERTIFICATE block found in the PEM');
    return blocks.map((b) => {
      parseDer(b.der);
      return b.der;
    });
  }
  if (typeof data === 'string') throw new WorkbenchError('CERTIFICATE_INVALID', 'expected a PEM certificate (-----BEGIN CERTIFICATE-----) or DER bytes');
  const der = Buffer.from(data);
  parseDer(der);
  return [der];
}

function fingerprint(der: Uint8Array, algorithm: 'sha1' | 'sha256'): Buffer {
  return createHash(algorithm).update(der).digest();
}

const colonHex = (bytes: Buffer) => bytes.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');

export function certificateInfo(der: Uint8Array): CertificateInfo {
  const cert = parseDer(der);
  const sha1 = fingerprint(der, 'sha1');
  const sha256 = fingerprint(der, 'sha256');
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    selfIssued: cert.subject === cert.issuer,
    x5t: base64url.encode(sha1),
    x5tS256: base64url.encode(sha256),
    sha1Fingerprint: colonHex(sha1),
    sha256Fingerprint: colonHex(sha256),
  };
}

function certificatePublicKey(der: Uint8Array): KeyObject {
  const cert = parseDer(der);
  try {
    return createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
  } catch (err) {
    throw new WorkbenchError('CERTIFICATE_INVALID', `the certificate's public key cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Orders a chain for a key: the certificate whose public key is the key's goes
 * first (else CERTIFICATE_KEY_MISMATCH), then issuers in path order, then any
 * remaining certificates as given.
 */
export function chainForKey(certificates: Buffer[], publicKey: KeyObject): Buffer[] {
  const leafIndex = certificates.findIndex((der) => samePublicKey(certificatePublicKey(der), publicKey));
  if (leafIndex < 0) {
    const subjects = certificates.map((der) => parseDer(der).subject).join('; ');
    throw new WorkbenchError('CERTIFICATE_KEY_MISMATCH', `no certificate matches this key's public key (certificates: ${subjects})`);
  }
  const rest = certificates.filter((_, i) => i !== leafIndex);
  const chain = [certificates[leafIndex]!];
  for (;;) {
    const current = parseDer(chain[chain.length - 1]!);
    if (current.subject === current.issuer) break;
    const next = rest.findIndex((der) => parseDer(der).subject === current.issuer);
    if (next < 0) break;
    chain.push(rest.splice(next, 1)[0]!);
  }
  return [...chain, ...rest];
}

/**
 * Compares the DER SubjectPublicKeyInfo both keys re-encode to. Not
 * KeyObject.equals: across key types it leaves an OpenSSL error queued that a
 * later, unrelated createPrivateKey then reports as its own failure.
 */
function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

export function certificatesToPem(certificates: Uint8Array[]): string {
  return certificates.map((der) => toPem('CERTIFICATE', der)).join('');
}

export interface SelfSignedSpec {
  /** Distinguished name, e.g. "CN=my-client, O=Acme". */
  subject: string;
  validityDays: number;
}

const MAX_VALIDITY_DAYS = 36_500;

function signatureAlgorithm(kind: KeyKind): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm {
  if (kind.keyType === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (kind.keyType === 'EC') return { name: 'ECDSA', namedCurve: kind.curve };
  return { name: 'Ed25519' };
}

const EC_HASH = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' } as const;

function parseSubject(subject: string): x509.Name {
  let name: x509.Name;
  try {
    name = new x509.Name(subject);
  } catch (err) {
    throw new WorkbenchError('INVALID_INPUT', `subject "${subject}" is not a distinguished name like "CN=my-client, O=Acme": ${(err as Error).message}`, { cause: err });
  }
  const attributes = name.toJSON().flatMap((rdn) => Object.values(rdn).flat());
  if (attributes.length === 0 || attributes.some((v) => v.trim() === ''))
    throw new WorkbenchError('INVALID_INPUT', `subject "${subject}" is not a distinguished name like "CN=my-client, O=Acme"`);
  return name;
}

/** A self-signed certificate for a key pair: end-entity, digitalSignature, clientAuth (for self_signed_tls_client_auth). */
export async function createSelfSignedCertificate(privateKey: KeyObject, kind: KeyKind, spec: SelfSignedSpec, now = new Date()): Promise<Buffer> {
  const name = parseSubject(spec.subject);
  if (!Number.isInteger(spec.validityDays) || spec.validityDays < 1 || spec.validityDays > MAX_VALIDITY_DAYS)
    throw new WorkbenchError('INVALID_INPUT', `validity must be a whole number of days between 1 and ${MAX_VALIDITY_DAYS}`);
  const algorithm = signatureAlgorithm(kind);
  const publicKey = createPublicKey(privateKey);
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify']),
  };
  const serial = randomBytes(16);
  // A positive, non-zero serial as RFC 5280 §4.1.2.2 requires.
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name,
    notBefore: now,
    notAfter: new Date(now.getTime() + spec.validityDays * 86_400_000),
    signingAlgorithm: kind.keyType === 'EC' ? { ...algorithm, hash: EC_HASH[kind.curve] } : algorithm,
    keys: keys as unknown as x509.X509CertificateCreateSelfSignedParams['keys'],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as x509.PublicKeyType),
    ],
  });
  return Buffer.from(cert.rawData);
}
