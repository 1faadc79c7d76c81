import type { KoaContextWithOIDC, Provider, ResourceServerInfo, ResourceServerInstance } from 'oidc-provider';
import { oidcErrors } from '../loader';

/** What every extension grant handler needs from the running sandbox. */
export interface GrantEnvironment {
  provider: Provider;
  /** Scopes the provider knows outside any resource server (openid, profile, ...). */
  oidcScopes: ReadonlySet<string>;
  resourceServerInfo(resource: string): ResourceServerInfo | undefined;
}

export interface IssueRequest {
  accountId: string;
  /** The grant type, recorded on the token (`gty`). */
  gty: string;
  /** Extra claims for JWT access tokens (e.g. `act` for token exchange). */
  extra?: Record<string, unknown>;
  /** Also issue a refresh token when `offline_access` was asked for and the client may refresh. */
  allowRefreshToken?: boolean;
  /** Additional response members, e.g. `issued_token_type`. */
  responseMembers?: Record<string, string>;
}

/**
 * Extra claims for tokens being issued. oidc-provider overwrites a token's
 * `extra` with the result of `extraTokenClaims` when saving, so the claims
 * travel here and the provider's `extraTokenClaims` hook hands them back.
 */
const pendingExtraClaims = new WeakMap<object, Record<string, unknown>>();

/** The provider's `extraTokenClaims` configuration. */
export async function extraTokenClaims(_ctx: unknown, token: object): Promise<Record<string, unknown> | undefined> {
  return pendingExtraClaims.get(token);
}

/** An OAuth error body with our own description (oidc-provider's InvalidGrant hides the reason). */
export function oauthError(error: string, description: string): Error {
  return new (oidcErrors().CustomOIDCProviderError)(error, description);
}

export const invalidGrant = (description: string) => oauthError('invalid_grant', description);
export const invalidRequest = (description: string) => oauthError('invalid_request', description);

export function stringParam(ctx: KoaContextWithOIDC, name: string): string | undefined {
  const value = ctx.oidc.params[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function requiredParam(ctx: KoaContextWithOIDC, name: string): string {
  const value = stringParam(ctx, name);
  if (value === undefined) throw invalidRequest(`missing required parameter '${name}'`);
  return value;
}

/**
 * Issues an access token the way oidc-provider's own grants do: a Grant
 * recording what was allowed (so userinfo and introspection accept the
 * token), then an AccessToken model saved through the provider's adapter —
 * a JWT when a known resource was requested, opaque otherwise.
 */
export async function issueTokens(env: GrantEnvironment, ctx: KoaContextWithOIDC, request: IssueRequest): Promise<void> {
  const { provider } = env;
  const { client } = ctx.oidc;
  const requested = (stringParam(ctx, 'scope') ?? '').split(' ').filter(Boolean);
  const resourceParam = ctx.oidc.params.resource;
  if (Array.isArray(resourceParam) && resourceParam.length > 1) {
    throw oauthError('invalid_target', 'only a single resource indicator value is supported for this grant type');
  }
  const resource = Array.isArray(resourceParam) ? resourceParam[0] : resourceParam;

  const grant = new provider.Grant({ accountId: request.accountId, clientId: client.clientId });
  let scope: string[];
  let resourceServer: ResourceServerInstance | undefined;
  if (resource) {
    const info = env.resourceServerInfo(resource);
    if (!info) throw oauthError('invalid_target', `unknown resource ${resource}`);
    const server = new provider.ResourceServer(resource, info);
    resourceServer = server;
    const unknown = requested.filter((s) => !server.scopes.has(s) && !env.oidcScopes.has(s));
    if (unknown.length) throw oauthError('invalid_scope', `scope not available at ${resource}: ${unknown.join(' ')}`);
    scope = requested.filter((s) => server.scopes.has(s));
    if (scope.length) grant.addResourceScope(resource, scope.join(' '));
  } else {
    const unknown = requested.filter((s) => !env.oidcScopes.has(s));
    if (unknown.length) throw oauthError('invalid_scope', `unknown scope: ${unknown.join(' ')}`);
    scope = requested;
    if (scope.length) grant.addOIDCScope(scope.join(' '));
  }
  const grantId = await grant.save();

  const accessToken = new provider.AccessToken({
    accountId: request.accountId,
    client,
    grantId,
    gty: request.gty,
    scope: scope.join(' ') || undefined,
    ...(resourceServer ? { resourceServer } : {}),
  });
  if (request.extra) pendingExtraClaims.set(accessToken, request.extra);
  ctx.oidc.entity('AccessToken', accessToken);
  const accessTokenValue = await accessToken.save();

  let refreshTokenValue: string | undefined;
  if (request.allowRefreshToken && !resource && scope.includes('offline_access') && client.grantTypeAllowed('refresh_token')) {
    const refreshToken = new provider.RefreshToken({
      accountId: request.accountId,
      client,
      grantId,
      gty: request.gty,
      scope: scope.join(' '),
      rotations: 0,
    });
    ctx.oidc.entity('RefreshToken', refreshToken);
    refreshTokenValue = await refreshToken.save();
  }

  ctx.body = {
    access_token: accessTokenValue,
    ...request.responseMembers,
    token_type: accessToken.tokenType,
    expires_in: accessToken.expiration,
    ...(scope.length ? { scope: accessToken.scope } : {}),
    ...(refreshTokenValue ? { refresh_token: refreshTokenValue } : {}),
  };
}

/** The parameters every extension grant accepts besides its own. */
export const COMMON_GRANT_PARAMS = ['scope', 'resource'];
