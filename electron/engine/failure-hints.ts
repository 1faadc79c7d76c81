import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { AuthMethod } from '../../shared/grants';
import type { BasicEncoding } from '../../shared/interop';
import { basicEncodingsDiffer } from './client-auth';
import type { HttpResponse, PreparedRequest } from './http';

/**
 * What a failed request to the authorization server was, so its error can say what was sent and what usually
 * causes that answer: servers that answer an empty 403 leave the user nothing else to go on.
 */
export interface SentRequest {
  /** "token request", "introspection", … */
  label: string;
  authMethod: AuthMethod;
  basicEncoding?: BasicEncoding;
  clientId?: string;
  clientSecret?: string;
}

const USUAL_CAUSES: Record<number, string> = {
  400: 'a parameter the server does not accept (grant type, scope, redirect_uri, resource) or a malformed request',
  401: 'wrong client id or secret, a client not registered for this authentication method, or an assertion whose key (kid), audience or lifetime the server does not accept',
  403: 'a client not allowed this grant or endpoint, credentials encoded differently from what the server expects, an IP allow-list, firewall or WAF in front of the server, or an endpoint that needs mutual TLS',
  404: 'a wrong endpoint URL (check the issuer metadata or the typed URL)',
  405: 'a URL that is not this endpoint (it does not accept POST)',
  415: 'a server that does not accept application/x-www-form-urlencoded here',
  429: 'rate limiting: wait and retry',
  500: 'a server-side failure; its logs say more',
  502: 'a proxy or gateway that could not reach the server',
  503: 'a server that is down or overloaded',
  504: 'a proxy or gateway that timed out waiting for the server',
};

function causesOf(status: number): string {
  return USUAL_CAUSES[status] ?? (status >= 500 ? 'a server-side failure' : 'a request the server refuses');
}

function clientAuthFailed(err: WorkbenchError, status: number): boolean {
  return status === 401 || status === 403 || (err instanceof ResponseBodyError && err.error === 'invalid_client');
}

/** A signed JWT the request carried: its header and claims (undefined when absent or not a JWT). */
interface SentJwt {
  kid: string | null;
  aud: unknown;
  alg: unknown;
}

function sentJwt(req: PreparedRequest, param: 'client_assertion' | 'assertion'): SentJwt | undefined {
  if (typeof req.body !== 'string') return undefined;
  const jwt = new URLSearchParams(req.body).get(param);
  if (!jwt) return undefined;
  try {
    const [header, payload] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    if (!header || !payload) return undefined;
    return { kid: typeof header.kid === 'string' ? header.kid : null, aud: payload.aud, alg: header.alg };
  } catch {
    return undefined;
  }
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const KID_SETTING = 'setting "kid in the assertion header": the key\'s kid, a custom value or the JWK thumbprint; CLI --kid VALUE|thumbprint|none, or keys kid ALIAS VALUE';

const audText = (aud: unknown) => (Array.isArray(aud) ? aud.map(String).join(', ') : String(aud));

/**
 * The usual causes of a refused signed assertion, one list, each naming what to change: the key not registered,
 * the kid (absent or not the registered one), the audience. `kind` says which assertion: the client assertion
 * (private_key_jwt, client_secret_jwt) or the JWT bearer grant's (RFC 7523 §2.1).
 */
function assertionCauses(jwt: SentJwt, kind: 'private_key_jwt' | 'client_secret_jwt' | 'jwt_bearer'): string[] {
  const name = kind === 'jwt_bearer' ? 'the JWT bearer assertion' : 'the client assertion';
  if (kind === 'client_secret_jwt')
    return [
      'a wrong client secret (the HMAC key of the client assertion)',
      `an algorithm (${String(jwt.alg)}) the client is not registered for`,
      `an audience (aud "${audText(jwt.aud)}") the server does not expect: try setting "Assertion audience" to issuer instead of the token endpoint, or the other way round (CLI --assertion-audience issuer|token_endpoint)`,
    ];
  return [
    `the public key that signed ${name} is not registered ${kind === 'jwt_bearer' ? 'for its issuer' : 'for this client'} (or the server still has an older copy of its JWKS)`,
    jwt.kid === null
      ? `${name}'s header had no kid, and a server that selects keys by kid refuses that: send the kid it registered for this key (${KID_SETTING})`
      : `${name}'s header had kid "${jwt.kid}"; a server that selects keys by kid needs the kid it registered for this key (${KID_SETTING})`,
    kind === 'jwt_bearer'
      ? `an audience (aud "${audText(jwt.aud)}") the server does not expect: some want their issuer or login URL rather than the token endpoint (set "aud" in the assertion claims, CLI --assertion '{"aud":…}')`
      : `an audience (aud "${audText(jwt.aud)}") the server does not expect: try setting "Assertion audience" to issuer instead of the token endpoint, or the other way round (CLI --assertion-audience issuer|token_endpoint)`,
  ];
}

/**
 * Hints for a failed request, one coherent list: the Basic encoding and the signed assertion's usual causes,
 * each naming its setting. The only producer of hints for refused credentials (the UI, the CLI and the
 * error message all show this list).
 */
function authHints(err: WorkbenchError, req: PreparedRequest, status: number, sent: SentRequest): string[] {
  const hints: string[] = [];
  if (clientAuthFailed(err, status)) {
    if (sent.authMethod === 'client_secret_basic' && sent.clientId !== undefined && sent.clientSecret !== undefined && basicEncodingsDiffer(sent.clientId, sent.clientSecret)) {
      const used = sent.basicEncoding ?? 'form';
      const other = used === 'form' ? 'raw' : 'form';
      hints.push(
        `the client id or secret has characters that the two Basic encodings send differently, and this request ${used === 'form' ? 'form-urlencoded them (RFC 6749 §2.3.1)' : 'sent them unencoded (raw)'}; if the server ${used === 'form' ? 'does not decode them' : 'expects them form-urlencoded'}, set "Basic credentials encoding" to ${other} (CLI --basic-encoding ${other})`,
      );
    }
    if (sent.authMethod === 'private_key_jwt' || sent.authMethod === 'client_secret_jwt') {
      const jwt = sentJwt(req, 'client_assertion');
      if (jwt) hints.push(...assertionCauses(jwt, sent.authMethod));
    }
  }
  // The JWT bearer grant's own assertion refused (RFC 7523 §3.1: invalid_grant).
  if (err instanceof ResponseBodyError && err.error === 'invalid_grant' && typeof req.body === 'string' && new URLSearchParams(req.body).get('grant_type') === JWT_BEARER_GRANT) {
    const jwt = sentJwt(req, 'assertion');
    if (jwt) hints.push(...assertionCauses(jwt, 'jwt_bearer'));
  }
  return hints;
}

/**
 * Adds what was sent and the usual causes to an error from processing a response of the authorization server.
 * The error keeps its class and code (callers such as the device flow's poll loop read them); its message grows.
 */
export function explainFailure(err: unknown, req: PreparedRequest, res: HttpResponse, sent: SentRequest): unknown {
  if (!(err instanceof WorkbenchError)) return err;
  const status = res.status;
  if (status < 400) return err;
  const parts: string[] = [];
  const emptyBody = res.body.trim() === '';
  if (emptyBody) parts.push(`${sent.label} to ${req.url} (client authentication ${sent.authMethod}) got HTTP ${status} with an empty body; usual causes of ${status}: ${causesOf(status)}`);
  const causes = authHints(err, req, status, sent);
  parts.push(...causes);
  if (parts.length === 0) return err;
  // One list, numbered, after what happened: the UI and the CLI show the same items from details.hints.
  const listed = causes.length ? `${emptyBody ? '; ' : ' — '}what to check: ${causes.map((c, i) => `(${i + 1}) ${c}`).join('; ')}` : '';
  err.message = `${emptyBody ? parts[0] : err.message}${listed}`;
  (err as { details?: Record<string, unknown> }).details = { ...(err.details ?? {}), status, endpoint: req.url, authMethod: sent.authMethod, hints: parts };
  return err;
}

/** Processes a response, explaining a failure with what was sent. */
export function processExplained<T>(req: PreparedRequest, res: HttpResponse, sent: SentRequest, process: (res: HttpResponse) => T): T {
  try {
    return process(res);
  } catch (err) {
    throw explainFailure(err, req, res, sent);
  }
}
