import type { AsymmetricAlg } from '../../shared/grants';
import type { CertificateInfo } from './certificates';
import type { KeySource } from './key-import';

export type { CertificateInfo } from './certificates';
export type { KeySource } from './key-import';

/** A public JWK as published in a JWKS: no private members, ever. */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  alg: AsymmetricAlg;
  use: 'sig';
  /** Base64 (not url) DER, leaf first. */
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
}

export interface Jwks {
  keys: PublicJwk[];
}

/**
 * What list/show return: metadata and public parts only, safe to send to the
 * renderer or print. Private material is reachable only through
 * Keystore.getSigningKey / getTlsClientCredentials / exportPrivate.
 */
export interface KeyInfo {
  alias: string;
  keyType: 'RSA' | 'EC' | 'OKP';
  modulusLength?: number;
  curve?: string;
  /** The algorithm used when none is asked for. */
  alg: AsymmetricAlg;
  /** Every algorithm this key may sign with. */
  algorithms: AsymmetricAlg[];
  kid: string;
  source: KeySource;
  createdAt: string;
  updatedAt?: string;
  publicJwk: PublicJwk;
  /** The leaf certificate, when one is attached. */
  certificate?: CertificateInfo;
  /** The whole attached chain, leaf first (empty when none). */
  chain: CertificateInfo[];
}

export interface GenerateKeyOptions {
  alias: string;
  alg: AsymmetricAlg;
  /** RSA only: 2048 (default), 3072 or 4096. */
  modulusLength?: 2048 | 3072 | 4096;
}

export interface ImportKeyOptions {
  /** File contents: PEM/JWK/JWKS text or bytes (PEM, DER, PKCS#12). */
  data: string | Uint8Array;
  /** Passphrase of an encrypted key or password of a PKCS#12; used once, never stored. */
  passphrase?: string;
  /** Alias for the key; a JWKS with several keys gets ALIAS-1, ALIAS-2, … Default: derived from kid or thumbprint. */
  alias?: string;
  /** Default signing algorithm (must suit the key); default: the JWK's own `alg`, else RS256 / ES* / EdDSA. */
  alg?: AsymmetricAlg;
}

export interface SelfSignedCertificateOptions {
  /** Distinguished name, e.g. "CN=my-client, O=Acme". */
  subject: string;
  /** Default 365. */
  validityDays?: number;
}
