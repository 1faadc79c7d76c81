import { CompactEncrypt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import type { KidMode } from '../../shared/interop';
import type { AuthorizationRequestConfig, ConnectionProfile, ResponseMode } from '../../shared/profile';
import type { VerificationReport } from '../../shared/token/report';
import { signAssertion, type JwtHeaderOptions, type SigningKey } from '../jose/sign';
import type { ClientAuth, ClientAuthContext } from './client-auth';
import type { HttpClient, HttpResponse, PreparedRequest } from './http';
import { optionalNumber, parseJsonObject, requiredString } from './response';
import { buildFormRequest, type FormParams } from './token-endpoint';

/**
 * The authorization request's modern forms (issue 14): OIDC request
 * parameters, PAR (RFC 9126), request objects (RFC 9101), JARM responses and
 * hybrid-flow ID token checks — each as a request/process pair of plain data.
 */

// ---------------------------------------------------------------- OIDC request parameters

/** OIDC Core §3.1.2.1 parameters of the profile, in a stable order. */
export function oidcRequestParams(ar: AuthorizationRequestConfig, idTokenHint?: string): FormParams {
  const out: FormParams = [];
  if (ar.prompt) out.push(['prompt', ar.prompt]);
  if (ar.maxAge !== undefined) out.push(['max_age', String(ar.maxAge)]);
  if (ar.acrValues) out.push(['acr_values', ar.acrValues]);
  if (ar.loginHint) out.push(['login_hint', ar.loginHint]);
  if (ar.uiLocales) out.push(['ui_locales', ar.uiLocales]);
  if (ar.claims) out.push(['claims', JSON.stringify(ar.claims)]);
  // Pasted tokens often carry a line break; the token itself has no white space.
  if (idTokenHint?.trim()) out.push(['id_token_hint', idTokenHint.trim()]);
  return out;
}

/** The response mode a response type uses when none is asked for (OAuth 2.0 Multiple Response Types §5). */
export function effectiveResponseMode(responseType: string, asked: ResponseMode | undefined): ResponseMode {
  if (asked === 'jwt') return responseType === 'code' ? 'query.jwt' : 'fragment.jwt';
  if (asked) return asked;
  return responseType === 'code' ? 'query' : 'fragment';
}

export const isJarmMode = (mode: ResponseMode) => mode.endsWith('jwt');
export const isFragmentMode = (mode: ResponseMode) => mode.startsWith('fragment');

// ---------------------------------------------------------------- PAR (RFC 9126)

export interface PushedAuthorizationResponse {
  request_uri: string;
  expires_in: number;
}

/** RFC 9126 §2.1: the authorization request's parameters POSTed with the client's authentication. */
export function pushedAuthorizationRequest(ctx: ClientAuthContext, auth: ClientAuth, params: FormParams): Promise<PreparedRequest> {
  return buildFormRequest(ctx, auth, params);
}

/** RFC 9126 §2.2: 201 with `request_uri` and `expires_in`; an error body becomes a ResponseBodyError. */
export function processPushedAuthorizationResponse(res: HttpResponse): PushedAuthorizationResponse {
  const what = 'pushed authorization response';
  const json = parseJsonObject(res, what, [201, 200]);
  const request_uri = requiredString(json, 'request_uri', what);
  const expires_in = optionalNumber(json, 'expires_in', what);
  if (expires_in === undefined || expires_in <= 0) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "expires_in" must be a positive number`);
  if (request_uri.length > 4096) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "request_uri" is unreasonably long`);
  return { request_uri, expires_in };
}

/** The front-channel request after PAR: only `client_id` and `request_uri` (RFC 9126 §4). */
export function pushedAuthorizationUrl(authorizationEndpoint: string, clientId: string, requestUri: string): string {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('request_uri', requestUri);
  return url.toString();
}

// ---------------------------------------------------------------- Request objects (RFC 9101)

export interface RequestObjectInput {
  params: FormParams;
  clientId: string;
  /** `aud`: the issuer (RFC 9101 §4). */
  audience: string;
  key: SigningKey;
  lifetimeSeconds: number;
  x5t?: boolean;
  /** The `kid` header rule (the profile's interop kid setting, as for client assertions); default: the key's own kid. */
  kid?: Pick<JwtHeaderOptions, 'kid' | 'customKid'>;
}

/** RFC 9101 §4: every parameter as a claim, plus iss, aud, iat, nbf, exp, jti; typ oauth-authz-req+jwt. */
export async function signRequestObject(input: RequestObjectInput): Promise<string> {
  const claims: Record<string, unknown> = {};
  for (const [k, v] of input.params) {
    if (k === 'claims' || k === 'authorization_details') {
      // JSON-valued parameters are JSON in the request object (RFC 9101 §4); a typed extra parameter may not parse.
      try {
        claims[k] = JSON.parse(v) as unknown;
      } catch {
        throw new WorkbenchError('INVALID_INPUT', `authorization parameter "${k}" must be JSON to go into a request object`);
      }
      continue;
    }
    if (k === 'max_age') {
      claims.max_age = Number(v);
      continue;
    }
    const prior = claims[k];
    // A repeated parameter (resource) becomes an array.
    claims[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  claims.iss = input.clientId;
  claims.aud = input.audience;
  claims.client_id = input.clientId;
  // Signed where every JWT is (electron/jose/sign): its header rules and its lifetime cap apply; the time claims are the engine's.
  return signAssertion(
    {
      header: { typ: 'oauth-authz-req+jwt', ...(input.kid ?? {}), x5t: input.x5t, x5tS256: input.x5t },
      claims: { lifetimeSeconds: input.lifetimeSeconds, nbf: true, extra: claims },
    },
    input.key,
  );
}

/**
 * The request object's kid follows the profile's kid setting, as client assertions do (issue 14: "kid/x5t headers
 * as for assertions"). A custom kid is the value a server registered for the client-authentication key, so it is
 * used only when the request object is signed with that key; a separate request-object key keeps its own kid.
 */
export function requestObjectKid(p: Pick<ConnectionProfile, 'interop' | 'authorizationRequest' | 'clientAuth'>): { kid: KidMode; customKid?: string } {
  const { kid, customKid } = p.interop;
  const separateKey = p.authorizationRequest.requestObjectKeyAlias !== undefined && p.authorizationRequest.requestObjectKeyAlias !== p.clientAuth.keyAlias;
  if (kid === 'custom') return separateKey ? { kid: 'key' } : { kid, ...(customKid !== undefined ? { customKid } : {}) };
  return { kid };
}

export interface EncryptionTarget {
  jwk: JWK;
  alg: string;
  enc: string;
}

const ENC_ALG_BY_KTY: Record<string, string> = { RSA: 'RSA-OAEP-256', EC: 'ECDH-ES', OKP: 'ECDH-ES' };

/**
 * The key to encrypt a request object to: a given public JWK, else the server's
 * encryption key (`use: enc`) from its JWKS, with an alg/enc the server lists.
 */
export async function requestObjectEncryptionTarget(
  opts: { given?: Record<string, unknown>; alg?: string; enc?: string; metadata?: Record<string, unknown>; jwksUri?: string },
  http: HttpClient,
  signal?: AbortSignal,
): Promise<EncryptionTarget> {
  const listed = (member: string) => (Array.isArray(opts.metadata?.[member]) ? (opts.metadata?.[member] as string[]) : undefined);
  const algs = listed('request_object_encryption_alg_values_supported');
  const encs = listed('request_object_encryption_enc_values_supported');
  let jwk: JWK;
  if (opts.given) {
    jwk = opts.given as JWK;
    if ('d' in jwk) throw new WorkbenchError('INVALID_INPUT', 'the request object encryption key must be a public key (it has "d")');
  } else {
    if (!opts.jwksUri) throw new WorkbenchError('MISSING_CONFIGURATION', 'encrypting the request object needs the server\'s jwks_uri, or a public key in the profile');
    const res = await http.send({ method: 'GET', url: opts.jwksUri, headers: { accept: 'application/json' } }, { label: 'server keys (request object encryption)', signal });
    const keys = parseJsonObject(res, 'JWKS').keys;
    if (!Array.isArray(keys)) throw new WorkbenchError('INVALID_RESPONSE', 'JWKS: "keys" is not an array');
    const candidates = (keys as JWK[]).filter(
      (k) => k && typeof k === 'object' && k.use === 'enc' && typeof k.kty === 'string' && k.kty in ENC_ALG_BY_KTY && (!k.alg || !algs || algs.includes(k.alg)),
    );
    const chosen = candidates.find((k) => (opts.alg ? k.alg === opts.alg || !k.alg : true));
    if (!chosen) throw new WorkbenchError('MISSING_CONFIGURATION', `the server's JWKS (${opts.jwksUri}) has no encryption key (use "enc")${opts.alg ? ` for ${opts.alg}` : ''}`);
    jwk = chosen;
  }
  const kty = String(jwk.kty);
  const alg = opts.alg ?? jwk.alg ?? (algs?.includes(ENC_ALG_BY_KTY[kty] ?? '') || !algs ? ENC_ALG_BY_KTY[kty] : algs[0]);
  if (!alg) throw new WorkbenchError('INVALID_INPUT', `cannot encrypt to a ${kty} key`);
  const enc = opts.enc ?? (encs?.includes('A256GCM') || !encs ? 'A256GCM' : encs[0]!);
  return { jwk, alg, enc };
}

/** RFC 9101 §6.1: a nested JWT, the signed request object encrypted to the server (cty "JWT"). */
export async function encryptRequestObject(signed: string, target: EncryptionTarget): Promise<string> {
  try {
    const key = await importJWK(target.jwk, target.alg);
    return await new CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: target.alg, enc: target.enc, cty: 'JWT', ...(target.jwk.kid ? { kid: target.jwk.kid } : {}) })
      .encrypt(key);
  } catch (err) {
    throw new WorkbenchError('KEY_INVALID', `cannot encrypt the request object with ${target.alg}/${target.enc}: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------- JARM

export interface JarmChecks {
  issuer?: string;
  clientId: string;
  jwksUri?: string;
  http: HttpClient;
  decryptionKey?: import('../inspector/decrypt').DecryptionKeyInput;
  signal?: AbortSignal;
}

export interface JarmResult {
  /** The authorization response parameters carried in the JWT's claims. */
  params: URLSearchParams;
  report: VerificationReport;
}

/**
 * JARM §4.4: the `response` JWT verified with the server's keys — signature,
 * iss, aud (the client), exp (required) — decrypted first when it is a JWE.
 */
export async function processJarmResponse(received: URLSearchParams, checks: JarmChecks): Promise<JarmResult> {
  const response = received.get('response');
  if (!response) {
    // A server that cannot produce a JWT answers with a plain error; it still counts as the response.
    if (received.has('error')) return { params: received, report: { ok: false, summary: 'the server answered with a plain (unsigned) error', checks: [], warnings: [] } };
    throw new WorkbenchError('INVALID_RESPONSE', 'the JWT-secured authorization response (JARM) has no "response" parameter');
  }
  if (!checks.jwksUri) throw new WorkbenchError('MISSING_CONFIGURATION', 'verifying a JARM response needs the server\'s jwks_uri');
  const { verifyToken } = await import('../inspector/verify');
  const report = await verifyToken(response, {
    ...(checks.issuer ? { issuer: checks.issuer } : {}),
    jwksUri: checks.jwksUri,
    audience: checks.clientId,
    clientId: checks.clientId,
    http: checks.http,
    ...(checks.decryptionKey ? { decryptionKey: checks.decryptionKey } : {}),
    ...(checks.signal ? { signal: checks.signal } : {}),
  });
  const payload = report.payload;
  if (!report.ok || !payload) {
    throw new WorkbenchError('VERIFICATION_FAILED', `the JARM response is not valid: ${report.summary}${failedReasons(report)}`, { details: { report } });
  }
  if (typeof payload.exp !== 'number') throw new WorkbenchError('VERIFICATION_FAILED', 'the JARM response has no "exp" claim (JARM §2.1 requires it)', { details: { report } });
  if (checks.issuer === undefined || payload.iss !== checks.issuer)
    throw new WorkbenchError('VERIFICATION_FAILED', `the JARM response's "iss" is ${JSON.stringify(payload.iss)}, expected "${checks.issuer ?? '(unknown issuer)'}"`, { details: { report } });
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(payload)) {
    if (['aud', 'exp', 'iat', 'nbf', 'jti'].includes(k)) continue;
    if (typeof v === 'string') params.set(k, v);
  }
  return { params, report };
}

function failedReasons(report: VerificationReport): string {
  const failed = report.checks.filter((c) => c.status === 'failed');
  return failed.length ? ` (${failed.map((c) => `${c.id}: ${c.reason}`).join('; ')})` : '';
}

// ---------------------------------------------------------------- Hybrid flow (OIDC Core §3.3)

export interface FrontChannelIdTokenChecks {
  issuer?: string;
  clientId: string;
  jwksUri?: string;
  nonce?: string;
  code?: string;
  state: string;
  accessToken?: string;
  http: HttpClient;
  signal?: AbortSignal;
}

/**
 * OIDC Core §3.3.2.11/12: the ID token from the authorization endpoint is
 * verified like any ID token, and with a code its `c_hash` is required and
 * must match; `s_hash` (FAPI 1.0 / OIDC) must match the state when present.
 */
export async function verifyFrontChannelIdToken(idToken: string, checks: FrontChannelIdTokenChecks): Promise<VerificationReport> {
  if (!checks.jwksUri) throw new WorkbenchError('MISSING_CONFIGURATION', 'verifying the front-channel ID token needs the server\'s jwks_uri');
  const [{ verifyToken }, { oidcHash }] = await Promise.all([import('../inspector/verify'), import('../inspector/oidc-hash')]);
  const report = await verifyToken(idToken, {
    ...(checks.issuer ? { issuer: checks.issuer } : {}),
    jwksUri: checks.jwksUri,
    idToken: true,
    clientId: checks.clientId,
    ...(checks.nonce ? { nonce: checks.nonce } : {}),
    ...(checks.code ? { authorizationCode: checks.code } : {}),
    ...(checks.accessToken ? { issuedAccessToken: checks.accessToken } : {}),
    http: checks.http,
    ...(checks.signal ? { signal: checks.signal } : {}),
  });
  if (!report.ok || !report.payload) throw new WorkbenchError('VERIFICATION_FAILED', `the ID token in the authorization response is not valid: ${report.summary}${failedReasons(report)}`, { details: { report } });
  const payload = report.payload;
  if (checks.code && payload.c_hash === undefined) throw new WorkbenchError('VERIFICATION_FAILED', 'the ID token in the hybrid response has no c_hash (OIDC Core §3.3.2.11 requires it with a code)', { details: { report } });
  if (payload.s_hash !== undefined) {
    const alg = String(decodeProtectedHeader(idToken).alg);
    const expected = oidcHash(checks.state, alg);
    if (payload.s_hash !== expected) throw new WorkbenchError('VERIFICATION_FAILED', 'the ID token\'s s_hash does not match the state sent (possible response injection)', { details: { report } });
  }
  return report;
}

/** A transcript event's detail: the JWT on the first line (the exchange view decodes it), then the checks. */
export function reportDetail(token: string, report: VerificationReport): string {
  const mark = { passed: '✓', failed: '✗', not_checked: '·' } as const;
  return [token, `verification: ${report.summary}`, ...report.checks.map((c) => `${mark[c.status]} ${c.id}: ${c.reason}`)].join('\n');
}
