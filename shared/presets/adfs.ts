import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * AD FS (2016+): issuer `https://{host}/adfs`; the relying party (Web API) a token is for is named by
 * the `resource` parameter (MS-OAPX §2.2.3.3.1), sent with the authorization and token requests.
 */
export const adfs: ProviderPreset = {
  id: 'adfs',
  name: 'AD FS',
  docs: [
    'https://learn.microsoft.com/en-us/windows-server/identity/ad-fs/development/ad-fs-openid-connect-oauth-concepts',
    'https://learn.microsoft.com/en-us/windows-server/identity/ad-fs/overview/ad-fs-openid-connect-oauth-flows-scenarios',
    'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oapx/8a7cfad6-e6d6-465d-8624-c0056677e262',
  ],
  inputs: [
    { name: 'host', label: 'AD FS host (e.g. fs.example.com)', required: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password'], 'authorization_code'),
    { name: 'resource', label: 'Relying party identifier of the Web API (resource)', required: true },
  ],
  rules: [
    {
      set: {
        issuer: 'https://{host}/adfs',
        grantType: 'authorization_code',
        authMethod: 'client_secret_post',
        scopes: ['openid', 'profile'],
        tokenParams: { resource: '{resource}' },
        authorizationParams: { resource: '{resource}' },
      },
      note: 'AD FS names the Web API with the resource parameter (not RFC 8707 resource indicators with several values)',
    },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: [] } },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
