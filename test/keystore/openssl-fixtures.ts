import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url } from 'jose';

/** Keys and certificates made by the openssl CLI, the way users make them, in a temp dir. */
export interface OpensslFixtures {
  dir: string;
  path(name: string): string;
  read(name: string): Buffer;
  text(name: string): string;
  /** `openssl x509 -fingerprint` of a certificate, as JOSE base64url. */
  x5t(certName: string): string;
  x5tS256(certName: string): string;
  cleanup(): void;
}

export const PKCS8_PASSPHRASE = 'correct horse battery staple';
export const P12_PASSWORD = 'p12-Password!';

export function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function fingerprint(dir: string, cert: string, digest: 'sha1' | 'sha256'): string {
  const out = openssl(['x509', '-in', cert, '-noout', '-fingerprint', `-${digest}`], dir);
  const hex = out.split('=')[1]!.trim().replace(/:/g, '');
  return base64url.encode(Buffer.from(hex, 'hex'));
}

/**
 * rsa.pem (PKCS#8), rsa1.pem (PKCS#1), ec.pem (SEC1 with EC PARAMETERS),
 * ec384.pem / ec521.pem / ed25519.pem (PKCS#8), enc.pem (encrypted PKCS#8 of rsa.pem),
 * rsa1-enc.pem (legacy Proc-Type encrypted PKCS#1 of rsa1.pem), k1.pem (secp256k1), rsa.crt / rsa.der (self-signed for rsa.pem), ca.key / ca.crt,
 * ec-leaf.crt (CA-issued for ec.pem), rsa.p12 (OpenSSL 3 default AES-256),
 * rsa-legacy.p12 (-legacy, 3DES/RC2), ec-chain.p12 (ec key + leaf + CA), certs-only.p12.
 */
export function createOpensslFixtures(): OpensslFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'tokenbench-openssl-'));
  const run = (...args: string[]) => openssl(args, dir);
  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem');
  run('genrsa', '-traditional', '-out', 'rsa1.pem', '2048');
  run('ecparam', '-genkey', '-name', 'prime256v1', '-out', 'ec.pem');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'ec384.pem');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521', '-out', 'ec521.pem');
  run('genpkey', '-algorithm', 'ed25519', '-out', 'ed25519.pem');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-out', 'k1.pem');
  run('pkcs8', '-topk8', '-in', 'rsa.pem', '-v2', 'aes-256-cbc', '-passout', `pass:${PKCS8_PASSPHRASE}`, '-out', 'enc.pem');
  run('rsa', '-in', 'rsa1.pem', '-traditional', '-aes256', '-passout', `pass:${PKCS8_PASSPHRASE}`, '-out', 'rsa1-enc.pem');
  run('req', '-x509', '-new', '-key', 'rsa.pem', '-subj', '/CN=rsa-client/O=Acme', '-days', '30', '-out', 'rsa.crt');
  run('x509', '-in', 'rsa.crt', '-outform', 'DER', '-out', 'rsa.der');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=Test CA', '-days', '30', '-out', 'ca.crt');
  run('req', '-new', '-key', 'ec.pem', '-subj', '/CN=ec-leaf', '-out', 'ec-leaf.csr');
  run('x509', '-req', '-in', 'ec-leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', 'ec-leaf.crt');
  run('pkcs12', '-export', '-inkey', 'rsa.pem', '-in', 'rsa.crt', '-passout', `pass:${P12_PASSWORD}`, '-out', 'rsa.p12');
  run('pkcs12', '-export', '-legacy', '-inkey', 'rsa.pem', '-in', 'rsa.crt', '-passout', `pass:${P12_PASSWORD}`, '-out', 'rsa-legacy.p12');
  run('pkcs12', '-export', '-inkey', 'ec.pem', '-in', 'ec-leaf.crt', '-certfile', 'ca.crt', '-passout', `pass:${P12_PASSWORD}`, '-out', 'ec-chain.p12');
  run('pkcs12', '-export', '-nokeys', '-in', 'rsa.crt', '-passout', `pass:${P12_PASSWORD}`, '-out', 'certs-only.p12');
  // A CA certificate before the leaf, to check that chains are put in leaf-first order.
  writeFileSync(join(dir, 'ec-chain-reversed.pem'), readFileSync(join(dir, 'ca.crt'), 'utf8') + readFileSync(join(dir, 'ec-leaf.crt'), 'utf8'));

  return {
    dir,
    path: (name) => join(dir, name),
    read: (name) => readFileSync(join(dir, name)),
    text: (name) => readFileSync(join(dir, name), 'utf8'),
    x5t: (cert) => fingerprint(dir, cert, 'sha1'),
    x5tS256: (cert) => fingerprint(dir, cert, 'sha256'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
