// Provider-preset quirk clients (issue 13 §2); the interop-setting quirks of issue 13 §1 are in quirks.ts.
import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuthMethod, GrantType } from '../../shared/grants';
import { JWT_BEARER, POST_LOGOUT_REDIRECT_URIS, REDIRECT_URIS } from './clients';
import { GOOGLE_LIKE_CLIENT_ID, NETIQ_LIKE_CLIENT_ID } from './preset-rewrites';
import { SANDBOX_RESOURCE } from './resources';
import type { SandboxClient } from './types';

/**
 * Sandbox clients that behave like a real provider's quirk (issue 13 §2), so each provider preset
 * is tested against a server that refuses the request unless the preset did what that provider
 * needs. A quirk is checked after oidc-provider issued the token: a request that misses it gets
 * the provider's error instead of the token.
 */
interface Quirk {
  method: AuthMethod;
  grants: GrantType[];
  /** What the provider says when the quirk is not met; undefined when the request is fine. */
  check(body: Record<string, unknown>, issuer: string): { error: string; error_description?: string } | undefined;
}

/** PingFederate-like: the one access token manager this client's ACL allows (not the server's default). */
export const PINGFEDERATE_ATM_ID = 'sandboxjwt';
/** Cognito-like: the resource server identifier whose custom scopes this client may ask for. */
export const COGNITO_RESOURCE_SERVER = 'sandbox-api';
export const COGNITO_ALLOWED_SCOPES = [`${COGNITO_RESOURCE_SERVER}/read`, `${COGNITO_RESOURCE_SERVER}/write`];

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined);

export const QUIRKS: Record<string, Quirk> = {
  /** Microsoft Entra ID v2.0: client credentials take exactly `{resource}/.default` (AADSTS1002012 otherwise). */
  'sandbox-entra-like': {
    method: 'client_secret_post',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check(body) {
      if (one(body.grant_type) !== 'client_credentials') return undefined;
      const scope = one(body.scope) ?? '';
      if (/^\S+\/\.default$/.test(scope)) return undefined;
      return {
        error: 'invalid_scope',
        error_description: `AADSTS1002012: The provided value for scope ${scope || '(none)'} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      };
    },
  },
  /** Microsoft Entra ID certificate credentials: the client assertion names the certificate by its thumbprint (x5t / x5t#S256). */
  'sandbox-entra-cert-like': {
    method: 'private_key_jwt',
    grants: ['client_credentials'],
    check(body) {
      let header: Record<string, unknown>;
      try {
        header = decodeProtectedHeader(one(body.client_assertion) ?? '');
      } catch {
        return { error: 'invalid_client', error_description: 'AADSTS50027: JWT token is invalid or malformed.' };
      }
      if (typeof header.x5t === 'string' || typeof header['x5t#S256'] === 'string') return undefined;
      return { error: 'invalid_client', error_description: 'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application (no x5t in the assertion header).' };
    },
  },
  /** Auth0: client credentials name the API with `audience`. */
  'sandbox-auth0-like': {
    method: 'client_secret_post',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check(body) {
      if (one(body.grant_type) !== 'client_credentials') return undefined;
      const audience = one(body.audience);
      if (audience === SANDBOX_RESOURCE) return undefined;
      return audience
        ? { error: 'access_denied', error_description: `Service not found: ${audience}` }
        : { error: 'access_denied', error_description: 'No audience parameter was provided, and no default audience has been configured' };
    },
  },
  /** AD FS: the Web API is named by `resource`. */
  'sandbox-adfs-like': {
    method: 'client_secret_post',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check(body) {
      if (one(body.resource)) return undefined;
      return { error: 'invalid_resource', error_description: 'MSIS9602: The received resource parameter is not valid. (no resource parameter)' };
    },
  },
  /** Salesforce: the JWT bearer assertion's aud is the login URL (here: the issuer), not the token endpoint. */
  'sandbox-salesforce-like': {
    method: 'none',
    grants: [JWT_BEARER],
    check(body, issuer) {
      if (one(body.grant_type) !== JWT_BEARER) return undefined;
      let aud: unknown;
      try {
        aud = decodeJwt(one(body.assertion) ?? '').aud;
      } catch {
        return { error: 'invalid_grant', error_description: 'invalid assertion' };
      }
      const auds = Array.isArray(aud) ? aud : [aud];
      return auds.includes(issuer) ? undefined : { error: 'invalid_grant', error_description: `audience is invalid (expected ${issuer}, got ${auds.join(', ')})` };
    },
  },
  /**
   * PingFederate with several access token managers (ATMs), this client allowed only one by the ATM's access
   * control list: the request names it with access_token_manager_id, else the default ATM is chosen and the
   * client may not use it. (The error text is this sandbox's, the situation PingFederate's documented one.)
   */
  'sandbox-pingfederate-like': {
    method: 'client_secret_basic',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check(body) {
      const atm = one(body.access_token_manager_id);
      if (atm === PINGFEDERATE_ATM_ID) return undefined;
      return {
        error: 'invalid_request',
        error_description: atm ? `access token manager ${atm} is not available to this client` : 'the default access token manager is not available to this client (name one with access_token_manager_id)',
      };
    },
  },
  /**
   * Amazon Cognito: client credentials take the custom scopes of a resource server the app client is allowed
   * (`{resource-server-id}/{scope}`); anything else is a bare `invalid_scope`, without a description.
   */
  'sandbox-cognito-like': {
    method: 'client_secret_basic',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check(body) {
      if (one(body.grant_type) !== 'client_credentials') return undefined;
      const scopes = (one(body.scope) ?? '').split(' ').filter(Boolean);
      return scopes.every((s) => COGNITO_ALLOWED_SCOPES.includes(s)) ? undefined : { error: 'invalid_scope' };
    },
  },
  /**
   * NetIQ Access Manager: the access token is encrypted with the Identity Server's own key unless the request
   * names a resource server with `resourceServer` (then it is the token that resource server was configured
   * for: here a signed JWT for the sandbox API). The parameter is translated before oidc-provider sees it
   * (netiqResourceServer, called from quirks.ts); nothing is refused after.
   */
  /**
   * Google: a refresh token only for an authorization request with access_type=offline (translated before
   * oidc-provider sees it, googleAccessType in quirks.ts); Google has no offline_access scope.
   */
  [GOOGLE_LIKE_CLIENT_ID]: {
    method: 'client_secret_post',
    grants: ['authorization_code', 'refresh_token'],
    check: () => undefined,
  },
  [NETIQ_LIKE_CLIENT_ID]: {
    method: 'client_secret_post',
    grants: ['client_credentials', 'refresh_token', 'authorization_code'],
    check: () => undefined,
  },
};

/** The quirk clients, registered like the others (secrets per start). */
export function quirkClients(privateKeyJwks: JSONWebKeySet | undefined): { clients: SandboxClient[]; metadata: Record<string, unknown>[] } {
  const clients: SandboxClient[] = [];
  const metadata: Record<string, unknown>[] = [];
  for (const [client_id, q] of Object.entries(QUIRKS)) {
    const c: SandboxClient = {
      client_id,
      token_endpoint_auth_method: q.method,
      grant_types: q.grants,
      response_types: q.grants.includes('authorization_code') ? ['code'] : [],
      redirect_uris: q.grants.includes('authorization_code') ? REDIRECT_URIS : [],
      post_logout_redirect_uris: q.grants.includes('authorization_code') ? POST_LOGOUT_REDIRECT_URIS : [],
      ...(q.method === 'none' ? {} : { client_secret: randomBytes(32).toString('base64url') }),
    };
    clients.push(c);
    metadata.push({
      client_id,
      client_name: client_id,
      application_type: 'native',
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      grant_types: c.grant_types,
      response_types: c.response_types,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris,
      ...(c.client_secret ? { client_secret: c.client_secret } : {}),
      ...((q.method === 'none' || q.method === 'private_key_jwt') && privateKeyJwks ? { jwks: privateKeyJwks } : {}),
    });
  }
  return { clients, metadata };
}

/** Koa middleware: after a successful token response, a quirk client's request that misses its quirk gets the provider's error. */
export function quirkMiddleware() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const oidc = ctx.oidc as (KoaContextWithOIDC['oidc'] & { body?: Record<string, unknown> }) | undefined;
    if (!oidc || oidc.route !== 'token' || ctx.status !== 200) return;
    const quirk = oidc.client ? QUIRKS[oidc.client.clientId] : undefined;
    const failure = quirk?.check(oidc.body ?? {}, oidc.issuer);
    if (!failure) return;
    ctx.status = 400;
    ctx.body = failure;
  };
}
