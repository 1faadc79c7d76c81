import { WorkbenchError } from '../../shared/errors';
import type { TokenResponse } from '../../shared/oauth';
import type { Param } from '../../shared/profile';
import type { ClientAuth, ClientAuthContext } from './client-auth';
import type { HttpResponse, PreparedRequest } from './http';
import { optionalNumber, optionalString, parseJsonObject, requiredString } from './response';

export type { TokenResponse };

/** Parameters sent with a request: pairs, so `resource` can repeat. */
export type FormParams = Array<[string, string]>;

export function extraParams(params: readonly Param[] | undefined): FormParams {
  return (params ?? []).map((p) => [p.name, p.value]);
}

/** Parameters common to many grants: scope, audience, resources. */
export function scopeParams(opts: { scopes?: readonly string[]; audience?: string; resource?: readonly string[] }): FormParams {
  const out: FormParams = [];
  if (opts.scopes?.length) out.push(['scope', opts.scopes.join(' ')]);
  if (opts.audience) out.push(['audience', opts.audience]);
  for (const r of opts.resource ?? []) out.push(['resource', r]);
  return out;
}

/** Parameters the engine sets itself; an extra parameter may not silently replace them. */
const RESERVED = new Set(['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'code_verifier', 'redirect_uri', 'code', 'refresh_token', 'device_code', 'auth_req_id']);

/**
 * Builds a form POST to an endpoint of the authorization server, client
 * authentication applied by its strategy. Pure data: nothing is sent.
 */
export async function buildFormRequest(ctx: ClientAuthContext, auth: ClientAuth, params: FormParams, extra: FormParams = []): Promise<PreparedRequest> {
  const body = new URLSearchParams();
  for (const [k, v] of params) body.append(k, v);
  for (const [k, v] of extra) {
    if (RESERVED.has(k)) throw new WorkbenchError('INVALID_INPUT', `extra parameter "${k}" is set by the engine and cannot be overridden`);
    body.append(k, v);
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  await auth(ctx, body, headers);
  return { method: 'POST', url: ctx.endpoint, headers, body: body.toString() };
}

/** The token request of any grant: `grant_type` plus the grant's parameters. */
export function buildTokenRequest(ctx: ClientAuthContext, auth: ClientAuth, grantType: string, params: FormParams, extra: FormParams = []): Promise<PreparedRequest> {
  return buildFormRequest(ctx, auth, [['grant_type', grantType], ...params], extra);
}

export const authorizationCodeGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, p: { code: string; redirectUri: string; codeVerifier?: string }, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'authorization_code', [['code', p.code], ['redirect_uri', p.redirectUri], ...(p.codeVerifier ? ([['code_verifier', p.codeVerifier]] as FormParams) : [])], extra);

export const clientCredentialsGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, scope: FormParams, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'client_credentials', scope, extra);

export const refreshTokenGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, refreshToken: string, scope: FormParams, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'refresh_token', [['refresh_token', refreshToken], ...scope], extra);

export const passwordGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, p: { username: string; password: string }, scope: FormParams, extra?: FormParams) => {
  ctx.transcript?.addSecret(p.password);
  return buildTokenRequest(ctx, auth, 'password', [['username', p.username], ['password', p.password], ...scope], extra);
};

export const jwtBearerGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, assertion: string, scope: FormParams, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'urn:ietf:params:oauth:grant-type:jwt-bearer', [['assertion', assertion], ...scope], extra);

/** RFC 7522 §2.1: the assertion XML, base64url-encoded without padding. */
export const saml2BearerGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, assertionXml: string, scope: FormParams, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'urn:ietf:params:oauth:grant-type:saml2-bearer', [['assertion', Buffer.from(assertionXml, 'utf8').toString('base64url')], ...scope], extra);

export interface TokenExchangeInput {
  subjectToken: string;
  subjectTokenType: string;
  actorToken?: string;
  actorTokenType?: string;
  requestedTokenType?: string;
}

export const tokenExchangeGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, p: TokenExchangeInput, scope: FormParams, extra?: FormParams) => {
  if (p.actorToken && !p.actorTokenType) throw new WorkbenchError('MISSING_CONFIGURATION', 'an actor token needs its actor_token_type (RFC 8693 §2.1)');
  const params: FormParams = [
    ['subject_token', p.subjectToken],
    ['subject_token_type', p.subjectTokenType],
  ];
  if (p.actorToken) params.push(['actor_token', p.actorToken], ['actor_token_type', p.actorTokenType as string]);
  if (p.requestedTokenType) params.push(['requested_token_type', p.requestedTokenType]);
  return buildTokenRequest(ctx, auth, 'urn:ietf:params:oauth:grant-type:token-exchange', [...params, ...scope], extra);
};

export const deviceCodeGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, deviceCode: string, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, 'urn:ietf:params:oauth:grant-type:device_code', [['device_code', deviceCode]], extra);

/** Validates a token endpoint response; an error body becomes a ResponseBodyError. */
export function processTokenResponse(res: HttpResponse, opts: { grantType: string; expectIdToken?: boolean } = { grantType: '' }): TokenResponse {
  const what = 'token response';
  const json = parseJsonObject(res, what);
  const access_token = requiredString(json, 'access_token', what);
  const token_type = requiredString(json, 'token_type', what);
  const expires_in = optionalNumber(json, 'expires_in', what);
  if (expires_in !== undefined && expires_in < 0) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "expires_in" is negative`);
  optionalString(json, 'refresh_token', what);
  optionalString(json, 'scope', what);
  const id_token = optionalString(json, 'id_token', what);
  if (opts.expectIdToken && !id_token) throw new WorkbenchError('INVALID_RESPONSE', `${what}: the "openid" scope was requested but no id_token came back`);
  if (opts.grantType === 'urn:ietf:params:oauth:grant-type:token-exchange') requiredString(json, 'issued_token_type', what);
  return { ...json, access_token, token_type, ...(expires_in !== undefined ? { expires_in } : {}) } as TokenResponse;
}
