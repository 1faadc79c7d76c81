import { describe, expect, it } from 'vitest';
import { fapi2Findings, profileUsesDpop } from '../../shared/fapi';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../shared/profile';

/** The FAPI 2.0 requirement check the engine runs before sending and the request panel shows (issue 14). */

const profile = (extra: Partial<ConnectionProfileInput> = {}) =>
  ConnectionProfileSchema.parse({ id: 'p', name: 'p', issuer: 'https://as.example', grantType: 'authorization_code', clientId: 'c', clientAuth: { method: 'private_key_jwt' }, authorizationRequest: { fapi2: true }, ...extra });

const conforming = {
  issuer: 'https://as.example',
  pushed_authorization_request_endpoint: 'https://as.example/par',
  code_challenge_methods_supported: ['S256'],
  authorization_response_iss_parameter_supported: true,
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
  tls_client_certificate_bound_access_tokens: true,
  dpop_signing_alg_values_supported: ['ES256'],
};

const requirements = (findings: ReturnType<typeof fapi2Findings>) => findings.map((f) => `${f.side}:${f.requirement}`).sort();

describe('fapi2Findings', () => {
  it('a mutual-TLS client at a conforming server meets every requirement', () => {
    expect(fapi2Findings(profile({ clientAuth: { method: 'tls_client_auth' } }), conforming)).toEqual([]);
  });

  it('private_key_jwt without DPoP is not sender-constrained', () => {
    expect(requirements(fapi2Findings(profile(), conforming))).toEqual(['profile:sender_constrained']);
  });

  it('DPoP (however its feature stores it) makes private_key_jwt sender-constrained', () => {
    const withDpop = { ...profile(), dpop: { enabled: true } } as ReturnType<typeof profile>;
    expect(profileUsesDpop(withDpop)).toBe(true);
    expect(fapi2Findings(withDpop, conforming)).toEqual([]);
    expect(requirements(fapi2Findings(withDpop, { ...conforming, dpop_signing_alg_values_supported: undefined }))).toEqual(['server:sender_constrained']);
  });

  it('names what the server lacks: PAR endpoint, S256, RFC 9207 iss, the auth method, certificate-bound tokens', () => {
    const poor = { issuer: 'https://as.example', code_challenge_methods_supported: ['plain'], token_endpoint_auth_methods_supported: ['client_secret_basic'] };
    expect(requirements(fapi2Findings(profile({ clientAuth: { method: 'tls_client_auth' } }), poor))).toEqual([
      'server:client_auth',
      'server:iss',
      'server:par',
      'server:pkce_s256',
      'server:sender_constrained',
    ]);
  });

  it('names what the profile lacks, without metadata', () => {
    const weak = profile({ clientAuth: { method: 'client_secret_post' }, pkce: 'off', authorizationRequest: { fapi2: true, par: 'off', responseType: 'code id_token' } });
    expect(requirements(fapi2Findings(weak))).toEqual(['profile:client_auth', 'profile:par', 'profile:pkce_s256', 'profile:response_type', 'profile:sender_constrained']);
  });

  it('client credentials: only client authentication and sender constraint apply', () => {
    expect(requirements(fapi2Findings(profile({ grantType: 'client_credentials', clientAuth: { method: 'client_secret_basic' }, pkce: 'off' })))).toEqual([
      'profile:client_auth',
      'profile:sender_constrained',
    ]);
  });
});
