import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import type { AuthMethod, GrantType } from '../../shared/grants';
import { KID_REQUIRED_CLIENT_ID, KID_THUMBPRINT_CLIENT_ID } from './kid-quirk';
import type { IssuedCertificate } from './pki';
import { AUTHN_QUIRK_CLIENT_ID, KID_QUIRK_CLIENT_ID, NO_AUTH_TIME_CLIENT_ID, PER_ENDPOINT_CLIENT_ID, RAW_BASIC_CLIENT_ID } from './quirks';
import { certificateJwk, generateClientSigningKeys, generateSigningKey } from './pki';
import type { SandboxClient } from './types';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
export const CIBA = 'urn:openid:params:grant-type:ciba';

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
  // Encrypted JARM responses go to this client key (ECDH-ES: cheap to generate at every start).
  const jarmEncryption = { ...(await generateSigningKey('ES256')), alg: 'ECDH-ES' };
  // The kid-selecting quirk client registered by thumbprint (issue 13): each key's RFC 7638 thumbprint.
  const thumbprints = await Promise.all(privateKeyJwks.keys.map((k) => calculateJwkThumbprint(k as JWK)));
  /** The private_key_jwt keys, registered under other kids (and their private halves named to match). */
  const registeredUnder = (kidAt: (index: number) => string): Partial<SandboxClient> => ({
    ...(signingKeys ? { signingKeys: signingKeys.map((k, i) => ({ ...k, kid: kidAt(i), publicJwk: { ...k.publicJwk, kid: kidAt(i) } })) } : {}),
    jwks: { keys: privateKeyJwks.keys.map((k, i) => ({ ...k, kid: kidAt(i) })) },
  });

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
    // Authorization request features (issue 14): PAR, signed request objects, JARM, hybrid, FAPI 2.0.
    confidential('sandbox-par', 'client_secret_basic', { client_secret: secret(32), extraMetadata: { require_pushed_authorization_requests: true } }),
    confidential('sandbox-jar', 'private_key_jwt', { ...(signingKeys ? { signingKeys } : {}), extraMetadata: { require_signed_request_object: true } }),
    confidential('sandbox-jarm', 'client_secret_basic', { client_secret: secret(32), extraMetadata: { authorization_signed_response_alg: 'ES256' } }),
    confidential('sandbox-jarm-encrypted', 'client_secret_basic', {
      client_secret: secret(32),
      encryptionKey: jarmEncryption,
      extraMetadata: {
        authorization_signed_response_alg: 'ES256',
        authorization_encrypted_response_alg: 'ECDH-ES',
        authorization_encrypted_response_enc: 'A256GCM',
        jwks: { keys: [{ ...jarmEncryption.publicJwk, use: 'enc', alg: 'ECDH-ES' }] },
      },
    }),
    confidential('sandbox-hybrid', 'client_secret_basic', { client_secret: secret(32), response_types: ['code id_token', 'code'] }),
    confidential('sandbox-fapi', 'tls_client_auth', {
      // FAPI 2.0: code only, no implicit grant.
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      tls: { certPem: options.tlsClient.certPem, keyPem: options.tlsClient.keyPem, subjectDn: options.tlsClient.subjectDn },
      extraMetadata: { require_pushed_authorization_requests: true, tls_client_certificate_bound_access_tokens: true },
    }),
    publicClient('sandbox-public'),
    // Quirk clients (issue 13, electron/sandbox/quirks.ts): each behaves like a server nobody here wrote.
    confidential(KID_QUIRK_CLIENT_ID, 'private_key_jwt', registeredUnder(registeredKid)),
    // Servers that select keys only by kid (electron/sandbox/kid-quirk.ts): a kid-less assertion is refused.
    confidential(KID_REQUIRED_CLIENT_ID, 'private_key_jwt', registeredUnder(registeredKid)),
    confidential(KID_THUMBPRINT_CLIENT_ID, 'private_key_jwt', registeredUnder((i) => thumbprints[i] as string)),
    confidential(RAW_BASIC_CLIENT_ID, 'client_secret_basic', { client_secret: secret(32) }),
    publicClient(AUTHN_QUIRK_CLIENT_ID),
    publicClient(NO_AUTH_TIME_CLIENT_ID),
    confidential(PER_ENDPOINT_CLIENT_ID, 'private_key_jwt', { client_secret: secret(32), ...(signingKeys ? { signingKeys } : {}), jwks: privateKeyJwks }),
    // --- issue 14 (token side): sender-constrained tokens, RAR, CIBA ---
    {
      client_id: 'sandbox-dpop',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
      extraMetadata: { dpop_bound_access_tokens: true },
    },
    confidential('sandbox-dpop-nonce', 'client_secret_basic', {
      client_secret: secret(32),
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      extraMetadata: { dpop_bound_access_tokens: true },
    }),
    confidential('sandbox-mtls-bound', 'client_secret_basic', {
      client_secret: secret(32),
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      tls: { certPem: options.tlsClient.certPem, keyPem: options.tlsClient.keyPem },
      extraMetadata: { tls_client_certificate_bound_access_tokens: true },
    }),
    confidential('sandbox-rar', 'client_secret_basic', {
      client_secret: secret(32),
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      extraMetadata: { authorization_details_types: ['payment_initiation'] },
    }),
    confidential('sandbox-ciba', 'client_secret_basic', {
      client_secret: secret(32),
      grant_types: [CIBA as GrantType],
      response_types: [],
      redirect_uris: [],
      post_logout_redirect_uris: [],
      extraMetadata: { backchannel_token_delivery_mode: 'poll' },
    }),
  ];

  const metadata = clients.map((c) => {
    const m: Record<string, unknown> = {
      client_id: c.client_id,
      client_name: c.client_id,
      application_type: 'native',
      // The per-endpoint client's private_key_jwt is checked by the quirk middleware; oidc-provider sees Basic.
      token_endpoint_auth_method: c.client_id === PER_ENDPOINT_CLIENT_ID ? 'client_secret_basic' : c.token_endpoint_auth_method,
      grant_types: c.grant_types,
      response_types: c.response_types,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris,
    };
    if (c.client_secret) m.client_secret = c.client_secret;
    if (c.token_endpoint_auth_method === 'private_key_jwt' && c.client_id !== PER_ENDPOINT_CLIENT_ID) {
      // Quirk clients (issue 13) keep a fixed registered set of their own (kids an admin console assigned).
      if (c.jwks) m.jwks = c.jwks;
      // Live keys (issue 12): the sandbox serves this client's JWKS itself; else the set is fixed here.
      else if (options.privateKeyJwtJwksUri) m.jwks_uri = options.privateKeyJwtJwksUri;
      else m.jwks = privateKeyJwks;
    }
    if (c.token_endpoint_auth_method === 'self_signed_tls_client_auth') m.jwks = { keys: [selfSignedJwk] };
    if (c.token_endpoint_auth_method === 'tls_client_auth') m.tls_client_auth_subject_dn = options.tlsClient.subjectDn;
    Object.assign(m, c.extraMetadata ?? {});
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

/** Kids an admin console might assign: not the keys' thumbprints, not the kids the keys were made with. */
export const registeredKid = (index: number) => `admin-console-${index + 1}`;

function publicClient(client_id: string): SandboxClient {
  return {
    client_id,
    token_endpoint_auth_method: 'none',
    grant_types: PUBLIC_GRANTS,
    response_types: RESPONSE_TYPES,
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
  };
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
