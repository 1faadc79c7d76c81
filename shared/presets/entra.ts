import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Microsoft Entra ID (formerly Azure AD). v2.0 endpoints by default; v1.0 takes `resource` instead of
 * scopes. Client credentials ask for `{App ID URI}/.default`; certificate credentials sign the
 * client assertion with the certificate's thumbprint in the header (x5t; x5t#S256 for PS256).
 */
export const entra: ProviderPreset = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  docs: [
    'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc',
    'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
    'https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#the-default-scope',
    'https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials',
    'https://learn.microsoft.com/en-us/entra/identity-platform/scenario-daemon-acquire-token',
  ],
  inputs: [
    { name: 'tenant', label: 'Tenant (id, domain, organizations, common or consumers)', required: true, pattern: '^[A-Za-z0-9.-]{1,100}$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'device_code', 'refresh_token', 'password'], 'authorization_code'),
    { name: 'api', label: 'API (App ID URI) for client credentials, e.g. api://<api-client-id> or https://graph.microsoft.com', default: 'https://graph.microsoft.com' },
    { name: 'credential', label: 'Client credential', choices: ['secret', 'certificate', 'none'], default: 'secret' },
    { name: 'key', label: 'Keystore alias of the certificate (certificate credential)' },
    { name: 'version', label: 'Endpoint version', choices: ['v2', 'v1'], default: 'v2' },
    { name: 'authority', label: 'Cloud authority host', default: 'login.microsoftonline.com', help: 'login.microsoftonline.us (US Gov), login.partner.microsoftonline.cn (21Vianet)' },
  ],
  rules: [
    { set: { issuer: 'https://{authority}/{tenant}/v2.0', grantType: 'authorization_code', authMethod: 'client_secret_post', scopes: ['openid', 'profile', 'offline_access'] } },
    {
      when: { grant: 'client_credentials' },
      set: { grantType: 'client_credentials', scopes: ['{api}/.default'] },
      note: 'client credentials ask for the API\'s App ID URI followed by /.default (the permissions granted to the app)',
    },
    { when: { grant: 'device_code' }, set: { grantType: 'urn:ietf:params:oauth:grant-type:device_code' } },
    { when: { grant: 'password' }, set: { grantType: 'password' } },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
    {
      when: { credential: 'certificate' },
      set: { authMethod: 'private_key_jwt', keyAlias: '{key}', signingAlg: 'RS256', x5t: true, assertionAudience: 'token_endpoint' },
      note: 'certificate credentials: the assertion header carries the certificate thumbprint (x5t); attach the certificate to the keystore key and upload it to the app registration',
    },
    { when: { credential: 'none' }, set: { authMethod: 'none' } },
    {
      when: { version: 'v1' },
      set: {
        // v1.0 has no discovery document at this issuer that names v1 endpoints: they are typed.
        issuer: 'https://sts.windows.net/{tenant}/',
        discovery: false,
        endpoints: { authorization: 'https://{authority}/{tenant}/oauth2/authorize', token: 'https://{authority}/{tenant}/oauth2/token' },
        scopes: [],
        tokenParams: { resource: '{api}' },
        authorizationParams: { resource: '{api}' },
      },
      note: 'v1.0 endpoints take the API as the resource parameter instead of scopes',
    },
  ],
};
