import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Google: a refresh token is only issued with `access_type=offline` on the authorization request,
 * and again later only with `prompt=consent`; Google has no `offline_access` scope.
 */
export const google: ProviderPreset = {
  id: 'google',
  name: 'Google',
  docs: ['https://developers.google.com/identity/openid-connect/openid-connect', 'https://developers.google.com/identity/protocols/oauth2/web-server#offline'],
  inputs: [CLIENT_ID_INPUT, GRANT_INPUT(['authorization_code', 'device_code', 'refresh_token'], 'authorization_code'), { name: 'hd', label: 'Hosted domain (Workspace accounts only)' }],
  rules: [
    {
      set: {
        issuer: 'https://accounts.google.com',
        grantType: 'authorization_code',
        authMethod: 'client_secret_post',
        scopes: ['openid', 'email', 'profile'],
        authorizationParams: { access_type: 'offline', prompt: 'consent', hd: '{hd}' },
      },
      note: 'Google returns a refresh token only for access_type=offline (and prompt=consent after the first time); it has no offline_access scope',
    },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
