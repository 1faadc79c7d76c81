import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import { AccountDirectory, SANDBOX_USERNAME } from './accounts';
import { CIBA_PAGE, CibaDevice } from './ciba';
import { buildClients } from './clients';
import { OIDC_SCOPES, ROUTES, sandboxConfiguration } from './configuration';
import type { GrantEnvironment } from './grants/issue';
import { jwtBearerGrant } from './grants/jwt-bearer';
import { passwordGrant } from './grants/password';
import { saml2BearerGrant } from './grants/saml2-bearer';
import { tokenExchangeGrant } from './grants/token-exchange';
import { createInteractionHandler, INTERACTION_PREFIX } from './interactions';
import { listenHttp, listenMutualTls, type Listener } from './listeners';
import { loadOidcProvider } from './loader';
import { createCertificateAuthority, createRsaSigningCertificate, createSelfSignedCertificate, generateSigningKey } from './pki';
import { resourceServerInfo, SANDBOX_RESOURCE } from './resources';
import { PER_ENDPOINT_CLIENT_ID, withQuirks } from './quirks';
import { mintAssertion, type SamlIdentityProvider } from './saml';
import type { SandboxHandle, SandboxOptions, TrustedIssuer } from './types';

const DEFAULT_ACCESS_TOKEN_TTL = 600;
const PRIVATE_KEY_JWT_CLIENT = 'sandbox-private-key-jwt';
/** Where the sandbox serves the private_key_jwt client's live JWKS (its registered jwks_uri). */
const CLIENT_JWKS_PATH = '/sandbox/clients/sandbox-private-key-jwt/jwks';
/** Endpoints where a client authenticates (and so may send an assertion). */
const ASSERTION_PATHS = [ROUTES.token, ROUTES.pushed_authorization_request, ROUTES.device_authorization];
const TRUSTED_ISSUER = 'https://trusted-issuer.sandbox.test';
const SAML_IDP_ENTITY_ID = 'https://saml-idp.sandbox.test';

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
  // Encrypted request objects (issue 14) are encrypted to this key.
  const providerEnc = { ...(await generateSigningKey('RS256')), alg: 'RSA-OAEP-256' };

  // Listen first: the issuer URL and the mTLS aliases need the real ports.
  let dispatch: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (dispatch) return dispatch(req, res);
    res.statusCode = 503;
    res.end('starting');
  };
  const listeners: Listener[] = [];
  const closeAll = () => Promise.all(listeners.map((l) => l.close())).then(() => undefined);
  try {
    listeners.push(await listenHttp(options.port ?? 0, handler));
    listeners.push(await listenMutualTls(options.mtlsPort ?? 0, { certPem: serverCert.certPem, keyPem: serverCert.keyPem, caPem: ca.certPem }, handler));
    const [httpListener, mtlsListener] = listeners as [Listener, Listener];
    const issuer = `http://127.0.0.1:${httpListener.port}`;
    const mtlsOrigin = `https://127.0.0.1:${mtlsListener.port}`;

    const liveKeys = options.clientKeys;
    const { metadata, clients, resourceServer, privateKeyJwks } = await buildClients({
      selfSigned,
      tlsClient,
      ...(options.clientJwks ? { clientJwks: options.clientJwks } : {}),
      ...(liveKeys ? { privateKeyJwtJwksUri: `${issuer}${CLIENT_JWKS_PATH}` } : {}),
    });
    const clientJwks = new Map<string, JSONWebKeySet>();
    for (const m of metadata) if (m.jwks) clientJwks.set(String(m.client_id), m.jwks as JSONWebKeySet);
    /** The private_key_jwt client's keys now: the fixed ones and the live source's (read on each call). */
    const currentPrivateKeyJwks = async (): Promise<JSONWebKeySet> => {
      const live = liveKeys ? await liveKeys().catch(() => ({ keys: [] })) : { keys: [] };
      return { keys: [...privateKeyJwks.keys, ...live.keys] };
    };
    if (liveKeys) clientJwks.set(PRIVATE_KEY_JWT_CLIENT, privateKeyJwks);

    const ciba = new CibaDevice();
    const initialAccessToken = randomBytes(24).toString('base64url');
    const trustedIssuer: TrustedIssuer = { iss: TRUSTED_ISSUER, alg: trustedKey.alg, privateJwk: trustedKey.privateJwk, publicJwk: trustedKey.publicJwk };
    const providerPublicJwks: JSONWebKeySet = { keys: [providerRsa.publicJwk, providerEc.publicJwk] };
    const samlIdp: SamlIdentityProvider = { entityId: SAML_IDP_ENTITY_ID, certPem: samlCert.certPem, keyPem: samlCert.keyPem };

    const provider = new ProviderClass(
      issuer,
      sandboxConfiguration({
        adapter: createMemoryAdapter(),
        clients: metadata,
        signingKeys: [providerRsa, providerEc],
        encryptionKeys: [providerEnc],
        accounts,
        accessTokenTtl,
        mtlsOrigin,
        ...(options.introspectionAuthMethods ? { introspectionAuthMethods: options.introspectionAuthMethods } : {}),
        modern: { ciba, initialAccessToken },
        // The client's jwks_uri is this process's own: answered from the live source, no loopback request
        // (which oidc-provider's SSRF guard would refuse anyway); any other URL goes out as usual.
        ...(liveKeys
          ? {
              fetch: async (url: URL | string, init: RequestInit) =>
                String(url) === `${issuer}${CLIENT_JWKS_PATH}`
                  ? new Response(JSON.stringify(await currentPrivateKeyJwks()), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })
                  : globalThis.fetch(url, init),
            }
          : {}),
      }),
    );
    ciba.attach(provider);

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

    const perEndpoint = clients[PER_ENDPOINT_CLIENT_ID]!;
    const providerCallback = withQuirks(
      {
        issuer,
        providerKeys: [providerRsa, providerEc],
        perEndpoint: { secret: perEndpoint.client_secret as string, jwks: perEndpoint.jwks as JSONWebKeySet },
        ...(options.introspectionAuthMethods ? { introspectionAuthMethods: options.introspectionAuthMethods } : {}),
      },
      provider.callback(),
    );
    const interactions = createInteractionHandler(provider, accounts);
    let servedDigest = '';
    /**
     * Before a request that may carry a client assertion: if the live keys changed since oidc-provider last
     * read them, it reads them again now (its own cache would keep an old set for at least 60 s).
     */
    const syncLiveKeys = async () => {
      const jwks = await currentPrivateKeyJwks();
      clientJwks.set(PRIVATE_KEY_JWT_CLIENT, jwks);
      const digest = JSON.stringify(jwks);
      if (digest === servedDigest) return;
      servedDigest = digest;
      const client = (await provider.Client.find(PRIVATE_KEY_JWT_CLIENT)) as unknown as { asymmetricKeyStore?: { freshUntil?: number; refresh(): Promise<void> } } | undefined;
      const store = client?.asymmetricKeyStore;
      if (!store) return;
      store.freshUntil = 0;
      await store.refresh().catch(() => undefined);
    };
    dispatch = (req, res) => {
      if (req.url?.startsWith(INTERACTION_PREFIX)) {
        void interactions(req, res);
        return;
      }
      if (req.url === CIBA_PAGE || req.url?.startsWith(`${CIBA_PAGE}/`)) {
        void ciba.handle(req, res);
        return;
      }
      if (liveKeys && req.method === 'GET' && req.url === CLIENT_JWKS_PATH) {
        void currentPrivateKeyJwks().then((jwks) => {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify(jwks));
        });
        return;
      }
      if (liveKeys && req.method === 'POST' && ASSERTION_PATHS.some((p) => req.url?.startsWith(p))) {
        void syncLiveKeys().finally(() => providerCallback(req, res));
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
      provider,
      ciba: { pageUrl: `${issuer}${CIBA_PAGE}`, next: (t) => ciba.next(t), approve: (id) => ciba.approve(id), deny: (id) => ciba.deny(id) },
      registration: { endpoint: `${issuer}${ROUTES.registration}`, initialAccessToken },
      close: () => (closed ??= closeAll()),
    };
  } catch (err) {
    // A half-started sandbox must not keep ports open.
    await closeAll();
    throw err;
  }
}
