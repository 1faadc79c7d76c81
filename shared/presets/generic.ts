import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/** Any OpenID Connect provider with discovery (OpenID Connect Discovery 1.0, RFC 8414). */
export const generic: ProviderPreset = {
  id: 'generic',
  name: 'Generic OpenID Connect',
  docs: ['https://openid.net/specs/openid-connect-discovery-1_0.html', 'https://www.rfc-editor.org/rfc/rfc8414'],
  inputs: [
    { name: 'issuer', label: 'Issuer URL', required: true, pattern: '^https?://' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password', 'token_exchange', 'jwt_bearer'], 'authorization_code'),
  ],
  rules: [
    { set: { issuer: '{issuer}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'profile'] } },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] } },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
    { when: { grant: 'token_exchange' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' } },
    { when: { grant: 'jwt_bearer' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' } },
  ],
};
