import { describe, expect, it } from 'vitest';
import { checkBinding } from '../../shared/binding';

// The token's cnf against the key or certificate the client holds (issue 14), as the token view and the CLI show it.
describe('checkBinding', () => {
  const ours = 'our-thumbprint';

  it.each([
    ['dpop', { cnf: { jkt: ours } }, 'bound'],
    ['dpop', { cnf: { jkt: 'another' } }, 'mismatch'],
    ['dpop', { sub: 'x' }, 'unbound'],
    ['dpop', { cnf: {} }, 'unbound'],
    ['dpop', { cnf: 'jkt' }, 'unbound'],
    ['mtls', { cnf: { 'x5t#S256': ours } }, 'bound'],
    ['mtls', { cnf: { 'x5t#S256': 'another' } }, 'mismatch'],
    ['mtls', {}, 'unbound'],
  ] as const)('%s with %j: %s', (kind, claims, status) => {
    expect(checkBinding(kind, ours, claims, 'jwt').status).toBe(status);
  });

  it('an opaque token is "unknown", and a DPoP request answered with a Bearer token says so', () => {
    const check = checkBinding('dpop', ours, undefined, undefined, 'Bearer');
    expect(check.status).toBe('unknown');
    expect(check.message).toContain('token_type "Bearer", not "DPoP"');
  });

  it('a cnf naming another kind of key (cnf.jwk, cnf.kid) is "unknown", never "not bound": the check cannot compare it', () => {
    const dpop = checkBinding('dpop', ours, { cnf: { jwk: { kty: 'EC' }, kid: 'k1' } }, 'jwt');
    expect(dpop.status).toBe('unknown');
    expect(dpop.message).toBe("the access token's cnf has no jkt but cnf.jwk, cnf.kid: it is bound to something this check cannot compare with the DPoP key");
    // A DPoP-bound token checked for certificate binding: bound, but not to a certificate this check can compare.
    const mtls = checkBinding('mtls', ours, { cnf: { jkt: 'x' } }, 'introspection');
    expect(mtls.status).toBe('unknown');
    expect(mtls.message).toContain('cnf.jkt');
    expect(mtls.source).toBe('introspection');
  });
});
