import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/** Duende IdentityServer: issuer is the server's base URL; API scopes are requested by name, `offline_access` for refresh tokens. */
export const duende: ProviderPreset = {
  id: 'duende',
  name: 'Duende IdentityServer',
  docs: ['https://docs.duendesoftware.com/identityserver/reference/endpoints/discovery/', 'https://docs.duendesoftware.com/identityserver/reference/endpoints/token/'],
  inputs: [
    { name: 'base-url', label: 'IdentityServer URL (e.g. https://demo.duendesoftware.com)', required: true, pattern: '^https?://' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password', 'token_exchange'], 'authorization_code'),
    { name: 'scope', label: 'API scope (e.g. api)' },
  ],
  rules: [
    { set: { issuer: '{base-url}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'profile', '{scope}', 'offline_access'] } },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: ['{scope}'] } },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
    { when: { grant: 'token_exchange' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' } },
  ],
};
