import type { ResourceServerInfo } from 'oidc-provider';

/** The one protected API the sandbox knows; asking for it (resource=...) yields JWT access tokens. */
export const SANDBOX_RESOURCE = 'https://api.sandbox.test';
export const SANDBOX_RESOURCE_SCOPES = ['api:read', 'api:write'];

export function resourceServerInfo(resource: string, accessTokenTtl: number): ResourceServerInfo | undefined {
  if (resource !== SANDBOX_RESOURCE) return undefined;
  return {
    scope: SANDBOX_RESOURCE_SCOPES.join(' '),
    audience: SANDBOX_RESOURCE,
    accessTokenTTL: accessTokenTtl,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}
