import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Salesforce: the JWT bearer flow signs `{iss: consumer key, sub: username, aud: login URL}` with the
 * certificate's key uploaded to the connected app. `aud` is https://login.salesforce.com (production),
 * https://test.salesforce.com (sandboxes) or an Experience Cloud site URL — not the token endpoint.
 */
export const salesforce: ProviderPreset = {
  id: 'salesforce',
  name: 'Salesforce',
  docs: [
    'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm',
    'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm',
  ],
  inputs: [
    { name: 'login-url', label: 'Login URL', default: 'https://login.salesforce.com', help: 'https://test.salesforce.com for sandboxes, or My Domain' },
    { ...CLIENT_ID_INPUT, label: 'Consumer key' },
    GRANT_INPUT(['jwt_bearer', 'authorization_code', 'client_credentials', 'refresh_token'], 'jwt_bearer'),
    { name: 'username', label: 'Salesforce username (JWT bearer: sub)' },
    { name: 'key', label: 'Keystore alias of the connected app\'s certificate key (JWT bearer)' },
  ],
  rules: [
    { set: { issuer: '{login-url}', grantType: 'authorization_code', authMethod: 'client_secret_post', scopes: ['openid', 'api', 'refresh_token'] } },
    {
      when: { grant: 'jwt_bearer' },
      set: { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', authMethod: 'none', keyAlias: '{key}', signingAlg: 'RS256', scopes: [], jwtBearerClaims: { iss: '{client-id}', sub: '{username}', aud: '{login-url}' } },
      note: 'JWT bearer: aud is the login URL (not the token endpoint); the user must be pre-authorized for the connected app',
    },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] }, note: 'client credentials: use your My Domain URL as the login URL' },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
