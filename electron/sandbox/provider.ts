import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import { AccountDirectory, SANDBOX_USERNAME } from './accounts';
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
import { mintAssertion, type SamlIdentityProvider } from './saml';
import type { SandboxHandle, SandboxOptions, TrustedIssuer } from './types';

const DEFAULT_ACCESS_TOKEN_TTL = 600;
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

    const { metadata, clients, resourceServer } = await buildClients({ selfSigned, tlsClient, ...(options.clientJwks ? { clientJwks: options.clientJwks } : {}) });
    const clientJwks = new Map<string, JSONWebKeySet>();
    for (const m of metadata) if (m.jwks) clientJwks.set(String(m.client_id), m.jwks as JSONWebKeySet);

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
      }),
    );

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
      provider,
      close: () => (closed ??= closeAll()),
    };
  } catch (err) {
    // A half-started sandbox must not keep ports open.
    await closeAll();
    throw err;
  }
}
