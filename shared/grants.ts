/** Grant types and client-authentication methods the workbench speaks. */
export const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  'password',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'implicit',
  // OpenID CIBA Core (poll mode) — issue 14
  'urn:openid:params:grant-type:ciba',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** Short names accepted by the CLI (oauth2c's spelling) for the URN grants. */
export const GRANT_SHORT_NAMES: Record<string, GrantType> = {
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  saml2_bearer: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  device: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  ciba: 'urn:openid:params:grant-type:ciba',
};

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

export function parseGrantType(value: string): GrantType | undefined {
  if ((GRANT_TYPES as readonly string[]).includes(value)) return value as GrantType;
  return GRANT_SHORT_NAMES[value];
}

export const AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type HmacAlg = (typeof HMAC_ALGS)[number];
export type AsymmetricAlg = (typeof ASYMMETRIC_SIGNING_ALGS)[number];

export const TOKEN_TYPE_URNS = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
  saml1: 'urn:ietf:params:oauth:token-type:saml1',
} as const;

/** Accepts `access_token` or the full URN. */
export function parseTokenType(value: string): string {
  return (TOKEN_TYPE_URNS as Record<string, string>)[value] ?? value;
}
