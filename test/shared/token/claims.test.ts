import { describe, expect, it } from 'vitest';
import { describeClaim, describeHeader, durationText, localDateTime, numericDateInfo, relativeTime, timeClaims } from '../../../shared/token/claims';

describe('claim descriptions', () => {
  it('explains registered JWT and OIDC claims and header parameters in one line', () => {
    for (const c of ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 'sid', 'email_verified', 'cnf', 'act']) {
      const d = describeClaim(c);
      expect(d, c).toBeTruthy();
      expect(d).not.toContain('\n');
    }
    expect(describeHeader('kid')).toMatch(/Key ID/);
    expect(describeClaim('my_custom')).toBeUndefined();
    expect(describeClaim('toString')).toBeUndefined();
  });
});

describe('time helpers', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it('renders relative times in both directions', () => {
    expect(relativeTime(0.2)).toBe('now');
    expect(relativeTime(90)).toBe('in 1 minute');
    expect(relativeTime(-3 * 3600)).toBe('3 hours ago');
    expect(relativeTime(-7 * 86_400)).toBe('7 days ago');
    expect(relativeTime(400 * 86_400)).toBe('in 1 year');
  });

  it('gives ISO, local and relative forms of NumericDate claims', () => {
    const info = numericDateInfo('exp', now.getTime() / 1000 + 3600, now);
    expect(info).toMatchObject({ claim: 'exp', iso: '2024-05-01T13:00:00.000Z', relative: 'in 1 hour' });
    expect(info?.local).toMatch(/^2024-05-0[12] \d\d:00:00 [+-]\d\d:\d\d$/);
    expect(numericDateInfo('exp', 1e20, now)).toBeUndefined();
  });

  it('picks the time claims out of a payload, skipping malformed ones', () => {
    const t = timeClaims({ iat: 1_714_564_800, exp: 'soon', nbf: 1_714_564_800, auth_time: Number.NaN }, now);
    expect(t.map((x) => x.claim)).toEqual(['iat', 'nbf']);
    expect(t[0]?.relative).toBe('now');
  });

  it('formats local date-times with the offset and durations in words', () => {
    expect(localDateTime(new Date(2024, 0, 2, 3, 4, 5))).toMatch(/^2024-01-02 03:04:05 [+-]\d\d:\d\d$/);
    expect(durationText(45)).toBe('45 seconds');
    expect(durationText(7 * 86_400 + 3600)).toBe('7 days 1 hour');
    expect(durationText(3660)).toBe('1 hour 1 minute');
  });
});
