import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Auth0: the API a token is for is named by the non-standard `audience` parameter (its API
 * Identifier). Without it, client credentials fail and user tokens are opaque, for /userinfo only.
 */
export const auth0: ProviderPreset = {
  id: 'auth0',
  name: 'Auth0',
  docs: [
    'https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow',
    'https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens',
    'https://auth0.com/docs/api/authentication',
  ],
  inputs: [
    { name: 'domain', label: 'Tenant domain (e.g. example.eu.auth0.com or a custom domain)', required: true, pattern: '^[A-Za-z0-9.-]+$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password'], 'authorization_code'),
    { name: 'audience', label: 'API Identifier (audience)', help: 'required for client credentials; without it user access tokens are opaque' },
  ],
  rules: [
    {
      set: { issuer: 'https://{domain}/', grantType: 'authorization_code', authMethod: 'client_secret_post', scopes: ['openid', 'profile', 'offline_access'], audience: '{audience}' },
      note: 'the API is named by the audience parameter (sent with the authorization and token requests)',
    },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] } },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code', authMethod: 'none' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
