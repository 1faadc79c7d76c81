import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { signJwt, type SigningKey } from '../jose/sign';
import type { HttpClient, HttpResponse, PreparedRequest, SendOptions } from './http';
import type { Transcript } from './transcript';

/**
 * DPoP (RFC 9449): proofs of possession sent in the `DPoP` header of token,
 * userinfo, introspection and resource requests. The key signs; its public
 * JWK rides in the proof's header; the server binds tokens to its RFC 7638
 * thumbprint (`cnf.jkt`).
 */
export interface DpopKey {
  privateKey: CryptoKey | KeyObject;
  /** Public members only: it goes into every proof. */
  publicJwk: JWK;
  alg: string;
  /** RFC 7638 SHA-256 thumbprint of the public key: `dpop_jkt` and `cnf.jkt`. */
  thumbprint: string;
  /** Where it came from, for the transcript ("keystore:ALIAS", "ephemeral ES256"). */
  source: string;
}

/** Algorithms a DPoP proof may use: asymmetric only (RFC 9449 §4.2). */
const DPOP_ALGS = new Set(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']);

/** A fresh ES256 key for one run (`--dpop`): never stored anywhere. */
export async function generateDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: false });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, alg, thumbprint: await calculateJwkThumbprint(publicJwk), source: `ephemeral ${alg}` };
}

/** A keystore or key-file key as a DPoP key (its public half derived from the private one). */
export async function dpopKeyFromSigningKey(key: SigningKey, source: string, alg?: string): Promise<DpopKey> {
  const chosen = alg ?? key.alg;
  if (!DPOP_ALGS.has(chosen)) throw new WorkbenchError('INVALID_INPUT', `DPoP proofs are signed with an asymmetric algorithm, not ${chosen}`);
  const { createPublicKey } = process.getBuiltinModule('node:crypto');
  const full = await exportJWK(createPublicKey(key.key as import('node:crypto').KeyObject));
  const publicJwk = pickPublic(full);
  return { privateKey: key.key, publicJwk, alg: chosen, thumbprint: await calculateJwkThumbprint(publicJwk), source };
}

function pickPublic(jwk: JWK): JWK {
  const out: JWK = { kty: jwk.kty };
  for (const k of ['crv', 'x', 'y', 'n', 'e'] as const) if (jwk[k] !== undefined) out[k] = jwk[k];
  return out;
}

export interface DpopProofClaims {
  htm: string;
  htu: string;
  nonce?: string;
  /** The access token the request carries: its hash goes into `ath` (resource requests). */
  accessToken?: string;
}

/** `htu` is the URL without query and fragment (RFC 9449 §4.2). */
export function htuOf(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** SHA-256 of the access token, base64url: the proof's `ath`. */
export function accessTokenHash(accessToken: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(accessToken).digest('base64url');
}

/**
 * Signed where every JWT is (electron/jose/sign): typ dpop+jwt, the public
 * JWK in the header (RFC 9449 §4.2) and no kid — the jwk names the key.
 */
function signDpopJwt(key: DpopKey, claims: Record<string, unknown>): Promise<string> {
  return signJwt({ key: key.privateKey, alg: key.alg }, claims, { typ: 'dpop+jwt', kid: 'none', extra: { jwk: key.publicJwk } }, 'a DPoP proof');
}

/** Builds a proof for one request: `jti`, `htm`, `htu`, `iat`, and `nonce` / `ath` when given. */
export function createDpopProof(key: DpopKey, c: DpopProofClaims): Promise<string> {
  return signDpopJwt(key, {
    jti: crypto.randomUUID(),
    htm: c.htm,
    htu: htuOf(c.htu),
    iat: Math.floor(Date.now() / 1000),
    ...(c.nonce ? { nonce: c.nonce } : {}),
    ...(c.accessToken ? { ath: accessTokenHash(c.accessToken) } : {}),
  });
}

/**
 * The nonce a server asks for (RFC 9449 §8, §9): an authorization server
 * answers 400 `{"error":"use_dpop_nonce"}`, a resource server 401 with
 * `WWW-Authenticate: DPoP error="use_dpop_nonce"`; both send `DPoP-Nonce`.
 */
export function dpopNonceChallenge(res: HttpResponse): { nonce: string } | undefined {
  const nonce = res.headers['dpop-nonce'];
  if (!nonce) return undefined;
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(nonce) || nonce.length > 1024) throw new WorkbenchError('INVALID_RESPONSE', 'the server sent a DPoP-Nonce that is not a valid nonce');
  if (res.status === 400) {
    try {
      const body = JSON.parse(res.body) as { error?: unknown };
      if (body && body.error === 'use_dpop_nonce') return { nonce };
    } catch {
      return undefined;
    }
  }
  const challenge = res.headers['www-authenticate'] ?? '';
  if (res.status === 401 && /\bDPoP\b/i.test(challenge) && /error="?use_dpop_nonce"?/i.test(challenge)) return { nonce };
  return undefined;
}

/**
 * Proofs for one run or one call: remembers the last nonce each server
 * origin sent (RFC 9449 §8.2: it may send a fresh one on any response) and
 * retries a refused request exactly once with the nonce it asked for.
 */
export class DpopSession {
  private readonly nonces = new Map<string, string>();

  constructor(
    readonly key: DpopKey,
    private readonly transcript?: Transcript,
  ) {}

  /** Adds a fresh proof to a built request (`ath` when an access token rides along). */
  async prove(req: PreparedRequest, accessToken?: string): Promise<PreparedRequest> {
    const origin = new URL(req.url).origin;
    const proof = await createDpopProof(this.key, { htm: req.method, htu: req.url, nonce: this.nonces.get(origin), ...(accessToken ? { accessToken } : {}) });
    this.transcript?.event('DPoP proof', 'workbench', 'workbench', describeProof(proof, this.key));
    return { ...req, headers: { ...req.headers, dpop: proof } };
  }

  private learn(res: HttpResponse): void {
    const nonce = res.headers['dpop-nonce'];
    if (nonce && nonce.length <= 1024) this.nonces.set(new URL(res.url).origin, nonce);
  }

  /**
   * Builds, proves and sends; on `use_dpop_nonce` builds again (a client
   * assertion's `jti` may not be replayed either) and sends once more.
   */
  async send(http: HttpClient, build: () => Promise<PreparedRequest> | PreparedRequest, options: SendOptions, accessToken?: string): Promise<HttpResponse> {
    const first = await http.send(await this.prove(await build(), accessToken), options);
    const challenge = dpopNonceChallenge(first);
    this.learn(first);
    if (!challenge) return first;
    this.transcript?.event('DPoP nonce required', options.to ?? 'authorization_server', 'workbench', `the server asked for nonce ${challenge.nonce}; retrying once with it`);
    const second = await http.send(await this.prove(await build(), accessToken), { ...options, label: `${options.label} (DPoP nonce)` });
    this.learn(second);
    return second;
  }
}

/** The proof, decoded, for the transcript: the header (with the public key) and the claims. */
export function describeProof(proof: string, key: Pick<DpopKey, 'thumbprint' | 'source'>): string {
  return JSON.stringify({ key: key.source, jkt: key.thumbprint, header: decodeProtectedHeader(proof), payload: decodeJwt(proof) }, null, 2);
}
