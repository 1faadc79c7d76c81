import { describe, expect, it } from 'vitest';
import { checkAuthTime, claimChecks, requestedAuthenticationChecks, type ClaimExpectations } from '../../electron/jose/claim-checks';

/**
 * auth_time and acr as a later inspection judges them (issue 13): max_age measured to when the token arrived,
 * and "not checked" with the reason when what the authorization request asked is not known. In-process, so the
 * mutation run (vitest.mutation.config.ts) can use it.
 */
const base: ClaimExpectations = { idToken: true, accessToken: false, clockSkewSeconds: 60, now: new Date('2026-01-02T10:00:00Z') };
const loginAt = Date.parse('2026-01-01T10:00:00Z') / 1000;

describe('max_age measured to when the token arrived', () => {
  it('ensure-max-age-is-measured-to-when-the-token-arrived-not-to-the-inspection', () => {
    const e = { ...base, maxAge: 300 };
    // Inspected a day later, arrived two minutes after the login: within max_age.
    expect(checkAuthTime({ auth_time: loginAt }, { ...e, receivedAt: new Date('2026-01-01T10:02:00Z') })).toMatchObject({ status: 'passed', reason: expect.stringContaining('2 min') });
    // 300 s + 60 s skew is the edge: 361 s after the login is too late, 360 s is not.
    expect(checkAuthTime({ auth_time: loginAt }, { ...e, receivedAt: new Date((loginAt + 360) * 1000) }).status).toBe('passed');
    expect(checkAuthTime({ auth_time: loginAt }, { ...e, receivedAt: new Date((loginAt + 361) * 1000) }).status).toBe('failed');
    // Without receivedAt the inspection's own time counts (a token just received).
    expect(checkAuthTime({ auth_time: loginAt }, e).status).toBe('failed');
  });

  it('ensure-auth-time-after-arrival-fails: "in the future" is judged against the arrival too', () => {
    const receivedAt = new Date((loginAt - 120) * 1000);
    expect(checkAuthTime({ auth_time: loginAt }, { ...base, maxAge: 300, receivedAt })).toMatchObject({ status: 'failed', reason: expect.stringContaining('in the future') });
    expect(checkAuthTime({ auth_time: loginAt }, { ...base, maxAge: 300, receivedAt: new Date((loginAt - 60) * 1000) }).status).toBe('passed');
  });
});

describe('what was asked is not known', () => {
  it('auth_time and acr are "not checked", each saying what the token carries and why', () => {
    const checks = requestedAuthenticationChecks({ auth_time: loginAt, acr: 'urn:x' }, { ...base, authenticationRequestUnknown: true });
    expect(checks).toEqual([
      expect.objectContaining({ id: 'auth_time', status: 'not_checked', reason: `"auth_time" is ${loginAt}; what the authorization request asked is not known for this token (its run recorded no max_age, require_auth_time or acr request)` }),
      expect.objectContaining({ id: 'acr', status: 'not_checked', reason: expect.stringMatching(/^"acr" is "urn:x"; what the authorization request asked is not known/) }),
    ]);
    const absent = requestedAuthenticationChecks({}, { ...base, authenticationRequestUnknown: true });
    expect(absent.map((c) => c.reason)).toEqual([expect.stringMatching(/^no "auth_time" claim; /), expect.stringMatching(/^no "acr" claim; /)]);
  });

  it('known and nothing asked: no auth_time or acr check at all (as the run reported it)', () => {
    expect(requestedAuthenticationChecks({ auth_time: loginAt }, base)).toEqual([]);
    const ids = claimChecks({ alg: 'ES256' }, { auth_time: loginAt }, { ...base, authenticationRequestUnknown: true }).map((c) => c.id);
    expect(ids).toContain('auth_time');
    expect(claimChecks({ alg: 'ES256' }, { auth_time: loginAt }, base).map((c) => c.id)).not.toContain('auth_time');
  });
});
