import { base64url, decodeJwt } from 'jose';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { FormParams } from './token-endpoint';

// node:crypto is loaded when a flow needs state, a nonce or PKCE, not at every CLI start (bench/cli-start).
const nodeCrypto = () => process.getBuiltinModule('node:crypto');

/** 32 bytes from the CSPRNG, base64url: state, nonce and PKCE verifiers. */
export function randomToken(): string {
  return base64url.encode(nodeCrypto().randomBytes(32));
}

export type PkceMethod = 'S256' | 'plain';

export interface Pkce {
  method: PkceMethod;
  verifier: string;
  challenge: string;
}

export function createPkce(method: PkceMethod): Pkce {
  const verifier = randomToken();
  const challenge = method === 'S256' ? base64url.encode(nodeCrypto().createHash('sha256').update(verifier).digest()) : verifier;
  return { method, verifier, challenge };
}

export interface AuthorizationUrlInput {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  responseType: string;
  scopes: readonly string[];
  state: string;
  nonce?: string;
  pkce?: Pkce;
  /** `resource`, `audience`, `prompt`, `acr_values`… in order. */
  params?: FormParams;
}

const ENGINE_AUTHZ_PARAMS = new Set(['client_id', 'redirect_uri', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method']);

export function buildAuthorizationUrl(input: AuthorizationUrlInput): string {
  const url = new URL(input.authorizationEndpoint);
  const q = url.searchParams;
  q.set('client_id', input.clientId);
  q.set('response_type', input.responseType);
  q.set('redirect_uri', input.redirectUri);
  if (input.scopes.length) q.set('scope', input.scopes.join(' '));
  q.set('state', input.state);
  if (input.nonce) q.set('nonce', input.nonce);
  if (input.pkce) {
    q.set('code_challenge', input.pkce.challenge);
    q.set('code_challenge_method', input.pkce.method);
  }
  for (const [k, v] of input.params ?? []) {
    if (ENGINE_AUTHZ_PARAMS.has(k)) throw new WorkbenchError('INVALID_INPUT', `authorization parameter "${k}" is set by the engine and cannot be overridden`);
    if (k === 'scope') q.set(k, v);
    else q.append(k, v);
  }
  return url.toString();
}

export interface AuthorizationResponseChecks {
  issuer?: string;
  /** RFC 9207: the server advertises `authorization_response_iss_parameter_supported`, so `iss` must be there. */
  issRequired?: boolean;
  /** The state the request sent; the receivers already drop other ones, this is the check of record. */
  state?: string;
}

/**
 * Validates the parameters that reached the redirect URI: state (the
 * receivers ignore other states; this is the check of record), RFC 9207
 * `iss`, then an error response, then the code.
 */
export function processAuthorizationResponse(params: URLSearchParams, checks: AuthorizationResponseChecks): URLSearchParams {
  if (checks.state !== undefined && params.get('state') !== checks.state)
    throw new WorkbenchError(
      'STATE_MISMATCH',
      params.has('state') ? 'the authorization response carries a different state than the request (possible CSRF or a stale browser tab)' : 'the authorization response has no state parameter',
    );
  const iss = params.get('iss');
  if (iss !== null) {
    if (checks.issuer !== undefined && iss !== checks.issuer)
      throw new WorkbenchError('ISS_MISMATCH', `the authorization response names issuer "${iss}", expected "${checks.issuer}" (RFC 9207: possible mix-up attack)`, {
        details: { expected: checks.issuer, actual: iss },
      });
  } else if (params.has('id_token')) {
    // RFC 9207 §2.4: with an ID token in the response, its `iss` claim plays that role.
    const claimed = idTokenIssuer(params.get('id_token') as string);
    if (checks.issuer !== undefined && claimed !== checks.issuer)
      throw new WorkbenchError('ISS_MISMATCH', `the ID token in the authorization response names issuer "${claimed ?? '(none)'}", expected "${checks.issuer}"`);
  } else if (checks.issRequired) {
    throw new WorkbenchError('ISS_MISMATCH', 'the server advertises RFC 9207 but its authorization response has no "iss" parameter');
  }
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description') ?? undefined;
    const err = new ResponseBodyError(0, { error, error_description: description, error_uri: params.get('error_uri') ?? undefined });
    throw new WorkbenchError('AUTHORIZATION_DENIED', `authorization failed: ${error}${description ? `: ${description}` : ''}`, {
      cause: err,
      details: { error, error_description: description },
    });
  }
  return params;
}

function idTokenIssuer(idToken: string): string | undefined {
  try {
    const iss = decodeJwt(idToken).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    throw new WorkbenchError('INVALID_RESPONSE', 'the id_token in the authorization response is not a JWT');
  }
}
