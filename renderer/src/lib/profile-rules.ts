import type { GrantType } from '../../../shared/grants';
import type { SecretStatus } from '../../../shared/ipc';
import type { ConnectionProfile } from '../../../shared/profile';

/** Form fields of the request panel that depend on the grant. */
export type Field =
  | 'authorizationEndpoint'
  | 'deviceEndpoint'
  | 'redirect'
  | 'pkce'
  | 'authorizationParams'
  | 'username'
  | 'password'
  | 'subjectToken'
  | 'assertion'
  | 'samlAssertion'
  | 'jwtBearerClaims'
  // CIBA (issue 14): login hint, binding message
  | 'ciba';

const INTERACTIVE: Field[] = ['authorizationEndpoint', 'redirect', 'pkce', 'authorizationParams'];

/** Which fields each grant shows; everything else is hidden so the form shows only what matters. */
export const GRANT_FIELDS: Record<GrantType, Field[]> = {
  authorization_code: INTERACTIVE,
  implicit: ['authorizationEndpoint', 'redirect', 'authorizationParams'],
  client_credentials: [],
  refresh_token: [],
  password: ['username', 'password'],
  'urn:ietf:params:oauth:grant-type:device_code': ['deviceEndpoint', 'authorizationParams'],
  'urn:ietf:params:oauth:grant-type:jwt-bearer': ['assertion', 'jwtBearerClaims'],
  'urn:ietf:params:oauth:grant-type:saml2-bearer': ['samlAssertion'],
  'urn:ietf:params:oauth:grant-type:token-exchange': ['subjectToken'],
  'urn:openid:params:grant-type:ciba': ['ciba'],
};

export const GRANT_LABELS: Record<GrantType, string> = {
  authorization_code: 'Authorization code',
  client_credentials: 'Client credentials',
  refresh_token: 'Refresh token',
  password: 'Password (ROPC)',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'JWT bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer': 'SAML 2.0 bearer',
  'urn:ietf:params:oauth:grant-type:device_code': 'Device code',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'Token exchange',
  implicit: 'Implicit (legacy)',
  'urn:openid:params:grant-type:ciba': 'CIBA (backchannel)',
};

export const shows = (grant: GrantType, field: Field) => GRANT_FIELDS[grant].includes(field);

export const usesSecret = (p: Pick<ConnectionProfile, 'clientAuth'>) =>
  ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'].includes(p.clientAuth.method);

export interface RunInputs {
  subjectToken?: string;
  assertion?: string;
  samlAssertionXml?: string;
  /** OIDC id_token_hint for the next authorization request (issue 14): a token, so never saved. */
  idTokenHint?: string;
}

/** A compact JWS (3 parts) or JWE (5 parts): what an ID token hint can be. */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$|^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** True when an id_token_hint was typed and is not a compact JWT. */
export const idTokenHintProblem = (value: string | undefined): boolean => Boolean(value?.trim()) && !COMPACT_JWT.test(value!.trim());

/**
 * What is missing before a run can succeed, in words for the user. It
 * mirrors what the engine will demand, so the panel can say it before
 * sending instead of after a failed request.
 */
export function missingFields(p: Omit<ConnectionProfile, 'createdAt' | 'updatedAt'>, secrets: SecretStatus[], inputs: RunInputs, groupIssuer?: string): string[] {
  const missing: string[] = [];
  const issuer = p.issuer ?? groupIssuer;
  const has = (name: SecretStatus['name']) => secrets.some((s) => s.name === name && s.set);
  if (!p.clientId.trim()) missing.push('Client ID');
  if (!(p.discovery && issuer) && !p.endpoints.token) missing.push('Token endpoint (or an issuer with discovery on)');
  if (shows(p.grantType, 'authorizationEndpoint') && !(p.discovery && issuer) && !p.endpoints.authorization) missing.push('Authorization endpoint (or an issuer with discovery on)');
  if (shows(p.grantType, 'deviceEndpoint') && !(p.discovery && issuer) && !p.endpoints.device_authorization) missing.push('Device authorization endpoint (or an issuer)');
  if (usesSecret(p) && !has('clientSecret')) missing.push('Client secret');
  if (p.clientAuth.method === 'private_key_jwt' && !p.clientAuth.keyAlias) missing.push('Signing key (keystore alias)');
  if ((p.clientAuth.method === 'tls_client_auth' || p.clientAuth.method === 'self_signed_tls_client_auth') && !p.clientAuth.tlsKeyAlias) missing.push('Client certificate (keystore alias)');
  if (p.redirect.mode === 'fixed' && shows(p.grantType, 'redirect') && !p.redirect.url) missing.push('Redirect URL');
  if (shows(p.grantType, 'username') && !p.username) missing.push('Username');
  if (shows(p.grantType, 'password') && !has('password')) missing.push('Password');
  if (p.grantType === 'refresh_token' && !has('refreshToken')) missing.push('Refresh token');
  if (shows(p.grantType, 'subjectToken') && !inputs.subjectToken?.trim()) missing.push('Subject token');
  if (shows(p.grantType, 'samlAssertion') && !inputs.samlAssertionXml?.trim()) missing.push('SAML assertion');
  if (shows(p.grantType, 'assertion') && !inputs.assertion?.trim() && !p.clientAuth.keyAlias && !has('clientSecret')) missing.push('Assertion (or a key / client secret to sign one)');
  if (shows(p.grantType, 'redirect') && idTokenHintProblem(inputs.idTokenHint)) missing.push('id_token_hint that is a JWT');
  if (shows(p.grantType, 'ciba') && !p.ciba?.loginHint && !p.ciba?.loginHintToken && !p.ciba?.idTokenHint) missing.push('Login hint (CIBA)');
  return missing;
}
