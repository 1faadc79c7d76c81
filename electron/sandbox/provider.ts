import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import type { KoaContextWithOIDC, OidcClient, Provider } from 'oidc-provider';
import { ASYMMETRIC_SIGNING_ALGS, AUTH_METHODS, HMAC_ALGS } from '../../shared/grants';
import { AccountDirectory, CLAIMS_BY_SCOPE, SANDBOX_USERNAME } from './accounts';
import { buildClients } from './clients';
import { extraTokenClaims, type GrantEnvironment } from './grants/issue';
import { jwtBearerGrant } from './grants/jwt-bearer';
import { passwordGrant } from './grants/password';
import { saml2BearerGrant } from './grants/saml2-bearer';
import { tokenExchangeGrant } from './grants/token-exchange';
import { createInteractionHandler, INTERACTION_PREFIX } from './interactions';
import { listenHttp, listenMutualTls, type Listener } from './listeners';
import { loadOidcProvider } from './loader';
import { certificateAuthorized, certificateSubjectMatches, getCertificate } from './mtls';
import * as pages from './pages';
import { createCertificateAuthority, createRsaSigningCertificate, createSelfSignedCertificate, generateSigningKey } from './pki';
import { resourceServerInfo, SANDBOX_RESOURCE } from './resources';
import { mintAssertion, type SamlIdentityProvider } from './saml';
import type { SandboxHandle, SandboxOptions, TrustedIssuer } from './types';

const DEFAULT_ACCESS_TOKEN_TTL = 600;
const DEVICE_CODE_TTL = 600;
const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'];
const TRUSTED_ISSUER = 'https://trusted-issuer.sandbox.test';
const SAML_IDP_ENTITY_ID = 'https://saml-idp.sandbox.test';
/** oidc-provider's routes, spelled out because the mTLS aliases are built before the provider exists. */
const ROUTES = {
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
} as const;
/** Endpoints also served on the mTLS listener, advertised as RFC 8705 §5 endpoint aliases. */
const MTLS_ALIASES = {
  token_endpoint: ROUTES.token,
  revocation_endpoint: ROUTES.revocation,
  introspection_endpoint: ROUTES.introspection,
  device_authorization_endpoint: ROUTES.device_authorization,
  userinfo_endpoint: ROUTES.userinfo,
  pushed_authorization_request_endpoint: ROUTES.pushed_authorization_request,
};

/**
 * Starts a real oidc-provider authorization server on 127.0.0.1 with every
 * grant and client-authentication method the workbench speaks, plus a
 * mutual-TLS listener. All keys, certificates and secrets are generated per
 * start and live only in this process.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const accessTokenTtl = options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL;
  const password = options.userPassword ?? randomBytes(12).toString('base64url');
  const accounts = new AccountDirectory(password);

  const [{ default: ProviderClass }, { createMemoryAdapter }] = await Promise.all([
    loadOidcProvider(),
    import('oidc-provider/lib/adapters/memory_adapter.js'),
  ]);

  const ca = await createCertificateAuthority();
  const [serverCert, tlsClient, selfSigned, samlCert, trustedKey, providerRsa, providerEc] = await Promise.all([
    ca.issue({ subject: 'CN=127.0.0.1, O=Token Workbench Sandbox', serverNames: { ips: ['127.0.0.1'], dns: ['localhost'] }, usage: 'server' }),
    ca.issue({ subject: 'CN=sandbox-tls, O=Token Workbench Sandbox', usage: 'client' }),
    createSelfSignedCertificate('CN=sandbox-self-signed-tls, O=Token Workbench Sandbox'),
    createRsaSigningCertificate('CN=Token Workbench Sandbox SAML IdP, O=Token Workbench Sandbox'),
    generateSigningKey('ES256'),
    generateSigningKey('RS256'),
    generateSigningKey('ES256'),
  ]);

  // Listen first: the issuer URL and the mTLS aliases need the real ports.
  let dispatch: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (dispatch) return dispatch(req, res);
    res.statusCode = 503;
    res.end('starting');
  };
  const listeners: Listener[] = [];
  try {
    listeners.push(await listenHttp(options.port ?? 0, handler));
    listeners.push(await listenMutualTls(options.mtlsPort ?? 0, { certPem: serverCert.certPem, keyPem: serverCert.keyPem, caPem: ca.certPem }, handler));
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  const [httpListener, mtlsListener] = listeners as [Listener, Listener];
  const issuer = `http://127.0.0.1:${httpListener.port}`;
  const mtlsOrigin = `https://127.0.0.1:${mtlsListener.port}`;

  const { metadata, clients, resourceServer } = await buildClients({ selfSigned, tlsClient, ...(options.clientJwks ? { clientJwks: options.clientJwks } : {}) });
  const clientJwks = new Map<string, JSONWebKeySet>();
  for (const m of metadata) if (m.jwks) clientJwks.set(String(m.client_id), m.jwks as JSONWebKeySet);

  const trustedIssuer: TrustedIssuer = { iss: TRUSTED_ISSUER, alg: trustedKey.alg, privateJwk: trustedKey.privateJwk, publicJwk: trustedKey.publicJwk };
  const providerPublicJwks: JSONWebKeySet = { keys: [providerRsa.publicJwk, providerEc.publicJwk] };
  const samlIdp: SamlIdentityProvider = { entityId: SAML_IDP_ENTITY_ID, certPem: samlCert.certPem, keyPem: samlCert.keyPem };

  const provider = new ProviderClass(issuer, {
    adapter: createMemoryAdapter(),
    clients: metadata,
    jwks: { keys: [{ ...providerRsa.privateJwk, use: 'sig', alg: 'RS256' }, { ...providerEc.privateJwk, use: 'sig', alg: 'ES256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx: unknown, sub: string) => accounts.find(sub),
    claims: { ...CLAIMS_BY_SCOPE, acr: null, sid: null, auth_time: null, iss: null },
    scopes: OIDC_SCOPES,
    responseTypes: ['code', 'id_token', 'id_token token'],
    // Only S256 exists in oidc-provider; PKCE is mandatory for public clients, optional for confidential ones.
    pkce: { required: (_ctx: unknown, client: OidcClient) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    extraTokenClaims,
    clientAuthMethods: [...AUTH_METHODS],
    enabledJWA: { clientAuthSigningAlgValues: [...HMAC_ALGS, ...ASYMMETRIC_SIGNING_ALGS, 'Ed25519'] },
    clientBasedCORS: () => true,
    renderError: pages.renderError,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      claimsParameter: { enabled: true },
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
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          const info = resourceServerInfo(resource, accessTokenTtl);
          if (!info) throw new (await loadOidcProvider()).errors.InvalidTarget(`unknown resource ${resource}`);
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
    },
    routes: ROUTES,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      DeviceCode: DEVICE_CODE_TTL,
      BackchannelAuthenticationRequest: 600,
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
    },
  });

  const env: GrantEnvironment = {
    provider,
    oidcScopes: new Set(OIDC_SCOPES),
    resourceServerInfo: (resource) => resourceServerInfo(resource, accessTokenTtl),
  };
  const trustedIssuerKeys = { keysFor: (iss: string) => (iss === TRUSTED_ISSUER ? { keys: [trustedKey.publicJwk] } : undefined) };
  const grants = [
    passwordGrant(env, accounts),
    jwtBearerGrant(env, { clientJwks: (id) => clientJwks.get(id), trustedIssuer: trustedIssuerKeys }),
    saml2BearerGrant(env, samlIdp),
    tokenExchangeGrant(env, {
      keysFor: (iss) => (iss === issuer ? providerPublicJwks : trustedIssuerKeys.keysFor(iss)),
    }),
  ];
  for (const grant of grants) provider.registerGrantType(grant.name, grant.handler, grant.params, ['resource']);

  const providerCallback = provider.callback();
  const interactions = createInteractionHandler(provider, accounts);
  dispatch = (req, res) => {
    if (req.url?.startsWith(INTERACTION_PREFIX)) {
      void interactions(req, res);
      return;
    }
    providerCallback(req, res);
  };

  let closed: Promise<void> | undefined;
  return {
    issuer,
    mtlsOrigin,
    caPem: ca.certPem,
    clients,
    user: { username: SANDBOX_USERNAME, password },
    trustedIssuer,
    saml: { issuer: SAML_IDP_ENTITY_ID, certPem: samlCert.certPem },
    mintSamlAssertion: (o) =>
      mintAssertion(samlIdp, {
        subject: o.subject,
        audience: o.audience ?? issuer,
        issuer: o.issuer ?? SAML_IDP_ENTITY_ID,
        notBefore: o.notBefore ?? new Date(Date.now() - 60_000),
        notOnOrAfter: o.notOnOrAfter ?? new Date(Date.now() + 5 * 60_000),
        recipient: `${issuer}${ROUTES.token}`,
      }),
    resourceServer: { ...resourceServer, resource: SANDBOX_RESOURCE },
    provider: provider as Provider,
    close: () => (closed ??= Promise.all(listeners.map((l) => l.close())).then(() => undefined)),
  };
}
