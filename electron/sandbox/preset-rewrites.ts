import { SANDBOX_RESOURCE } from './resources';

/**
 * Provider-preset quirks that change a request before oidc-provider reads it (issue 13 §2). Kept apart from
 * preset-quirks.ts (which imports the client list) so quirks.ts can call it without an import cycle.
 */
export const NETIQ_LIKE_CLIENT_ID = 'sandbox-netiq-like';
/** The resource server configured at the NetIQ-like server (Access Manager → OAuth → Resource Servers). */
export const NETIQ_RESOURCE_SERVER = 'sandbox-api';

/**
 * NetIQ Access Manager's `resourceServer` parameter, for the NetIQ-like client: the configured resource server
 * becomes the sandbox API as a resource indicator (oidc-provider then issues the signed JWT that API verifies);
 * without it oidc-provider issues an opaque token, which stands in for Access Manager's default token encrypted
 * with its own key. Returns an error description for a resource server that is not configured.
 */
export function netiqResourceServer(form: URLSearchParams, clientId: string | undefined): string | undefined {
  if (clientId !== NETIQ_LIKE_CLIENT_ID || !form.has('resourceServer')) return undefined;
  const name = form.get('resourceServer');
  if (name !== NETIQ_RESOURCE_SERVER) return `resource server ${name ?? ''} is not configured`;
  form.delete('resourceServer');
  form.set('resource', SANDBOX_RESOURCE);
  return undefined;
}

/** The Google-like client (issue 13 §2): refresh tokens only with access_type=offline. */
export const GOOGLE_LIKE_CLIENT_ID = 'sandbox-google-like';

/**
 * Google's offline access, in oidc-provider's terms: `access_type=offline` on the authorization request becomes
 * the offline_access scope (which oidc-provider, like Google, honours only with prompt=consent), and an
 * offline_access scope asked for directly is dropped, as Google has none. Undefined for other clients.
 */
export function googleAccessType(query: URLSearchParams, clientId: string): URLSearchParams | undefined {
  if (query.get('client_id') !== clientId) return undefined;
  const out = new URLSearchParams(query);
  const scopes = (out.get('scope') ?? '').split(' ').filter((s) => s && s !== 'offline_access');
  if (out.get('access_type') === 'offline') scopes.push('offline_access');
  out.delete('access_type');
  out.set('scope', scopes.join(' '));
  return out;
}
