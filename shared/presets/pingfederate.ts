import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/** PingFederate: the issuer is the server's base URL (runtime port 9031 by default); endpoints under /as/. */
export const pingfederate: ProviderPreset = {
  id: 'pingfederate',
  name: 'PingFederate',
  docs: [
    'https://docs.pingidentity.com/pingfederate/latest/developers_reference_guide/pf_oauth_20_endpoints.html',
    'https://docs.pingidentity.com/pingfederate/latest/developers_reference_guide/pf_openid_connect_endpoints.html',
  ],
  inputs: [
    { name: 'base-url', label: 'Base URL (e.g. https://sso.example.com:9031)', required: true, pattern: '^https?://' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password', 'token_exchange'], 'authorization_code'),
    { name: 'policy', label: 'Access token manager id (access_token_manager_id)' },
  ],
  rules: [
    {
      set: { issuer: '{base-url}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'profile'], tokenParams: { access_token_manager_id: '{policy}' }, authorizationParams: { access_token_manager_id: '{policy}' } },
      note: 'endpoints: /as/authorization.oauth2, /as/token.oauth2, /idp/userinfo.openid (read from discovery)',
    },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] } },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
    { when: { grant: 'token_exchange' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' } },
  ],
};
