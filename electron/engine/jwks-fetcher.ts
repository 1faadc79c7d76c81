import type { JwksFetcher } from '../jose/jwks';
import { discover } from './discovery';
import type { HttpClient } from './http';
import { parseJsonObject } from './response';

/** The engine's HTTP client (got when first needed) as the JOSE module's port for key sets and discovery. */
export function httpJwksFetcher(http: () => HttpClient): JwksFetcher {
  return {
    async getJson(url, what, signal) {
      const res = await http().send({ method: 'GET', url, headers: { accept: 'application/jwk-set+json, application/json' } }, { label: 'JWKS', signal });
      return parseJsonObject(res, what);
    },
    async jwksUriOf(issuer, signal) {
      return (await discover(http(), issuer, signal)).jwks_uri;
    },
  };
}
