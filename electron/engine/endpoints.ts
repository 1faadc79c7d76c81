import { WorkbenchError } from '../../shared/errors';
import type { ConnectionProfile, Endpoints } from '../../shared/profile';
import { usesMutualTls } from './client-auth';
import { discover, type AuthorizationServerMetadata } from './discovery';
import { discoverCached, type DiscoveryCacheMode } from './discovery-cache';
import type { HttpClient, NetworkSettings } from './http';
import type { Transcript } from './transcript';

/** The endpoints a metadata document names; mutual-TLS clients get the aliases where published (RFC 8705 §5). */
export function endpointsFromMetadata(m: AuthorizationServerMetadata, mutualTls = false): Endpoints {
  const endpoints: Endpoints = stripUndefined({
    authorization: m.authorization_endpoint,
    token: m.token_endpoint,
    device_authorization: m.device_authorization_endpoint,
    introspection: m.introspection_endpoint,
    revocation: m.revocation_endpoint,
    userinfo: m.userinfo_endpoint,
    end_session: m.end_session_endpoint,
    jwks_uri: m.jwks_uri,
    backchannel_authentication: typeof m.backchannel_authentication_endpoint === 'string' ? m.backchannel_authentication_endpoint : undefined,
    registration: typeof m.registration_endpoint === 'string' ? m.registration_endpoint : undefined,
  });
  const a = m.mtls_endpoint_aliases;
  if (!mutualTls || !a) return endpoints;
  return {
    ...endpoints,
    ...stripUndefined({
      token: a.token_endpoint,
      device_authorization: a.device_authorization_endpoint,
      introspection: a.introspection_endpoint,
      revocation: a.revocation_endpoint,
      userinfo: a.userinfo_endpoint,
      backchannel_authentication: a.backchannel_authentication_endpoint,
    }),
  };
}

export interface ResolvedEndpoints {
  endpoints: Endpoints;
  metadata?: AuthorizationServerMetadata;
}

/** Discovery through the process-wide cache (keyed by these network settings) instead of a fetch every time. */
export interface CachedDiscoveryOptions {
  network: NetworkSettings;
  mode?: DiscoveryCacheMode;
  transcript?: Transcript;
}

/** Discovery when the profile uses it, then the endpoints typed in the profile on top (they win). */
export async function resolveEndpoints(http: HttpClient, profile: ConnectionProfile, signal?: AbortSignal, cached?: CachedDiscoveryOptions): Promise<ResolvedEndpoints> {
  let metadata: AuthorizationServerMetadata | undefined;
  let endpoints: Endpoints = {};
  if (profile.discovery && profile.issuer) {
    metadata = cached ? await discoverCached(http, profile.issuer, { ...cached, ...(signal ? { signal } : {}) }) : await discover(http, profile.issuer, signal);
    // Certificate-bound tokens (RFC 8705 §3) are obtained and used on the mTLS aliases too.
    endpoints = endpointsFromMetadata(metadata, usesMutualTls(profile.clientAuth.method) || profile.certificateBoundTokens?.enabled === true);
  } else if (profile.discovery && !profile.issuer && !profile.endpoints.token) {
    throw new WorkbenchError('MISSING_CONFIGURATION', 'set an issuer URL for discovery, or type the token endpoint');
  }
  return { endpoints: { ...endpoints, ...stripUndefined(profile.endpoints) }, ...(metadata ? { metadata } : {}) };
}

/** The named endpoint, or a message that says where it should have come from. */
export function requireEndpoint(resolved: ResolvedEndpoints, name: keyof Endpoints): string {
  const url = resolved.endpoints[name];
  if (!url) {
    const label = name.replace('_', ' ');
    throw new WorkbenchError('MISSING_CONFIGURATION', `no ${label} endpoint: ${resolved.metadata ? "the server's metadata has none; type it in the profile" : 'type it in the profile, or use discovery'}`);
  }
  return url;
}

export function stripUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] !== undefined) out[key] = o[key];
  return out;
}
