import type { AuthorizationServerMetadata } from './oauth';
import type { ConnectionProfile } from './profile';

/**
 * FAPI 2.0 Security Profile (Final, §5.2/§5.3): what a profile and a server must
 * do for the authorization code flow. Pure, so the engine refuses to send a
 * non-conforming request and the request panel can say why before a run.
 */

export type FapiRequirement = 'par' | 'pkce_s256' | 'client_auth' | 'sender_constrained' | 'iss' | 'response_type';

export interface FapiFinding {
  requirement: FapiRequirement;
  /** Who must change: the profile (the user can) or the server (its metadata says it cannot). */
  side: 'profile' | 'server';
  message: string;
}

export const FAPI_REQUIREMENT_LABELS: Readonly<Record<FapiRequirement, string>> = {
  par: 'Pushed authorization requests (RFC 9126)',
  pkce_s256: 'PKCE with S256',
  client_auth: 'private_key_jwt or mutual-TLS client authentication',
  sender_constrained: 'Sender-constrained tokens (DPoP or mTLS)',
  iss: 'Issuer in the authorization response (RFC 9207)',
  response_type: 'Response type "code"',
};

const STRONG_AUTH = ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
const MTLS_AUTH = ['tls_client_auth', 'self_signed_tls_client_auth'];

/** DPoP is configured by its own feature (issue 14, DPoP part); read loosely so this check follows whatever shape it lands with. */
export function profileUsesDpop(profile: ConnectionProfile): boolean {
  const dpop = (profile as Record<string, unknown>).dpop;
  if (dpop === true) return true;
  if (dpop && typeof dpop === 'object') {
    const d = dpop as Record<string, unknown>;
    return d.enabled === true || (d.enabled === undefined && (d.mode === 'generated' || d.mode === 'keystore' || typeof d.keyAlias === 'string'));
  }
  return false;
}

/** Every FAPI 2.0 requirement the profile or the server (when its metadata is known) misses; empty when it conforms. */
export function fapi2Findings(profile: ConnectionProfile, metadata?: AuthorizationServerMetadata): FapiFinding[] {
  const out: FapiFinding[] = [];
  const add = (requirement: FapiRequirement, side: FapiFinding['side'], message: string) => out.push({ requirement, side, message });
  const interactive = profile.grantType === 'authorization_code';
  const ar = profile.authorizationRequest;
  if (profile.grantType === 'implicit') add('response_type', 'profile', 'the implicit grant is not allowed; use authorization_code');

  if (interactive) {
    if (ar.responseType && ar.responseType !== 'code') add('response_type', 'profile', `response type "${ar.responseType}" is not allowed; FAPI 2.0 uses "code"`);
    if (ar.par === 'off') add('par', 'profile', 'pushed authorization requests are turned off in the profile');
    if (metadata && !metadata.pushed_authorization_request_endpoint && !ar.parEndpoint) add('par', 'server', 'the server advertises no pushed_authorization_request_endpoint');
    if (profile.pkce !== 'S256') add('pkce_s256', 'profile', `PKCE is "${profile.pkce}"; FAPI 2.0 needs S256`);
    const methods = metadata?.code_challenge_methods_supported;
    if (Array.isArray(methods) && !methods.includes('S256')) add('pkce_s256', 'server', 'the server does not list S256 in code_challenge_methods_supported');
    if (metadata && metadata.authorization_response_iss_parameter_supported !== true)
      add('iss', 'server', 'the server does not advertise authorization_response_iss_parameter_supported (RFC 9207)');
  }

  const method = profile.clientAuth.method;
  if (!STRONG_AUTH.includes(method)) add('client_auth', 'profile', `client authentication "${method}" is not allowed; use private_key_jwt, tls_client_auth or self_signed_tls_client_auth`);
  else {
    const supported = metadata?.token_endpoint_auth_methods_supported;
    if (Array.isArray(supported) && !supported.includes(method)) add('client_auth', 'server', `the server does not list ${method} in token_endpoint_auth_methods_supported`);
  }

  const dpop = profileUsesDpop(profile);
  const certificateBound = (profile as { certificateBoundTokens?: { enabled?: boolean } }).certificateBoundTokens?.enabled === true;
  const mtls = MTLS_AUTH.includes(method) || certificateBound;
  if (!dpop && !mtls) add('sender_constrained', 'profile', 'tokens are not sender-constrained: turn on DPoP, or use mutual-TLS client authentication (certificate-bound tokens)');
  else if (metadata) {
    const dpopOk = dpop && Array.isArray(metadata.dpop_signing_alg_values_supported) && metadata.dpop_signing_alg_values_supported.length > 0;
    const mtlsOk = mtls && metadata.tls_client_certificate_bound_access_tokens === true;
    if (!dpopOk && !mtlsOk)
      add(
        'sender_constrained',
        'server',
        dpop ? 'the server advertises no dpop_signing_alg_values_supported' : 'the server does not advertise tls_client_certificate_bound_access_tokens',
      );
  }
  return out;
}

export function describeFapiFindings(findings: FapiFinding[]): string {
  return findings.map((f) => `${f.side === 'server' ? 'server' : 'profile'}: ${f.message}`).join('; ');
}
