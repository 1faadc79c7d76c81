import { randomBytes } from 'node:crypto';
import type { KoaContextWithOIDC, OidcClient } from 'oidc-provider';
import { ASYMMETRIC_SIGNING_ALGS, AUTH_METHODS, HMAC_ALGS } from '../../shared/grants';
import { CLAIMS_BY_SCOPE, type AccountDirectory } from './accounts';
import { extraTokenClaims } from './grants/issue';
import { oidcErrors } from './loader';
import { assertJwtClientAuthClaimsAndHeader } from './kid-quirk';
import { certificateAuthorized, certificateSubjectMatches, getCertificate } from './mtls';
import * as pages from './pages';
import { resourceServerInfo } from './resources';
import { backchannelRequestTtl, defaultResourceForRar, modernFeatures, type ModernFeatureInput } from './sender-constrained';
import type { SandboxSigningKey } from './types';

const DEVICE_CODE_TTL = 600;
export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'];
/** oidc-provider's routes, spelled out because the mTLS aliases are built before the provider exists. */
export const ROUTES = {
  authorization: '/auth',
  token: '/token',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  device_authorization: '/device/auth',
  code_verification: '/device',
  userinfo: '/me',
  end_session: '/session/end',
  jwks: '/jwks',
  pushed_authorization_request: '/request',
  // issue 14 (token side)
  backchannel_authentication: '/backchannel',
  registration: '/reg',
} as const;
/** Endpoints also served on the mTLS listener, advertised as RFC 8705 §5 endpoint aliases. */
const MTLS_ALIASES = {
  token_endpoint: ROUTES.token,
  revocation_endpoint: ROUTES.revocation,
  introspection_endpoint: ROUTES.introspection,
  device_authorization_endpoint: ROUTES.device_authorization,
  userinfo_endpoint: ROUTES.userinfo,
  pushed_authorization_request_endpoint: ROUTES.pushed_authorization_request,
  backchannel_authentication_endpoint: ROUTES.backchannel_authentication,
};

export interface ConfigurationInput {
  adapter: unknown;
  clients: Record<string, unknown>[];
  /** The provider's own signing keys (ID tokens, JWT access tokens). */
  signingKeys: SandboxSigningKey[];
  /** The provider's decryption keys (encrypted request objects, issue 14). */
  encryptionKeys?: SandboxSigningKey[];
  accounts: AccountDirectory;
  accessTokenTtl: number;
  mtlsOrigin: string;
  /** Quirk (issue 13): the methods introspection and revocation publish (and the quirk middleware enforces). */
  introspectionAuthMethods?: string[];
  /** DPoP, RAR, CIBA, registration (issue 14, token side). */
  modern: ModernFeatureInput;
  /** oidc-provider's outgoing fetch (client jwks_uri); the sandbox answers its own live-keys URL in process. */
  fetch?: (url: URL | string, options: RequestInit) => Promise<Response>;
}

/**
 * oidc-provider's configuration for the sandbox. Every hook whose default
 * prints a "you should change this" notice is set, so the sandbox runs quietly.
 */
export function sandboxConfiguration(input: ConfigurationInput): Record<string, unknown> {
  const { accounts, accessTokenTtl, mtlsOrigin } = input;
  return {
    adapter: input.adapter,
    clients: input.clients,
    jwks: {
      keys: [
        ...input.signingKeys.map((k) => ({ ...k.privateJwk, use: 'sig', alg: k.alg })),
        // Request objects can be encrypted to this key (issue 14).
        ...(input.encryptionKeys ?? []).map((k) => ({ ...k.privateJwk, use: 'enc', alg: k.alg })),
      ],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx: unknown, sub: string) => accounts.find(sub),
    claims: { ...CLAIMS_BY_SCOPE, acr: null, sid: null, auth_time: null, iss: null },
    scopes: OIDC_SCOPES,
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token'],
    // Only S256 exists in oidc-provider; PKCE is mandatory for public clients, optional for confidential ones.
    pkce: { required: (_ctx: unknown, client: OidcClient) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    extraTokenClaims,
    // Quirk (issue 13): clients whose server selects keys only by the assertion's kid (electron/sandbox/kid-quirk.ts).
    assertJwtClientAuthClaimsAndHeader,
    clientAuthMethods: [...AUTH_METHODS],
    enabledJWA: { clientAuthSigningAlgValues: [...HMAC_ALGS, ...ASYMMETRIC_SIGNING_ALGS, 'Ed25519'] },
    clientBasedCORS: () => true,
    renderError: pages.renderError,
    ...(input.fetch ? { fetch: input.fetch } : {}),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      claimsParameter: { enabled: true },
      // Authorization request features (issue 14): PAR, request objects (RFC 9101), JARM, encrypted request objects.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      jwtResponseModes: { enabled: true },
      encryption: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: OidcClient, token: { clientId: string }) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: OidcClient, token: { clientId: string }) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: pages.userCodeInputSource,
        userCodeConfirmSource: pages.userCodeConfirmSource,
        successSource: pages.successSource,
      },
      rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: defaultResourceForRar,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          const info = resourceServerInfo(resource, accessTokenTtl);
          if (!info) throw new (oidcErrors().InvalidTarget)(`unknown resource ${resource}`);
          return info;
        },
      },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        selfSignedTlsClientAuth: true,
        getCertificate: (ctx: KoaContextWithOIDC) => getCertificate(ctx),
        certificateAuthorized: (ctx: KoaContextWithOIDC) => certificateAuthorized(ctx),
        certificateSubjectMatches: (ctx: KoaContextWithOIDC, property: string, expected: string) => certificateSubjectMatches(ctx, property, expected),
      },
      ...modernFeatures(input.modern),
    },
    routes: ROUTES,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      DeviceCode: DEVICE_CODE_TTL,
      BackchannelAuthenticationRequest: (ctx: KoaContextWithOIDC) => backchannelRequestTtl(ctx),
      PreAuthorizedCode: 600,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    discovery: {
      mtls_endpoint_aliases: Object.fromEntries(Object.entries(MTLS_ALIASES).map(([member, path]) => [member, `${mtlsOrigin}${path}`])),
      claim_types_supported: ['normal'],
      ...(input.introspectionAuthMethods
        ? { introspection_endpoint_auth_methods_supported: input.introspectionAuthMethods, revocation_endpoint_auth_methods_supported: input.introspectionAuthMethods }
        : {}),
    },
  };
}
