import { CLIENT_ID_INPUT, GRANT_INPUT, type ProviderPreset } from './types';

/**
 * Amazon Cognito user pools: the issuer is `https://cognito-idp.{region}.amazonaws.com/{pool}`; its
 * discovery names the OAuth endpoints on the pool's domain (`/oauth2/token`). Client credentials ask
 * for custom scopes `{resource-server}/{scope}`.
 */
export const cognito: ProviderPreset = {
  id: 'cognito',
  name: 'Amazon Cognito',
  docs: [
    'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html',
  ],
  inputs: [
    { name: 'region', label: 'AWS region (e.g. eu-west-1)', required: true, pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' },
    { name: 'user-pool-id', label: 'User pool id (e.g. eu-west-1_AbCdEf123)', required: true, pattern: '^[A-Za-z0-9-]+_[A-Za-z0-9]+$' },
    CLIENT_ID_INPUT,
    GRANT_INPUT(['authorization_code', 'client_credentials', 'refresh_token'], 'authorization_code'),
    { name: 'scope', label: 'Custom scope (resource-server-id/scope) for client credentials' },
  ],
  rules: [
    { set: { issuer: 'https://cognito-idp.{region}.amazonaws.com/{user-pool-id}', grantType: 'authorization_code', authMethod: 'client_secret_basic', scopes: ['openid', 'email', 'profile'] } },
    { when: { grant: 'client_credentials' }, set: { grantType: 'client_credentials', scopes: ['{scope}'] }, note: 'client credentials need a custom scope of a resource server (resource-server-id/scope)' },
    { when: { grant: 'refresh_token' }, set: { grantType: 'refresh_token' } },
  ],
};
