import * as z from 'zod';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { decodeToken } from '../../shared/token/decode';
import type { ClientAuth, ClientAuthContext } from '../engine/client-auth';
import type { HttpClient, HttpResponse, PreparedRequest } from '../engine/http';
import { parseJsonObject } from '../engine/response';
import { buildFormRequest, type FormParams } from '../engine/token-endpoint';

/**
 * Asking the server about a token: introspection (RFC 7662), revocation
 * (RFC 7009) and userinfo (OIDC Core §5.3), each a request builder and a
 * response processor, oauth4webapi style. Some servers want introspection
 * authenticated as a resource server rather than the client: pass a context
 * whose clientId is the resource server's and ClientSecretBasic(its secret).
 */

export type TokenTypeHint = 'access_token' | 'refresh_token' | (string & {});

// ── Introspection ───────────────────────────────────────────────────────────

const IntrospectionSchema = z.looseObject({
  active: z.boolean(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  username: z.string().optional(),
  token_type: z.string().optional(),
  exp: z.number().optional(),
  iat: z.number().optional(),
  nbf: z.number().optional(),
  sub: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  iss: z.string().optional(),
  jti: z.string().optional(),
});

export type IntrospectionResponse = z.infer<typeof IntrospectionSchema>;

/** RFC 7662 §2.1 and RFC 7009 §2.1 send the same form: the token and an optional hint. */
function tokenFormRequest(ctx: ClientAuthContext, auth: ClientAuth, token: string, opts: { tokenTypeHint?: TokenTypeHint; extra?: FormParams }): Promise<PreparedRequest> {
  const params: FormParams = [['token', token]];
  if (opts.tokenTypeHint) params.push(['token_type_hint', opts.tokenTypeHint]);
  return buildFormRequest(ctx, auth, params, opts.extra);
}

export function introspectionRequest(
  ctx: ClientAuthContext,
  auth: ClientAuth,
  token: string,
  opts: { tokenTypeHint?: TokenTypeHint; extra?: FormParams } = {},
): Promise<PreparedRequest> {
  return tokenFormRequest(ctx, auth, token, opts);
}

export function processIntrospectionResponse(res: HttpResponse): IntrospectionResponse {
  const json = parseJsonObject(res, 'introspection response');
  const parsed = IntrospectionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WorkbenchError('INVALID_RESPONSE', `introspection response: "${issue?.path.join('.') || 'active'}" ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

// ── Revocation ──────────────────────────────────────────────────────────────

export function revocationRequest(
  ctx: ClientAuthContext,
  auth: ClientAuth,
  token: string,
  opts: { tokenTypeHint?: TokenTypeHint; extra?: FormParams } = {},
): Promise<PreparedRequest> {
  return tokenFormRequest(ctx, auth, token, opts);
}

/** RFC 7009 §2.2: HTTP 200 means revoked (or already invalid); the body, if any, is meaningless. */
export function processRevocationResponse(res: HttpResponse): void {
  if (res.status === 200) return;
  if (res.status === 503) {
    const retry = res.headers['retry-after'];
    throw new WorkbenchError('UNEXPECTED_STATUS', `revocation: the server is temporarily unable to revoke (HTTP 503${retry ? `, retry after ${retry}` : ''})`, {
      details: { status: 503, retryAfter: retry },
    });
  }
  // Everything else is an error: let the shared parser say which (OAuth error body, HTML, redirect...).
  parseJsonObject(res, 'revocation response', 200);
  throw new WorkbenchError('UNEXPECTED_STATUS', `revocation: unexpected HTTP ${res.status}`, { details: { status: res.status } });
}

// ── Userinfo ────────────────────────────────────────────────────────────────

export interface UserinfoRequestOptions {
  /** GET with a Bearer header (default) or POST with the header too (never the token in the body). */
  method?: 'GET' | 'POST';
  /** Authorization scheme; "Bearer" unless the token is DPoP-bound. */
  scheme?: 'Bearer' | 'DPoP';
}

export function userinfoRequest(endpoint: string, accessToken: string, opts: UserinfoRequestOptions = {}): PreparedRequest {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = {
    authorization: `${opts.scheme ?? 'Bearer'} ${accessToken}`,
    accept: 'application/json, application/jwt',
  };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method, url: endpoint, headers, ...(method === 'POST' ? { body: '' } : {}) };
}

export interface UserinfoResponse {
  claims: Record<string, unknown> & { sub: string };
  /** The signed (or encrypted) userinfo JWT when the server answered application/jwt; verify it with verifyToken. */
  jwt?: string;
}

/** Parses `WWW-Authenticate: Bearer error="invalid_token", error_description="..."` (RFC 6750 §3). */
export function parseWwwAuthenticate(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2] ?? '')) !== null) params[(p[1] as string).toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] as string);
  return { scheme: m[1] as string, params };
}

/**
 * Validates a userinfo response. `expectedSubject` is the ID token's `sub`:
 * OIDC Core §5.3.2 requires them to match, or the claims may be another user's.
 */
export function processUserinfoResponse(res: HttpResponse, expectedSubject: string | undefined): UserinfoResponse {
  if (res.status === 401 || res.status === 403) {
    const challenge = parseWwwAuthenticate(res.headers['www-authenticate']);
    if (challenge?.params.error)
      throw new ResponseBodyError(res.status, {
        error: challenge.params.error,
        ...(challenge.params.error_description ? { error_description: challenge.params.error_description } : {}),
        ...(challenge.params.error_uri ? { error_uri: challenge.params.error_uri } : {}),
      });
  }
  const contentType = (res.headers['content-type'] ?? '').toLowerCase();
  let claims: Record<string, unknown>;
  let jwt: string | undefined;
  if (res.status === 200 && contentType.startsWith('application/jwt')) {
    jwt = res.body.trim();
    const decoded = decodeToken(jwt);
    if (!decoded.ok) throw new WorkbenchError('INVALID_RESPONSE', `userinfo response: the JWT is malformed: ${decoded.error.message}`);
    if (decoded.format !== 'jws')
      throw new WorkbenchError('UNSUPPORTED', 'userinfo response: the claims are encrypted (JWE); decrypt them with the client’s key, then verify', { details: { jwt } });
    claims = decoded.payload;
  } else {
    claims = parseJsonObject(res, 'userinfo response');
  }
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new WorkbenchError('INVALID_RESPONSE', 'userinfo response: "sub" is missing');
  if (expectedSubject !== undefined && sub !== expectedSubject)
    throw new WorkbenchError('INVALID_RESPONSE', `userinfo response: "sub" is "${sub}" but the ID token's is "${expectedSubject}" — these claims are not about the signed-in user`, {
      details: { expected: expectedSubject, actual: sub },
    });
  return { claims: claims as UserinfoResponse['claims'], ...(jwt ? { jwt } : {}) };
}

// ── Convenience: build, send, process ──────────────────────────────────────

export interface ServerCallContext {
  http: HttpClient;
  signal?: AbortSignal;
}

export async function introspect(
  call: ServerCallContext,
  ctx: ClientAuthContext,
  auth: ClientAuth,
  token: string,
  opts: { tokenTypeHint?: TokenTypeHint; extra?: FormParams } = {},
): Promise<IntrospectionResponse> {
  const req = await introspectionRequest(ctx, auth, token, opts);
  return processIntrospectionResponse(await call.http.send(req, { label: 'introspection', signal: call.signal }));
}

export async function revoke(
  call: ServerCallContext,
  ctx: ClientAuthContext,
  auth: ClientAuth,
  token: string,
  opts: { tokenTypeHint?: TokenTypeHint; extra?: FormParams } = {},
): Promise<void> {
  const req = await revocationRequest(ctx, auth, token, opts);
  processRevocationResponse(await call.http.send(req, { label: 'revocation', signal: call.signal }));
}

export async function fetchUserinfo(
  call: ServerCallContext,
  endpoint: string,
  accessToken: string,
  expectedSubject: string | undefined,
  opts: UserinfoRequestOptions = {},
): Promise<UserinfoResponse> {
  const res = await call.http.send(userinfoRequest(endpoint, accessToken, opts), { label: 'userinfo', to: 'resource_server', signal: call.signal });
  return processUserinfoResponse(res, expectedSubject);
}
