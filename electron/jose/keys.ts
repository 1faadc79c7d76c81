import { KeyObject, X509Certificate, createPublicKey } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK, type KeyObject as JoseKeyObject } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { HMAC_ALGS } from '../../shared/grants';

/**
 * Verification keys, whatever they were pasted or fetched as, normalised to
 * public JWKs (or a shared secret) so one code path decides which algorithms
 * a key may verify — from the key, never from the token.
 */

export type KeyFamily = 'RSA' | 'EC' | 'OKP' | 'oct';

export interface VerificationKey {
  /** How the report names the key, e.g. `JWKS key #2 (kid "k2")`. */
  label: string;
  source: 'jwks' | 'key' | 'secret';
  kid?: string;
  family: KeyFamily;
  /** The public JWK (asymmetric) — never private members. */
  jwk?: JWK;
  /** The shared secret (HS*). */
  secret?: Uint8Array;
  /** Why this secret must not be used: it is really a public key (key-confusion attack). */
  confusion?: string;
}

export const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
const EC_ALG_BY_CURVE: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Algorithms a key can verify; a JWK's own `alg` narrows them to one. */
export function algorithmsForKey(key: VerificationKey): string[] {
  let algs: string[];
  switch (key.family) {
    case 'RSA':
      algs = [...RSA_ALGS];
      break;
    case 'EC': {
      const alg = EC_ALG_BY_CURVE[key.jwk?.crv ?? ''];
      algs = alg ? [alg] : [];
      break;
    }
    case 'OKP':
      algs = key.jwk?.crv === 'Ed25519' ? ['EdDSA', 'Ed25519'] : key.jwk?.crv === 'Ed448' ? ['EdDSA'] : [];
      break;
    case 'oct':
      algs = [...HMAC_ALGS];
      break;
  }
  const declared = key.jwk?.alg;
  return declared ? algs.filter((a) => a === declared) : algs;
}

export function describeFamily(key: VerificationKey): string {
  switch (key.family) {
    case 'RSA':
      return 'an RSA public key';
    case 'EC':
      return `an EC public key (${key.jwk?.crv ?? 'unknown curve'})`;
    case 'OKP':
      return `an ${key.jwk?.crv ?? 'OKP'} public key`;
    case 'oct':
      return 'a shared secret';
  }
}

function familyOf(kty: unknown): KeyFamily | undefined {
  return kty === 'RSA' || kty === 'EC' || kty === 'OKP' || kty === 'oct' ? kty : undefined;
}

/** Keeps only public members: a private JWK pasted to verify with must not travel further. */
export function publicJwk(jwk: JWK): JWK {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(jwk)) if (!PRIVATE_MEMBERS.includes(k)) out[k] = v;
  return out as JWK;
}

/** Structural problems of a JWK, before any import is attempted. */
export function jwkProblem(jwk: Record<string, unknown>): string | undefined {
  const family = familyOf(jwk.kty);
  if (!family) return typeof jwk.kty === 'string' ? `unsupported key type "${jwk.kty}"` : 'no "kty"';
  const need: Record<KeyFamily, string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'], oct: ['k'] };
  const missing = need[family].filter((m) => typeof jwk[m] !== 'string' || jwk[m] === '');
  if (missing.length) return `${family} key without ${missing.map((m) => `"${m}"`).join(', ')}`;
  const notB64 = need[family].filter((m) => m !== 'crv' && !/^[A-Za-z0-9_-]+$/.test(jwk[m] as string));
  if (notB64.length) return `${notB64.map((m) => `"${m}"`).join(', ')} ${notB64.length === 1 ? 'is' : 'are'} not base64url`;
  return undefined;
}

const DEFAULT_IMPORT_ALG: Record<KeyFamily, (jwk: JWK) => string | undefined> = {
  RSA: () => 'RS256',
  EC: (jwk) => EC_ALG_BY_CURVE[jwk.crv ?? ''],
  OKP: (jwk) => (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? 'EdDSA' : undefined),
  oct: () => 'HS256',
};

/** Imports a JWK once to learn whether its material is usable; returns why not. */
export async function jwkImportProblem(jwk: JWK): Promise<string | undefined> {
  const family = familyOf(jwk.kty);
  if (!family) return `unsupported key type "${String(jwk.kty)}"`;
  const alg = jwk.alg ?? DEFAULT_IMPORT_ALG[family](jwk);
  if (!alg) return `unsupported curve "${String(jwk.crv)}"`;
  try {
    await importJWK({ ...jwk, ext: true, key_ops: undefined } as JWK, alg);
    return undefined;
  } catch (err) {
    return `cannot be imported as ${alg}: ${(err as Error).message}`;
  }
}

function fromJwk(jwk: JWK, source: VerificationKey['source'], label: string): VerificationKey {
  const problem = jwkProblem(jwk as Record<string, unknown>);
  if (problem) throw new WorkbenchError('KEY_INVALID', `${label}: ${problem}`);
  const family = familyOf(jwk.kty) as KeyFamily;
  if (family === 'oct') return fromSecret(base64urlBytes(jwk.k as string, label), label, jwk.kid);
  return { label, source, family, jwk: publicJwk(jwk), ...(jwk.kid ? { kid: jwk.kid } : {}) };
}

function base64urlBytes(s: string, label: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new WorkbenchError('KEY_INVALID', `${label}: "k" is not base64url`);
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

function fromKeyObject(key: KeyObject, label: string): VerificationKey {
  if (key.type === 'secret') return fromSecret(new Uint8Array(key.export()), label);
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  let jwk: JWK;
  try {
    jwk = pub.export({ format: 'jwk' }) as JWK;
  } catch (err) {
    throw new WorkbenchError('KEY_INVALID', `${label}: a ${pub.asymmetricKeyType ?? 'key'} key cannot be used for JOSE: ${(err as Error).message}`, { cause: err });
  }
  return fromJwk(jwk, 'key', label);
}

function fromSecret(secret: Uint8Array, label: string, kid?: string): VerificationKey {
  const text = new TextDecoder().decode(secret);
  let confusion: string | undefined;
  if (/-----BEGIN [A-Z ]*(PUBLIC KEY|CERTIFICATE)-----/.test(text))
    confusion = 'the "secret" is a PEM public key: HMAC with a public key as its secret is the key-confusion attack — anyone holding the public key could forge tokens';
  else if (/"kty"\s*:\s*"(RSA|EC|OKP)"/.test(text)) confusion = 'the "secret" is a public JWK: HMAC with a public key as its secret is the key-confusion attack';
  return { label, source: 'secret', family: 'oct', secret, ...(kid ? { kid } : {}), ...(confusion ? { confusion } : {}) };
}

export type KeyInput = CryptoKey | KeyObject | JoseKeyObject | JWK | string | Uint8Array;

/**
 * Reads a pasted or loaded key: a PEM public key, certificate or private key
 * (its public half is used), a JWK (object or JSON text; private members
 * dropped), a Node KeyObject or WebCrypto CryptoKey.
 */
export function keyFromInput(input: KeyInput, label = 'the key'): VerificationKey {
  if (input instanceof KeyObject) return fromKeyObject(input, label);
  if (input instanceof Uint8Array) return fromSecret(input, label);
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new WorkbenchError('KEY_INVALID', `${label} looks like JSON but does not parse: ${(err as Error).message}`);
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new WorkbenchError('KEY_INVALID', `${label} is JSON but not a JWK object`);
      if ('keys' in json) throw new WorkbenchError('INVALID_INPUT', `${label} is a JWK Set; pass it as a JWKS, not as a single key`);
      return fromJwk(json as JWK, 'key', label);
    }
    if (text.includes('-----BEGIN')) {
      if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text))
        throw new WorkbenchError('KEY_INVALID', `${label} is an encrypted private key; import it into the keystore (with its passphrase) or pass the public key`);
      try {
        if (/-----BEGIN CERTIFICATE-----/.test(text)) return fromKeyObject(new X509Certificate(text).publicKey, label);
        return fromKeyObject(createPublicKey(text), label);
      } catch (err) {
        if (err instanceof WorkbenchError) throw err;
        throw new WorkbenchError('KEY_INVALID', `${label} is not a usable PEM key or certificate: ${(err as Error).message}`, { cause: err });
      }
    }
    throw new WorkbenchError('KEY_INVALID', `${label} is neither PEM (-----BEGIN …) nor a JWK (JSON); for a shared secret use the secret option`);
  }
  if (isCryptoKey(input)) return fromKeyObject(KeyObject.from(input as Parameters<typeof KeyObject.from>[0]), label);
  if (input && typeof input === 'object') return fromJwk(input as JWK, 'key', label);
  throw new WorkbenchError('KEY_INVALID', `${label} is not a key`);
}

function isCryptoKey(v: unknown): boolean {
  // Node 20 has the class only as a global (not on node:crypto's webcrypto).
  const CryptoKeyClass = (globalThis as { CryptoKey?: abstract new () => unknown }).CryptoKey;
  return typeof CryptoKeyClass === 'function' && v instanceof CryptoKeyClass;
}

export function secretFromInput(secret: string | Uint8Array, label = 'the shared secret'): VerificationKey {
  if (typeof secret === 'string' && secret === '') throw new WorkbenchError('INVALID_INPUT', `${label} is empty`);
  return fromSecret(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret, label);
}

/** What jose needs to verify with this key under `alg`. */
export async function importForAlg(key: VerificationKey, alg: string): Promise<CryptoKey | Uint8Array> {
  if (key.secret) return key.secret;
  if (!key.jwk) throw new WorkbenchError('KEY_INVALID', `${key.label} has no key material`);
  // key_ops/use were already used to select the key; WebCrypto would reject them a second time with a less useful message.
  const { key_ops: _ops, use: _use, ...jwk } = key.jwk;
  const imported = await importJWK({ ...jwk, alg } as JWK, alg);
  return imported;
}
