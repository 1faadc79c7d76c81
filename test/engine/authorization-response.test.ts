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
});
