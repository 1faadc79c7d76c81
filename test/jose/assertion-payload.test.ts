import { describe, expect, it } from 'vitest';
import { assertionPayload } from '../../electron/jose/sign';
import { ASSERTION_LIFETIME_DEFAULT_SECONDS, ASSERTION_LIFETIME_HARD_CAP_SECONDS, cappedAssertionLifetime } from '../../shared/assertion-limits';

// In-process checks of the assertion lifetime caps (issue 11): whatever the claims ask for, exp is at most
// the cap after iat, and iat/nbf are now. The sandbox proof is test/engine/assertion-caps.test.ts.

const NOW = new Date('2026-11-30T12:00:00.400Z');
const IAT = Math.floor(NOW.getTime() / 1000);

describe('assertionPayload', () => {
  it('iat is now (whole seconds) and exp is iat + the requested lifetime within the cap', () => {
    const p = assertionPayload({ iss: 'c', sub: 'c', aud: 'https://as/token', lifetimeSeconds: 120 }, NOW);
    expect(p).toMatchObject({ iss: 'c', sub: 'c', aud: 'https://as/token', iat: IAT, exp: IAT + 120 });
    expect(p).not.toHaveProperty('nbf');
  });

  it('a lifetime over the cap is clamped to the cap; no lifetime gets the cap', () => {
    expect(assertionPayload({ lifetimeSeconds: 10 * 365 * 86400 }, NOW).exp).toBe(IAT + ASSERTION_LIFETIME_HARD_CAP_SECONDS);
    expect(assertionPayload({ lifetimeSeconds: 900 }, NOW, 300).exp).toBe(IAT + 300);
    expect(assertionPayload({ lifetimeSeconds: 300 }, NOW, 300).exp).toBe(IAT + 300);
    expect(assertionPayload({}, NOW).exp).toBe(IAT + ASSERTION_LIFETIME_HARD_CAP_SECONDS);
    expect(assertionPayload({}, NOW, 60).exp).toBe(IAT + 60);
  });

  it('cap false (tokenbench assertion only) mints exactly the lifetime asked, and no exp when none is asked', () => {
    expect(assertionPayload({ lifetimeSeconds: 86400 }, NOW, false).exp).toBe(IAT + 86400);
    expect(assertionPayload({}, NOW, false)).not.toHaveProperty('exp');
  });

  it('ensure-custom-time-claims-cannot-outlive-the-cap: exp, iat and nbf from custom claims are dropped', () => {
    const p = assertionPayload({ extra: { exp: IAT + 10 ** 9, iat: IAT - 10 ** 6, nbf: IAT - 10 ** 6, scope: 'x' }, nbf: true, lifetimeSeconds: 60 }, NOW);
    expect(p).toEqual({ scope: 'x', jti: expect.any(String), iat: IAT, nbf: IAT, exp: IAT + 60 });
    const q = assertionPayload({ extra: { exp: IAT + 10 ** 9, iat: 1 }, iat: false }, NOW, false);
    expect(q).not.toHaveProperty('exp');
    expect(q).not.toHaveProperty('iat');
  });

  it('registered claims win over custom ones; absent ones are not invented', () => {
    const p = assertionPayload({ iss: 'real', extra: { iss: 'forged', sub: 'custom', aud: 'custom' } }, NOW);
    expect(p).toMatchObject({ iss: 'real', sub: 'custom', aud: 'custom' });
    const bare = assertionPayload({ jti: false, iat: false }, NOW, 60);
    // toStrictEqual: a claim present with the value undefined would count as invented.
    expect(bare).toStrictEqual({ exp: IAT + 60 });
  });

  it('jti: random and different each time by default, as given when a string, absent when false', () => {
    const a = assertionPayload({}, NOW).jti;
    const b = assertionPayload({}, NOW).jti;
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    expect(assertionPayload({ jti: 'fixed-id' }, NOW).jti).toBe('fixed-id');
    expect(assertionPayload({ jti: false }, NOW)).not.toHaveProperty('jti');
  });
});

describe('cappedAssertionLifetime', () => {
  it.each([
    [undefined, ASSERTION_LIFETIME_DEFAULT_SECONDS],
    [Number.NaN, ASSERTION_LIFETIME_DEFAULT_SECONDS],
    [Number.POSITIVE_INFINITY, ASSERTION_LIFETIME_DEFAULT_SECONDS],
    [Number.NEGATIVE_INFINITY, ASSERTION_LIFETIME_DEFAULT_SECONDS],
    [0, 1],
    [-30, 1],
    [0.5, 1],
    [1, 1],
    [59.9, 59],
    [300, 300],
    [3599, 3599],
    [3600, 3600],
    [3601, 3600],
    [10 * 365 * 86400, 3600],
  ])('%s → %s', (requested, lifetime) => expect(cappedAssertionLifetime(requested)).toBe(lifetime));

  it('the default is 5 minutes and the hard cap one hour', () => {
    expect(ASSERTION_LIFETIME_DEFAULT_SECONDS).toBe(300);
    expect(ASSERTION_LIFETIME_HARD_CAP_SECONDS).toBe(3600);
  });
});
