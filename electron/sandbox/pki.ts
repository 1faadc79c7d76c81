import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { x509 } from '../keystore/x509';
import type { SandboxSigningKey } from './types';

/**
 * The sandbox's throwaway PKI: a CA, the HTTPS server certificate for the
 * mTLS listener, client certificates, and JOSE keys. Everything is generated
 * per start and lives in memory only.
 */

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** The subject DN as @peculiar/x509 renders it (the form tls_client_auth_subject_dn is registered in). */
  subjectDn: string;
  /** Base64 (not url) DER, for a JWK's x5c. */
  derBase64: string;
  keys: CryptoKeyPair;
}

export interface CertificateAuthority extends IssuedCertificate {
  issue(options: { subject: string; serverNames?: { ips: string[]; dns: string[] }; usage: 'server' | 'client' }): Promise<IssuedCertificate>;
}

async function generateEcKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function describe(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedCertificate> {
  return {
    certPem: cert.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
    subjectDn: cert.subject,
    derBase64: Buffer.from(cert.rawData).toString('base64'),
    keys,
  };
}

function validity(): { notBefore: Date; notAfter: Date } {
  // Back-dated a little so a client with a slightly slow clock accepts it.
  const now = Date.now();
  return { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 30 * DAY_MS) };
}

function randomSerial(): string {
  // A positive 16-byte serial: clear the top bit so DER does not read it as negative.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function createCertificateAuthority(name = 'CN=Token Workbench Sandbox CA, O=Token Workbench Sandbox'): Promise<CertificateAuthority> {
  const keys = await generateEcKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    ...validity(),
    signingAlgorithm: EC_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const described = await describe(caCert, keys);

  return {
    ...described,
    async issue({ subject, serverNames, usage }) {
      const leafKeys = await generateEcKeys();
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      ];
      if (serverNames) {
        extensions.push(
          new x509.SubjectAlternativeNameExtension([
            ...serverNames.ips.map((value) => ({ type: 'ip' as const, value })),
            ...serverNames.dns.map((value) => ({ type: 'dns' as const, value })),
          ]),
        );
      }
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject,
        issuer: caCert.subject,
        ...validity(),
        signingAlgorithm: EC_SHA256,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions,
      });
      return describe(cert, leafKeys);
    },
  };
}

/** A self-signed certificate, as a self_signed_tls_client_auth client holds. */
export async function createSelfSignedCertificate(subject: string): Promise<IssuedCertificate> {
  const keys = await generateEcKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    ...validity(),
    signingAlgorithm: EC_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  return describe(cert, keys);
}

/** An RSA key and self-signed certificate for signing XML (the sandbox's SAML IdP). */
export async function createRsaSigningCertificate(subject: string): Promise<IssuedCertificate> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    ...validity(),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.AlgorithmIdentifier & { name: string },
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return describe(cert, keys);
}

/** The public JWK of a certificate's key with the certificate attached (x5c), for self_signed_tls_client_auth. */
export async function certificateJwk(cert: IssuedCertificate): Promise<JWK> {
  const jwk = await exportJWK(cert.keys.publicKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), x5c: [cert.derBase64] };
}

/** Compares DNs by their parsed form, so spacing and escaping differences do not matter. */
export function sameDistinguishedName(a: string, b: string): boolean {
  try {
    return new x509.Name(a).toString() === new x509.Name(b).toString();
  } catch {
    return false;
  }
}

/** The subject DN of a DER certificate, in the same rendering as `IssuedCertificate.subjectDn`. */
export function subjectOf(der: Uint8Array): string {
  return new x509.X509Certificate(der).subject;
}

/** A JOSE key pair with its kid (the JWK thumbprint), exported for handing out. */
export async function generateSigningKey(alg: string, options: { crv?: string } = {}): Promise<SandboxSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(options.crv ? { crv: options.crv } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    // No `alg` on the JWKs: an RSA key serves RS* and PS* alike.
    privateJwk: { ...(await exportJWK(privateKey)), kid },
    publicJwk: { ...publicJwk, kid },
  };
}

/** One key per family a private_key_jwt client may sign with. */
export async function generateClientSigningKeys(): Promise<SandboxSigningKey[]> {
  return Promise.all([
    generateSigningKey('RS256'),
    generateSigningKey('ES256'),
    generateSigningKey('ES384'),
    generateSigningKey('ES512'),
    generateSigningKey('EdDSA', { crv: 'Ed25519' }),
  ]);
}
