import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/** Keycloak: one issuer per realm, `{base}/realms/{realm}` (Keycloak 17+; add /auth to the base for older servers). */
export const keycloak: ProviderPreset = {
  id: 'keycloak',
  name: 'Keycloak',
  docs: ['https://www.keycloak.org/docs/latest/securing_apps/#_oidc', 'https://www.keycloak.org/docs/latest/server_admin/#_oidc-auth-flows'],
  inputs: [
    { name: 'base-url', label: 'Server URL (e.g. https://sso.example.com, or …/auth before Keycloak 17)', required: true, pattern: '^https?://' },
    { name: 'realm', label: 'Realm', required: true, pattern: '^[^/?#]+$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password', 'token_exchange'], 'authorization_code'),
    { name: 'audience', label: 'Audience (token exchange)' },
  ],
  rules: [
    { set: { issuer: '{base-url}/realms/{realm}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'profile'] } },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] }, note: 'client credentials need "Service accounts roles" enabled on the client' },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
    { when: { grant: 'token_exchange' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:token-exchange', audience: '{audience}' } },
  ],
};
