import { WorkbenchError } from '../../shared/errors';
import { AUTH_METHODS, type AuthMethod } from '../../shared/grants';
import type { AuthorizationServerMetadata } from '../../shared/oauth';
import type { ConnectionProfile } from '../../shared/profile';
import type { SigningKey } from '../jose/sign';
import { clientAuthForProfile, type ClientAuth } from './client-auth';
import type { Transcript } from './transcript';

export type AuthEndpoint = 'introspection' | 'revocation';

/** Which client authentication a request to an endpoint used, and why when it is not the profile's. */
export interface EndpointAuthChoice {
  method: AuthMethod;
  /** Set when the method was chosen from the endpoint's metadata instead of the profile's. */
  note?: string;
}

export interface EndpointCredentials {
  clientSecret?: string;
  signingKey?: SigningKey;
  /** A client certificate is presented on the connection. */
  tlsClientCertificate?: boolean;
}

/** Which methods these credentials can do, in the order tried when the profile's own is not accepted. */
function possibleMethods(c: EndpointCredentials): AuthMethod[] {
  const out: AuthMethod[] = [];
  if (c.clientSecret) out.push('client_secret_basic', 'client_secret_post');
  if (c.signingKey) out.push('private_key_jwt');
  if (c.clientSecret) out.push('client_secret_jwt');
  if (c.tlsClientCertificate) out.push('tls_client_auth', 'self_signed_tls_client_auth');
  return out;
}

/**
 * The method for introspection or revocation: the profile's, unless the server's metadata lists the methods that
 * endpoint accepts (`…_endpoint_auth_methods_supported`, RFC 8414 §2) and the profile's is not among them. Then the
 * first listed method these credentials can do, with a note saying so; none fitting is a clear error before sending.
 */
export function chooseEndpointAuthMethod(profileMethod: AuthMethod, metadata: AuthorizationServerMetadata | undefined, endpoint: AuthEndpoint, credentials: EndpointCredentials): EndpointAuthChoice {
  const member = `${endpoint}_endpoint_auth_methods_supported`;
  const listed = metadata?.[member];
  if (!Array.isArray(listed) || listed.length === 0) return { method: profileMethod };
  const supported = listed.filter((m): m is AuthMethod => typeof m === 'string' && (AUTH_METHODS as readonly string[]).includes(m));
  if ((listed as unknown[]).includes(profileMethod)) return { method: profileMethod };
  const possible = possibleMethods(credentials);
  const chosen = possible.find((m) => supported.includes(m));
  const list = (listed as unknown[]).map(String).join(', ');
  if (!chosen)
    throw new WorkbenchError(
      'MISSING_CONFIGURATION',
      `the ${endpoint} endpoint accepts only ${list} (${member}), not this profile's ${profileMethod}, and the profile has nothing for those (${possible.length ? `it can do ${possible.join(', ')}` : 'no client secret, key or client certificate'}): add ${supported.some((m) => m.startsWith('client_secret')) ? 'the client secret' : 'the credentials one of them needs'} to the profile`,
    );
  return { method: chosen, note: `the ${endpoint} endpoint does not list ${profileMethod} in ${member} (${list}); used ${chosen}` };
}

/** The chosen method's client authentication, with the choice noted in the transcript. */
export function clientAuthForEndpoint(
  profile: ConnectionProfile,
  metadata: AuthorizationServerMetadata | undefined,
  endpoint: AuthEndpoint,
  credentials: EndpointCredentials,
  transcript?: Transcript,
): { auth: ClientAuth; choice: EndpointAuthChoice } {
  const choice = chooseEndpointAuthMethod(profile.clientAuth.method, metadata, endpoint, credentials);
  if (choice.note) transcript?.event('client authentication', 'workbench', 'authorization_server', choice.note);
  return { auth: clientAuthForProfile(profile, credentials, choice.method), choice };
}
