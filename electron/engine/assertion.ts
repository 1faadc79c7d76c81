import { SignJWT, type CryptoKey, type JWTHeaderParameters, type KeyObject } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { HMAC_ALGS } from '../../shared/grants';
import { ASSERTION_LIFETIME_HARD_CAP_SECONDS } from '../../shared/assertion-limits';

/**
 * A key ready to sign with, wherever it came from (keystore alias, PEM/JWK
 * file, generated). Private material stays in the main process.
 */
export interface SigningKey {
  key: CryptoKey | KeyObject;
  alg: string;
  kid?: string;
  /** Base64url SHA-1 and SHA-256 thumbprints of the attached certificate. */
  x5t?: string;
  x5tS256?: string;
  /** Base64 (not url) DER certificates, leaf first. */
  x5c?: string[];
}

export interface AssertionHeaderOptions {
  typ?: string;
  /** Include `kid` (default true when the key has one). */
  kid?: boolean;
  /** Include `x5t` / `x5t#S256` / `x5c` from the key's certificate. */
  x5t?: boolean;
  x5tS256?: boolean;
  x5c?: boolean;
}

export interface AssertionClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Lifetime in seconds; sets `exp` = iat + lifetime. */
  lifetimeSeconds?: number;
  /** Include `iat` (default true) and `nbf` (default false). */
  iat?: boolean;
  nbf?: boolean;
  /** Random `jti` (default true). */
  jti?: boolean | string;
  /** Custom claims; they win over nothing: registered claims above are set after them. */
  extra?: Record<string, unknown>;
}

export interface AssertionSpec {
  header?: AssertionHeaderOptions;
  claims: AssertionClaims;
  /**
   * The longest `exp` - `iat` this assertion may get (default: the hard cap, 1 h — issue 11). Only the
   * `tokenbench assertion` command, which mints what its user types, passes `false`.
   */
  maxLifetimeSeconds?: number | false;
}

/** Time claims belong to the engine: custom claims never set them (issue 11). */
const ENGINE_TIME_CLAIMS = ['exp', 'iat', 'nbf'] as const;

export type AssertionSigner = SigningKey | { secret: string; alg: string; kid?: string };

export interface AssertionPreview {
  header: JWTHeaderParameters;
  payload: Record<string, unknown>;
}

const isSecret = (s: AssertionSigner): s is { secret: string; alg: string; kid?: string } => 'secret' in s;

/** What will be signed: header and payload, before any key is touched. */
export function previewAssertion(spec: AssertionSpec, signer: Pick<SigningKey, 'alg' | 'kid' | 'x5t' | 'x5tS256' | 'x5c'>, now = new Date()): AssertionPreview {
  const h = spec.header ?? {};
  const header: JWTHeaderParameters = { alg: signer.alg, typ: h.typ ?? 'JWT' };
  if ((h.kid ?? true) && signer.kid) header.kid = signer.kid;
  if (h.x5t || h.x5tS256 || h.x5c) {
    if (!signer.x5t) throw new WorkbenchError('MISSING_CONFIGURATION', 'the x5t / x5c headers need a certificate attached to the signing key');
    if (h.x5t) header.x5t = signer.x5t;
    if (h.x5tS256) (header as Record<string, unknown>)['x5t#S256'] = signer.x5tS256;
    if (h.x5c && signer.x5c) header.x5c = signer.x5c;
  }

  const c = spec.claims;
  const iat = Math.floor(now.getTime() / 1000);
  const payload: Record<string, unknown> = { ...(c.extra ?? {}) };
  for (const k of ENGINE_TIME_CLAIMS) delete payload[k];
  const cap = spec.maxLifetimeSeconds === undefined ? ASSERTION_LIFETIME_HARD_CAP_SECONDS : spec.maxLifetimeSeconds;
  if (c.iss !== undefined) payload.iss = c.iss;
  if (c.sub !== undefined) payload.sub = c.sub;
  if (c.aud !== undefined) payload.aud = c.aud;
  // The global Web Crypto's randomUUID (node:crypto's generator), so importing this module loads no crypto code.
  if (c.jti !== false) payload.jti = typeof c.jti === 'string' ? c.jti : crypto.randomUUID();
  if (c.iat !== false) payload.iat = iat;
  if (c.nbf) payload.nbf = iat;
  if (c.lifetimeSeconds !== undefined) payload.exp = iat + (cap === false ? c.lifetimeSeconds : Math.min(c.lifetimeSeconds, cap));
  else if (cap !== false) payload.exp = iat + cap;
  return { header, payload };
}

/** Signs a JWT (client assertion, JWT bearer assertion or an ad-hoc token) with jose. */
export async function signAssertion(spec: AssertionSpec, signer: AssertionSigner, now = new Date()): Promise<string> {
  const secret = isSecret(signer);
  if (secret && !(HMAC_ALGS as readonly string[]).includes(signer.alg))
    throw new WorkbenchError('INVALID_INPUT', `a shared secret signs only with ${HMAC_ALGS.join(', ')}, not ${signer.alg}`);
  if (!secret && signer.alg.startsWith('HS')) throw new WorkbenchError('INVALID_INPUT', `${signer.alg} needs a shared secret, not a key pair`);
  const { header, payload } = previewAssertion(spec, secret ? { alg: signer.alg, kid: signer.kid } : signer, now);
  const key = secret ? new TextEncoder().encode(signer.secret) : signer.key;
  try {
    return await new SignJWT(payload).setProtectedHeader(header).sign(key);
  } catch (err) {
    throw new WorkbenchError('SIGNING_FAILED', `cannot sign with ${signer.alg}: ${(err as Error).message}`, { cause: err });
  }
}
