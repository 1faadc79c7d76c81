import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Okta: the org authorization server (`https://{domain}`, tokens for Okta's own APIs) or a custom
 * authorization server (`https://{domain}/oauth2/{server}`, "default" exists in every org) for your
 * APIs. Client credentials need a custom authorization server and a custom scope.
 */
export const okta: ProviderPreset = {
  id: 'okta',
  name: 'Okta',
  docs: [
    'https://developer.okta.com/docs/concepts/auth-servers/',
    'https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/',
    'https://developer.okta.com/docs/reference/api/oidc/',
  ],
  inputs: [
    { name: 'domain', label: 'Okta domain (e.g. example.okta.com)', required: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$' },
    { name: 'server', label: 'Authorization server: "org" or a custom server id', default: 'default' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password'], 'authorization_code'),
    { name: 'scope', label: 'Custom scope (client credentials)' },
  ],
  rules: [
    { set: { issuer: 'https://{domain}/oauth2/{server}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'profile', 'offline_access'] } },
    { when: { server: 'org' }, set: { issuer: 'https://{domain}' }, note: 'the org authorization server issues tokens for Okta\'s own APIs only; use a custom server (e.g. default) for yours' },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: ['{scope}'] }, note: 'client credentials need a custom scope defined on a custom authorization server' },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code', authMethod: 'none' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
