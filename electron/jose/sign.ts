import { SignJWT, calculateJwkThumbprint, exportJWK, type CryptoKey, type JWTHeaderParameters, type KeyObject } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { ASSERTION_LIFETIME_HARD_CAP_SECONDS } from '../../shared/assertion-limits';
import { HMAC_ALGS } from '../../shared/grants';
import { KID_MODES, type KidMode } from '../../shared/interop';

/**
 * A key ready to sign with, wherever it came from (keystore alias, PEM/JWK
 * file, generated). Private material stays in the main process.
 */
export interface SigningKey {
  key: CryptoKey | KeyObject;
  alg: string;
  /** The key's own key id: its keystore kid, or the kid a JWK file carries (a PEM has none). */
  kid?: string;
  /** RFC 7638 JWK thumbprint (SHA-256); computed from the key when absent and asked for. */
  thumbprint?: string;
  /** Base64url SHA-1 and SHA-256 thumbprints of the attached certificate. */
  x5t?: string;
  x5tS256?: string;
  /** Base64 (not url) DER certificates, leaf first. */
  x5c?: string[];
}

export { KID_MODES, type KidMode };

/**
 * Header options of every JWT the workbench signs (client assertions, JWT
 * bearer assertions, request objects, DPoP proofs). Servers select the
 * verification key by `kid` or by certificate thumbprint, and each registers
 * keys its own way, so each of these is a choice, never a guess.
 */
export interface JwtHeaderOptions {
  typ?: string;
  /** Default 'key'; `true`/`false` are the older spelling of 'key'/'none'. */
  kid?: KidMode | boolean;
  /** The value for kid 'custom'. */
  customKid?: string;
  /** `x5t` / `x5t#S256` / `x5c` from the key's certificate. */
  x5t?: boolean;
  x5tS256?: boolean;
  x5c?: boolean;
  /** Further protected header members (e.g. DPoP's `jwk`); they cannot replace `alg`. */
  extra?: Record<string, unknown>;
}
/** The older name, kept for callers written before the JOSE module. */
export type AssertionHeaderOptions = JwtHeaderOptions;

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

type HeaderSigner = Pick<SigningKey, 'alg' | 'kid' | 'thumbprint' | 'x5t' | 'x5tS256' | 'x5c'>;

const normalKidMode = (kid: JwtHeaderOptions['kid']): KidMode => (kid === undefined || kid === true ? 'key' : kid === false ? 'none' : kid);

/** The `kid` a header gets under the chosen mode; undefined for none (or a key without its own kid). */
export function selectKid(signer: Pick<SigningKey, 'kid' | 'thumbprint'>, options: Pick<JwtHeaderOptions, 'kid' | 'customKid'>): string | undefined {
  switch (normalKidMode(options.kid)) {
    case 'key':
      return signer.kid;
    case 'thumbprint':
      if (!signer.thumbprint) throw new WorkbenchError('MISSING_CONFIGURATION', 'kid "thumbprint" needs a key pair (a shared secret has no JWK thumbprint)');
      return signer.thumbprint;
    case 'custom':
      if (!options.customKid) throw new WorkbenchError('MISSING_CONFIGURATION', 'kid "custom" needs a value');
      return options.customKid;
    case 'none':
      return undefined;
  }
}

/** The protected header for these options and this key. Pure: nothing is signed. */
export function jwtHeader(signer: HeaderSigner, h: JwtHeaderOptions = {}): JWTHeaderParameters {
  const header: JWTHeaderParameters = { ...(h.extra ?? {}), alg: signer.alg, typ: h.typ ?? 'JWT' };
  const kid = selectKid(signer, h);
  if (kid !== undefined) header.kid = kid;
  if (h.x5t || h.x5tS256 || h.x5c) {
    if (!signer.x5t) throw new WorkbenchError('MISSING_CONFIGURATION', 'the x5t / x5t#S256 / x5c headers need a certificate attached to the signing key');
    if (h.x5t) header.x5t = signer.x5t;
    if (h.x5tS256) (header as Record<string, unknown>)['x5t#S256'] = signer.x5tS256;
    if (h.x5c && signer.x5c) header.x5c = signer.x5c;
  }
  return header;
}

/** RFC 7638 thumbprint of a key pair; the private JWK gives the same value (only public members count). */
export async function keyThumbprint(key: CryptoKey | KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(key));
}

/** The payload of an assertion from its claims spec. */
export function assertionPayload(c: AssertionClaims, now = new Date(), cap: number | false = ASSERTION_LIFETIME_HARD_CAP_SECONDS): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  const payload: Record<string, unknown> = { ...(c.extra ?? {}) };
  for (const k of ENGINE_TIME_CLAIMS) delete payload[k];
  if (c.iss !== undefined) payload.iss = c.iss;
  if (c.sub !== undefined) payload.sub = c.sub;
  if (c.aud !== undefined) payload.aud = c.aud;
  // The global Web Crypto's randomUUID (node:crypto's generator), so importing this module loads no crypto code.
  if (c.jti !== false) payload.jti = typeof c.jti === 'string' ? c.jti : crypto.randomUUID();
  if (c.iat !== false) payload.iat = iat;
  if (c.nbf) payload.nbf = iat;
  if (c.lifetimeSeconds !== undefined) payload.exp = iat + (cap === false ? c.lifetimeSeconds : Math.min(c.lifetimeSeconds, cap));
  else if (cap !== false) payload.exp = iat + cap;
  return payload;
}

/** What will be signed: header and payload, before any key is touched. */
export function previewAssertion(spec: AssertionSpec, signer: HeaderSigner, now = new Date()): AssertionPreview {
  return { header: jwtHeader(signer, spec.header), payload: assertionPayload(spec.claims, now, spec.maxLifetimeSeconds) };
}

/**
 * Signs a JWT with jose: the one place the workbench signs one (client
 * assertions, JWT bearer assertions, request objects, DPoP proofs).
 * `claims` is the payload as it will be sent; `what` names it in a signing error ("a DPoP proof").
 */
export async function signJwt(signer: AssertionSigner, claims: Record<string, unknown>, headerOptions: JwtHeaderOptions = {}, what?: string): Promise<string> {
  const secret = isSecret(signer);
  if (secret && !(HMAC_ALGS as readonly string[]).includes(signer.alg))
    throw new WorkbenchError('INVALID_INPUT', `a shared secret signs only with ${HMAC_ALGS.join(', ')}, not ${signer.alg}`);
  if (!secret && signer.alg.startsWith('HS')) throw new WorkbenchError('INVALID_INPUT', `${signer.alg} needs a shared secret, not a key pair`);
  let headerSigner: HeaderSigner = secret ? { alg: signer.alg, kid: signer.kid } : signer;
  if (!secret && normalKidMode(headerOptions.kid) === 'thumbprint' && !signer.thumbprint) headerSigner = { ...signer, thumbprint: await keyThumbprint(signer.key) };
  const header = jwtHeader(headerSigner, headerOptions);
  const key = secret ? new TextEncoder().encode(signer.secret) : signer.key;
  try {
    return await new SignJWT(claims).setProtectedHeader(header).sign(key);
  } catch (err) {
    throw new WorkbenchError('SIGNING_FAILED', `cannot sign ${what ? `${what} ` : ''}with ${signer.alg}: ${(err as Error).message}`, { cause: err });
  }
}

/** Signs an assertion built from a claims spec (client assertion, JWT bearer assertion or an ad-hoc token). */
export function signAssertion(spec: AssertionSpec, signer: AssertionSigner, now = new Date()): Promise<string> {
  return signJwt(signer, assertionPayload(spec.claims, now, spec.maxLifetimeSeconds), spec.header);
}
