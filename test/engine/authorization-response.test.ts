import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { processAuthorizationResponse } from '../../electron/engine/authorization';

/** The authorization response processor is the check of record for state, whichever receiver delivered it. */
describe('processAuthorizationResponse', () => {
  const ok = (q: string) => processAuthorizationResponse(new URLSearchParams(q), { state: 'S', issuer: 'https://as.example' });
  const fails = (q: string) => {
    try {
      ok(q);
    } catch (e) {
      return e as WorkbenchError;
    }
    throw new Error(`accepted ${q}`);
  };

  it('accepts the expected state and returns the parameters', () => {
    expect(ok('state=S&code=c').get('code')).toBe('c');
  });

  it('ensure-authorization-response-with-invalid-state-fails', () => {
    expect(fails('state=T&code=c').code).toBe('STATE_MISMATCH');
    expect(fails('code=c').message).toContain('no state');
    // An error response with a forged state is not taken as the server's answer either.
    expect(fails('state=T&error=access_denied').code).toBe('STATE_MISMATCH');
  });

  it('ensure-authorization-response-with-wrong-iss-fails', () => {
    expect(fails('state=S&code=c&iss=https%3A%2F%2Fevil.example').code).toBe('ISS_MISMATCH');
  });

  it('reports the server error of a response with the right state', () => {
    expect(fails('state=S&error=access_denied&error_description=no').code).toBe('AUTHORIZATION_DENIED');
  });

  it('ensure-missing-iss-fails-when-the-server-advertises-rfc-9207', () => {
    const err = (() => {
      try {
        processAuthorizationResponse(new URLSearchParams('state=S&code=c'), { state: 'S', issuer: 'https://as.example', issRequired: true });
      } catch (e) {
        return e as WorkbenchError;
      }
      throw new Error('accepted a response without iss');
    })();
    expect(err.code).toBe('ISS_MISMATCH');
    expect(err.message).toContain('no "iss"');
  });

  it('ensure-id-token-issuer-in-the-response-is-checked-when-iss-is-absent', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = (iss: string) => `${b64({ alg: 'none' })}.${b64({ iss })}.`;
    expect(fails(`state=S&code=c&id_token=${idToken('https://evil.example')}`).code).toBe('ISS_MISMATCH');
    expect(ok(`state=S&code=c&id_token=${idToken('https://as.example')}`).get('code')).toBe('c');
    expect(fails('state=S&code=c&id_token=not-a-jwt').code).toBe('INVALID_RESPONSE');
  });

  it('checks only what it was given: no expected state or issuer, nothing to compare', () => {
    const params = processAuthorizationResponse(new URLSearchParams('code=c&iss=https%3A%2F%2Fanyone.example'), {});
    expect(params.get('code')).toBe('c');
  });
});
