import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { createHash } from 'node:crypto';
import { createPkce, processAuthorizationResponse } from '../../electron/engine/authorization';

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

  it('accepts the expected iss, and an ID token naming the expected issuer, and nothing more', () => {
    expect(ok('state=S&code=c&iss=https%3A%2F%2Fas.example').get('code')).toBe('c');
    const err = fails('state=S&code=c&iss=https%3A%2F%2Fevil.example');
    expect(err.message).toContain('names issuer "https://evil.example", expected "https://as.example"');
    expect(err.details).toEqual({ expected: 'https://as.example', actual: 'https://evil.example' });
  });

  it('names the issuer an ID token claims, "(none)" when it has none or a non-string one', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = (claims: object) => `${b64({ alg: 'none' })}.${b64(claims)}.`;
    expect(fails(`state=S&code=c&id_token=${idToken({ iss: 'https://evil.example' })}`).message).toBe(
      'the ID token in the authorization response names issuer "https://evil.example", expected "https://as.example"',
    );
    expect(fails(`state=S&code=c&id_token=${idToken({})}`).message).toContain('names issuer "(none)"');
    expect(fails(`state=S&code=c&id_token=${idToken({ iss: 42 })}`).message).toContain('names issuer "(none)"');
    expect(fails('state=S&code=c&id_token=not-a-jwt').message).toBe('the id_token in the authorization response is not a JWT');
    // With no expected issuer an ID token's iss is not compared (the ID token checks of the flow still run).
    const params = processAuthorizationResponse(new URLSearchParams(`code=c&id_token=${idToken({ iss: 'https://anyone.example' })}`), {});
    expect(params.get('code')).toBe('c');
  });

  it('states the two state failures apart', () => {
    expect(fails('state=T&code=c').message).toBe('the authorization response carries a different state than the request (possible CSRF or a stale browser tab)');
    expect(fails('code=c').message).toBe('the authorization response has no state parameter');
  });

  it('reports the server error with its description and URI, and only the error when that is all there is', () => {
    const full = fails('state=S&error=access_denied&error_description=user%20said%20no&error_uri=https%3A%2F%2Fas.example%2Fhelp');
    expect(full.message).toBe('authorization failed: access_denied: user said no');
    expect(full.details).toEqual({ error: 'access_denied', error_description: 'user said no' });
    expect(full.cause).toMatchObject({ name: 'ResponseBodyError', error: 'access_denied', error_description: 'user said no', error_uri: 'https://as.example/help' });
    const bare = fails('state=S&error=login_required');
    expect(bare.message).toBe('authorization failed: login_required');
    expect(bare.details).toEqual({ error: 'login_required', error_description: undefined });
    expect(bare.cause).toMatchObject({ error: 'login_required', error_description: undefined, error_uri: undefined });
  });
});

describe('createPkce (RFC 7636)', () => {
  const sha256b64url = (v: string) => createHash('sha256').update(v).digest('base64url');

  it('S256: a 43-character base64url verifier from 32 random bytes and its SHA-256 challenge', () => {
    const pkce = createPkce('S256');
    expect(pkce.method).toBe('S256');
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(sha256b64url(pkce.verifier));
    expect(createPkce('S256').verifier).not.toBe(pkce.verifier);
  });

  it('plain: the challenge is the verifier', () => {
    const pkce = createPkce('plain');
    expect(pkce).toEqual({ method: 'plain', verifier: pkce.verifier, challenge: pkce.verifier });
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

