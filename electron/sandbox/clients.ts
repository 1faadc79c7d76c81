import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import type { AuthMethod, GrantType } from '../../shared/grants';
import type { IssuedCertificate } from './pki';
import { certificateJwk, generateClientSigningKeys } from './pki';
import type { SandboxClient } from './types';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** The loopback redirect URI; any port is accepted for it (RFC 8252 §7.3, native clients). */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';
export const REDIRECT_URIS = [LOOPBACK_REDIRECT_URI, 'http://localhost:8080/callback', 'com.tokenworkbench.sandbox:/callback'];
export const POST_LOGOUT_REDIRECT_URIS = ['http://127.0.0.1/logged-out', 'http://localhost:8080/logged-out'];

export const RESOURCE_SERVER_ID = 'sandbox-resource-server';

const ALL_GRANTS: GrantType[] = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  JWT_BEARER,
  SAML2_BEARER,
  DEVICE_CODE,
  TOKEN_EXCHANGE,
  'implicit',
];
// A public client cannot prove who it is, so it gets no client_credentials.
const PUBLIC_GRANTS = ALL_GRANTS.filter((g) => g !== 'client_credentials');
const RESPONSE_TYPES = ['code', 'id_token', 'id_token token'];

/** base64url of n random bytes; 64 bytes give an 86-character secret, enough for HS512. */
const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

export interface ClientSetup {
  /** Client metadata as oidc-provider's `clients` configuration takes it. */
  metadata: Record<string, unknown>[];
  clients: Record<string, SandboxClient>;
  resourceServer: { client_id: string; client_secret: string };
  /** The private_key_jwt client's fixed keys (generated, or given as clientJwks). */
  privateKeyJwks: JSONWebKeySet;
}

export async function buildClients(options: { selfSigned: IssuedCertificate; tlsClient: IssuedCertificate; clientJwks?: JSONWebKeySet; privateKeyJwtJwksUri?: string }): Promise<ClientSetup> {
  const signingKeys = options.clientJwks ? undefined : await generateClientSigningKeys();
  const privateKeyJwks: JSONWebKeySet = options.clientJwks ?? { keys: (signingKeys ?? []).map((k) => k.publicJwk) };
  const selfSignedJwk: JWK = await certificateJwk(options.selfSigned);

  const clients: SandboxClient[] = [
    confidential('sandbox-basic', 'client_secret_basic', { client_secret: secret(32) }),
    confidential('sandbox-post', 'client_secret_post', { client_secret: secret(32) }),
    confidential('sandbox-secret-jwt', 'client_secret_jwt', { client_secret: secret(64) }),
    confidential('sandbox-private-key-jwt', 'private_key_jwt', signingKeys ? { signingKeys } : {}),
    confidential('sandbox-tls', 'tls_client_auth', {
      tls: { certPem: options.tlsClient.certPem, keyPem: options.tlsClient.keyPem, subjectDn: options.tlsClient.subjectDn },
    }),
    confidential('sandbox-self-signed-tls', 'self_signed_tls_client_auth', {
      tls: { certPem: options.selfSigned.certPem, keyPem: options.selfSigned.keyPem },
    }),
    {
      client_id: 'sandbox-public',
      token_endpoint_auth_method: 'none',
      grant_types: PUBLIC_GRANTS,
      response_types: RESPONSE_TYPES,
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    },
  ];

  const metadata = clients.map((c) => {
    const m: Record<string, unknown> = {
      client_id: c.client_id,
      client_name: c.client_id,
      application_type: 'native',
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      grant_types: c.grant_types,
      response_types: c.response_types,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris,
    };
    if (c.client_secret) m.client_secret = c.client_secret;
    if (c.token_endpoint_auth_method === 'private_key_jwt') {
      // Live keys (issue 12): the sandbox serves this client's JWKS itself; else the set is fixed here.
      if (options.privateKeyJwtJwksUri) m.jwks_uri = options.privateKeyJwtJwksUri;
      else m.jwks = privateKeyJwks;
    }
    if (c.token_endpoint_auth_method === 'self_signed_tls_client_auth') m.jwks = { keys: [selfSignedJwk] };
    if (c.token_endpoint_auth_method === 'tls_client_auth') m.tls_client_auth_subject_dn = options.tlsClient.subjectDn;
    return m;
  });

  const resourceServer = { client_id: RESOURCE_SERVER_ID, client_secret: secret(32) };
  // Only calls introspection: no grants, no redirects.
  metadata.push({
    client_id: resourceServer.client_id,
    client_secret: resourceServer.client_secret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [],
    response_types: [],
    redirect_uris: [],
  });

  return { metadata, clients: Object.fromEntries(clients.map((c) => [c.client_id, c])), resourceServer, privateKeyJwks };
}

function confidential(client_id: string, method: AuthMethod, extra: Partial<SandboxClient>): SandboxClient {
  return {
    client_id,
    token_endpoint_auth_method: method,
    grant_types: ALL_GRANTS,
    response_types: RESPONSE_TYPES,
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    ...extra,
  };
}
