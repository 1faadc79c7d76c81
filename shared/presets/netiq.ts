import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * NetIQ (OpenText) Access Manager: the Identity Server's OAuth issuer is `https://{host}/nidp/oauth/nam`
 * (endpoints …/authz, …/token, …/userinfo). Access tokens are encrypted for a resource server
 * unless the client asks for one configured to issue plain JWTs (`resourceServer` parameter).
 */
export const netiq: ProviderPreset = {
  id: 'netiq',
  name: 'NetIQ Access Manager',
  docs: [
    'https://www.netiq.com/documentation/access-manager-45-developer-documentation/oauth-application-developer-guide/data/apis-in-action.html',
    'https://www.microfocus.com/documentation/access-manager/5.0/admin/t4691o963qa4.html',
  ],
  inputs: [
    { name: 'host', label: 'Identity Server host (e.g. login.example.com or login.example.com:8443)', required: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'refresh_token', 'password'], 'authorization_code'),
    { name: 'resource-server', label: 'Resource server name (resourceServer)' },
  ],
  rules: [
    {
      set: {
        issuer: 'https://{host}/nidp/oauth/nam',
        grantType: 'authorization_code',
        authMethod: 'client_secret_post',
        scopes: ['openid', 'profile'],
        tokenParams: { resourceServer: '{resource-server}' },
        authorizationParams: { resourceServer: '{resource-server}' },
      },
      note: 'Access Manager encrypts access tokens for the resource server named by resourceServer; without one you get a token only it can read',
    },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
