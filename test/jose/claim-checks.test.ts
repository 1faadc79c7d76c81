import { describe, expect, it } from 'vitest';
import {
  check,
  checkAcr,
  checkAtHash,
  checkAud,
  checkAuthTime,
  checkAzp,
  checkCHash,
  checkExp,
  checkIat,
  checkIss,
  checkNbf,
  checkNonce,
  checkSub,
  checkTyp,
  claimChecks,
  DEFAULT_CLOCK_SKEW_SECONDS,
  requestedAuthenticationChecks,
  type ClaimExpectations,
} from '../../electron/jose/claim-checks';
import { CHECK_LABELS, type CheckId, type CheckStatus, type VerificationCheck } from '../../shared/token/report';

// In-process tables for every claim check of a verification report (issue 11: the mutation check runs these).
// Each row asserts the check's id and label, its status, and the facts its reason states (claim, values compared),
// never whole sentences. A check that has nothing to compare with says not_checked, never passed.

const NOW = new Date('2026-11-30T12:00:00.000Z');
const T = NOW.getTime() / 1000;
const SKEW = 60;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

type Kind = 'id' | 'access' | 'other';
function expect_(kind: Kind, more: Partial<ClaimExpectations> = {}): ClaimExpectations {
  return { clockSkewSeconds: SKEW, idToken: kind === 'id', accessToken: kind === 'access', now: NOW, ...more };
}
const ID = (more?: Partial<ClaimExpectations>) => expect_('id', more);
const AT = (more?: Partial<ClaimExpectations>) => expect_('access', more);
const JWT = (more?: Partial<ClaimExpectations>) => expect_('other', more);

/** A regex that matches `text` literally (for values with + . / [ in them). */
const lit = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));

function expectCheck(c: VerificationCheck, id: CheckId, status: CheckStatus, ...reason: Array<RegExp | { not: RegExp }>) {
  expect({ id: c.id, label: c.label, status: c.status }).toEqual({ id, label: CHECK_LABELS[id], status });
  for (const r of reason) {
    if (r instanceof RegExp) expect(c.reason).toMatch(r);
    else expect(c.reason).not.toMatch(r.not);
  }
}

describe('check', () => {
  it('carries the id, its label, the status and the reason', () => {
    expect(check('nonce', 'failed', 'why')).toEqual({ id: 'nonce', label: 'Nonce', status: 'failed', reason: 'why' });
  });

  it('the default clock skew is one minute', () => {
    expect(DEFAULT_CLOCK_SKEW_SECONDS).toBe(60);
  });
});

describe('checkIss', () => {
  const issuer = 'https://as.example/realm';
  it.each([
    ['ID token without iss or expected issuer fails', {}, ID(), 'failed', [/ID token must have "iss"/]],
    ['other JWT without iss or expected issuer is not checked', {}, JWT(), 'not_checked', [/no "iss" claim and no expected issuer/]],
    ['access token without iss or expected issuer is not checked', {}, AT(), 'not_checked', [/no "iss" claim and no expected issuer/]],
    ['an iss with no expected issuer is not checked, even for an ID token', { iss: 'https://x' }, ID(), 'not_checked', [/"iss" is "https:\/\/x"; no expected issuer/]],
    ['no iss when one is expected fails', {}, JWT({ issuer }), 'failed', [/no "iss" claim; expected "https:\/\/as\.example\/realm"/]],
    ['no iss when one is expected fails for an ID token too', {}, ID({ issuer }), 'failed', [/no "iss" claim; expected "https:\/\/as\.example\/realm"/]],
    ['a number iss fails', { iss: 42 }, ID({ issuer }), 'failed', [/"iss" must be a string, got 42/]],
    ['an array iss fails', { iss: [issuer] }, ID({ issuer }), 'failed', [/"iss" must be a string, got \["https:\/\/as\.example\/realm"\]/]],
    ['the expected iss passes', { iss: issuer }, ID({ issuer }), 'passed', [/"iss" is "https:\/\/as\.example\/realm" as expected/]],
    [
      'another iss fails and names both',
      { iss: 'https://evil.example/realm' },
      ID({ issuer }),
      'failed',
      [/"iss" is "https:\/\/evil\.example\/realm" but the expected issuer is "https:\/\/as\.example\/realm"$/, { not: /trailing slash/ }],
    ],
    ['an extra trailing slash on iss fails and says so', { iss: `${issuer}/` }, ID({ issuer }), 'failed', [/"iss" is "https:\/\/as\.example\/realm\/" but the expected issuer is "https:\/\/as\.example\/realm" \(they differ only by a trailing slash/]],
    ['a missing trailing slash on iss fails and says so', { iss: issuer }, ID({ issuer: `${issuer}/` }), 'failed', [/differ only by a trailing slash, which counts/]],
    ['iss differing by a slash elsewhere is not called a trailing-slash difference', { iss: 'https://as.example/a/b' }, ID({ issuer: 'https://as.example/ab' }), 'failed', [{ not: /trailing slash/ }]],
    ['iss equal to the issuer plus two slashes is not a trailing-slash difference', { iss: `${issuer}//` }, ID({ issuer }), 'failed', [{ not: /trailing slash/ }]],
    ['case matters in iss', { iss: issuer.toUpperCase() }, ID({ issuer }), 'failed', [/"iss" is "HTTPS:/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkIss(payload, e), 'iss', status, ...reason);
  });
});

describe('checkAud', () => {
  it.each([
    ['a number aud fails', { aud: 7 }, ID({ clientId: 'c' }), 'failed', [/"aud" must be a string or an array of strings, got 7/]],
    ['an aud array with a non-string fails', { aud: ['c', 7] }, ID({ clientId: 'c' }), 'failed', [/"aud" must be a string or an array of strings, got \["c",7\]/]],
    ['an object aud fails even with nothing expected', { aud: { c: true } }, JWT(), 'failed', [/must be a string or an array of strings, got \{"c":true\}/]],
    ['an ID token without aud or expectation fails', {}, ID(), 'failed', [/ID token must have "aud"/]],
    ['an access token without aud or expectation is not checked', {}, AT(), 'not_checked', [/no "aud" claim and no expected audience given/]],
    ['an aud with no expectation is not checked', { aud: 'x' }, ID(), 'not_checked', [/"aud" is "x"; no expected audience \(or client_id\) given/]],
    ['an aud array with no expectation is not checked', { aud: ['x', 'y'] }, JWT(), 'not_checked', [/"aud" is \["x","y"\]; no expected audience/]],
    ['no aud when the client id is expected fails', {}, ID({ clientId: 'c' }), 'failed', [/no "aud" claim; expected "c"/]],
    ['no aud when an audience is expected fails', {}, AT({ audience: 'https://api' }), 'failed', [/no "aud" claim; expected "https:\/\/api"/]],
    ['aud equal to the client id passes', { aud: 'c' }, ID({ clientId: 'c' }), 'passed', [/^"aud" is "c"$/]],
    ['a one-element aud array with the client id passes', { aud: ['c'] }, ID({ clientId: 'c' }), 'passed', [/^"aud" is "c"$/]],
    ['aud among several passes and counts them', { aud: ['a', 'c', 'b'] }, ID({ clientId: 'c' }), 'passed', [/"aud" contains "c" among 3 audiences/]],
    ['the expected audience wins over the client id', { aud: 'https://api' }, AT({ audience: 'https://api', clientId: 'c' }), 'passed', [/"aud" is "https:\/\/api"/]],
    ['the client id is not accepted when another audience is expected', { aud: 'c' }, AT({ audience: 'https://api', clientId: 'c' }), 'failed', [/"aud" is "c" and does not contain the expected "https:\/\/api"/]],
    ['another aud fails', { aud: 'other' }, ID({ clientId: 'c' }), 'failed', [/"aud" is "other" and does not contain the expected "c"/]],
    ['an aud array without the client fails', { aud: ['a', 'b'] }, ID({ clientId: 'c' }), 'failed', [/"aud" is \["a","b"\] and does not contain the expected "c"/]],
    ['an empty aud array fails', { aud: [] }, ID({ clientId: 'c' }), 'failed', [/"aud" is \[\] and does not contain the expected "c"/]],
    ['aud matching only by prefix fails', { aud: 'client' }, ID({ clientId: 'c' }), 'failed', [/does not contain the expected "c"/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkAud(payload as Record<string, unknown>, e), 'aud', status, ...reason);
  });
});

describe('checkAzp', () => {
  it.each([
    ['a number azp fails', { azp: 1, aud: 'c' }, ID({ clientId: 'c' }), 'failed', [/"azp" must be a string, got 1/]],
    ['a number azp fails even with no client id', { azp: 1 }, JWT(), 'failed', [/"azp" must be a string, got 1/]],
    ['no client id and no azp is not checked', { aud: ['a', 'b'] }, JWT(), 'not_checked', [/no "azp" claim and no client_id given/]],
    ['an azp with no client id is not checked', { azp: 'x' }, JWT(), 'not_checked', [/"azp" is "x"; no client_id given/]],
    ['the audience is not the client id of a non-ID token', { azp: 'x' }, JWT({ audience: 'x' }), 'not_checked', [/"azp" is "x"; no client_id given/]],
    ['the audience stands for the client id of an ID token', { azp: 'x' }, ID({ audience: 'x' }), 'passed', [/"azp" is the client "x"/]],
    ['the client id wins over the audience', { azp: 'c' }, ID({ audience: 'x', clientId: 'c' }), 'passed', [/"azp" is the client "c"/]],
    ['azp equal to the client id passes', { azp: 'c', aud: ['c', 'api'] }, ID({ clientId: 'c' }), 'passed', [/"azp" is the client "c"/]],
    ['another azp fails', { azp: 'other', aud: 'c' }, ID({ clientId: 'c' }), 'failed', [/"azp" is "other", not the client "c": the token was issued to another client/]],
    ['several audiences without azp fail', { aud: ['c', 'api'] }, ID({ clientId: 'c' }), 'failed', [/the token has 2 audiences but no "azp"/]],
    ['a single audience without azp needs none', { aud: 'c' }, ID({ clientId: 'c' }), 'not_checked', [/a single audience and no "azp": none needed/]],
    ['a one-element aud array without azp needs none', { aud: ['c'] }, ID({ clientId: 'c' }), 'not_checked', [/a single audience/]],
    ['no aud and no azp needs none', {}, ID({ clientId: 'c' }), 'not_checked', [/a single audience/]],
    ['a malformed aud does not count as several audiences', { aud: ['a', 1] }, ID({ clientId: 'c' }), 'not_checked', [/a single audience/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkAzp(payload as Record<string, unknown>, e), 'azp', status, ...reason);
  });
});

describe('malformed NumericDate claims fail their check', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a string', String(T), new RegExp(`got "${T}"`)],
    ['a boolean', true, /got true/],
    ['NaN', Number.NaN, /got null/],
    ['Infinity', Number.POSITIVE_INFINITY, /got null/],
    ['beyond year 275760', 9e12, /got 9000000000000/],
    ['null', null, /got null/],
  ];
  const checks = [
    ['exp', (p: Record<string, unknown>) => checkExp(p, JWT())],
    ['nbf', (p: Record<string, unknown>) => checkNbf(p, JWT())],
    ['iat', (p: Record<string, unknown>) => checkIat(p, JWT())],
    ['auth_time', (p: Record<string, unknown>) => checkAuthTime(p, ID({ maxAge: 300 }))],
  ] as const;
  for (const [claim, run] of checks) {
    it.each(cases)(`${claim} as %s`, (_name, value, got) => {
      expectCheck(run({ [claim]: value }), claim, 'failed', new RegExp(`^"${claim}" must be a NumericDate \\(seconds since 1970\\)`), got);
    });
  }
});

describe('checkExp', () => {
  it.each([
    ['an ID token without exp fails', {}, ID(), 'failed', [/no "exp" claim: an ID token must expire/]],
    ['an ID token that is also an access token says ID token', {}, expect_('id', { accessToken: true }), 'failed', [/an ID token must expire/]],
    ['a JWT access token without exp fails', {}, AT(), 'failed', [/no "exp" claim: a JWT access token must expire/]],
    ['another JWT without exp never expires', {}, JWT(), 'not_checked', [/no "exp" claim: this token never expires/]],
    ['expired one second beyond the skew fails', { exp: T - SKEW - 1 }, ID(), 'failed', [/^expired 1 minute ago/, lit(`(${iso(T - SKEW - 1)})`), /beyond the 60 s clock skew/]],
    ['expired long ago fails', { exp: T - 7200 }, AT(), 'failed', [/^expired 2 hours ago/, lit(iso(T - 7200))]],
    ['expired exactly the skew ago passes', { exp: T - SKEW }, ID(), 'passed', [/^expired 1 minute ago, within the 60 s clock skew/]],
    ['expired one second ago passes within the skew', { exp: T - 1 }, ID(), 'passed', [/^expired 1 second ago, within the 60 s clock skew/]],
    ['expiring right now passes', { exp: T }, ID(), 'passed', [/^expires in 0 seconds/, lit(`(${iso(T)})`)]],
    ['expiring in an hour passes', { exp: T + 3600 }, ID(), 'passed', [/^expires in 1 hour \(/, lit(iso(T + 3600))]],
    ['a zero skew fails one second late', { exp: T - 1 }, ID({ clockSkewSeconds: 0 }), 'failed', [/^expired 1 second ago/, /beyond the 0 s clock skew/]],
    ['a fractional exp just inside the skew passes', { exp: T - SKEW + 0.5 }, ID(), 'passed', [/within the 60 s clock skew/]],
    ['a fractional exp just beyond the skew fails', { exp: T - SKEW - 0.5 }, ID(), 'failed', [/beyond the 60 s clock skew/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkExp(payload, e), 'exp', status, ...reason);
  });
});

describe('checkNbf', () => {
  it.each([
    ['no nbf is not checked', {}, ID(), 'not_checked', [/no "nbf" claim/]],
    ['valid one second beyond the skew fails', { nbf: T + SKEW + 1 }, ID(), 'failed', [/^not valid for another 1 minute \(from /, lit(iso(T + SKEW + 1)), /beyond the 60 s clock skew/]],
    ['valid in a day fails', { nbf: T + 86400 }, AT(), 'failed', [/^not valid for another 1 day /, lit(iso(T + 86400))]],
    ['valid exactly the skew from now passes', { nbf: T + SKEW }, ID(), 'passed', [/^valid from 1 minute from now, within the clock skew/]],
    ['valid one second from now passes', { nbf: T + 1 }, ID(), 'passed', [/^valid from 1 second from now/]],
    ['valid from now', { nbf: T }, ID(), 'passed', [/^already valid$/]],
    ['valid since an hour', { nbf: T - 3600 }, ID(), 'passed', [/^already valid$/]],
    ['a zero skew fails one second early', { nbf: T + 1 }, ID({ clockSkewSeconds: 0 }), 'failed', [/not valid for another 1 second/, /beyond the 0 s clock skew/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkNbf(payload, e), 'nbf', status, ...reason);
  });
});

describe('checkIat', () => {
  it.each([
    ['an ID token without iat fails', {}, ID({ maxTokenAgeSeconds: 300 }), 'failed', [/an ID token must have "iat"/]],
    ['a token without iat fails when a maximum age is set', {}, AT({ maxTokenAgeSeconds: 300 }), 'failed', [/no "iat" claim, so the 5 minutes maximum age cannot be checked/]],
    ['a token without iat and no maximum age is not checked', {}, AT(), 'not_checked', [/^no "iat" claim$/]],
    ['a zero maximum age still needs iat', {}, JWT({ maxTokenAgeSeconds: 0 }), 'failed', [/the 0 seconds maximum age cannot be checked/]],
    ['issued one second beyond the skew in the future fails', { iat: T + SKEW + 1 }, ID(), 'failed', [/^issued 1 minute in the future, beyond the 60 s clock skew/]],
    ['issued exactly the skew in the future passes', { iat: T + SKEW }, ID(), 'passed', [/^issued just now \(within the clock skew\)$/]],
    ['issued one second in the future passes', { iat: T + 1 }, ID(), 'passed', [/^issued just now/]],
    ['issued now', { iat: T }, ID(), 'passed', [/^issued 0 seconds ago$/]],
    ['issued a year ago with no maximum age passes', { iat: T - 365 * 86400 }, AT(), 'passed', [/^issued 365 days ago$/]],
    ['issued at the maximum age plus the skew passes', { iat: T - 360 }, ID({ maxTokenAgeSeconds: 300 }), 'passed', [/^issued 6 minutes ago$/]],
    [
      'issued one second over the maximum age plus the skew fails',
      { iat: T - 361 },
      ID({ maxTokenAgeSeconds: 300 }),
      'failed',
      [/^issued 6 minutes ago, older than the 5 minutes maximum token age/],
    ],
    ['a zero maximum age allows only the skew', { iat: T - SKEW - 1 }, AT({ maxTokenAgeSeconds: 0 }), 'failed', [/older than the 0 seconds maximum token age/]],
    ['a zero maximum age passes at the skew', { iat: T - SKEW }, AT({ maxTokenAgeSeconds: 0 }), 'passed', [/^issued 1 minute ago$/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkIat(payload, e), 'iat', status, ...reason);
  });
});

describe('checkSub', () => {
  it.each([
    ['a number sub fails', { sub: 5 }, JWT(), 'failed', [/"sub" must be a non-empty string, got 5/]],
    ['an empty sub fails', { sub: '' }, JWT(), 'failed', [/"sub" must be a non-empty string, got ""/]],
    ['an ID token without sub fails', {}, ID({ subject: 'u' }), 'failed', [/an ID token must have "sub"/]],
    ['no sub when one is expected fails', {}, AT({ subject: 'u' }), 'failed', [/no "sub" claim; expected "u"/]],
    ['no sub and none expected is not checked', {}, AT(), 'not_checked', [/^no "sub" claim$/]],
    ['another sub fails', { sub: 'v' }, ID({ subject: 'u' }), 'failed', [/"sub" is "v", expected "u"/]],
    ['the expected sub passes', { sub: 'u' }, ID({ subject: 'u' }), 'passed', [/^"sub" is "u"$/]],
    ['any sub passes when none is expected', { sub: 'v' }, ID(), 'passed', [/^"sub" is "v"$/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkSub(payload, e), 'sub', status, ...reason);
  });
});

describe('checkNonce', () => {
  it.each([
    ['no nonce expected and none present', {}, ID(), 'not_checked', [/no nonce expected and none present/]],
    ['a nonce with none expected is not checked (never passed)', { nonce: 'n' }, ID(), 'not_checked', [/the token has a "nonce" but no expected nonce was given/]],
    ['ensure-id-token-without-the-sent-nonce-fails', {}, ID({ nonce: 'n' }), 'failed', [/no "nonce" claim, but the authorization request sent one/]],
    ['ensure-id-token-with-another-nonce-fails', { nonce: 'm' }, ID({ nonce: 'n' }), 'failed', [/"nonce" is "m", not the "n" sent: possible replay/]],
    ['a number nonce is not the string sent', { nonce: 5 }, ID({ nonce: '5' }), 'failed', [/"nonce" is 5, not the "5" sent/]],
    ['an empty nonce is not the one sent', { nonce: '' }, ID({ nonce: 'n' }), 'failed', [/"nonce" is "", not the "n" sent/]],
    ['the nonce sent passes', { nonce: 'n' }, ID({ nonce: 'n' }), 'passed', [/"nonce" equals the one sent/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkNonce(payload, e), 'nonce', status, ...reason);
  });
});

describe('checkTyp', () => {
  it.each([
    ['a number typ fails', { typ: 1 }, AT(), 'failed', [/"typ" must be a string, got 1/]],
    ['no typ when one is expected fails', {}, AT({ typ: 'at+jwt' }), 'failed', [/no "typ" header; expected "at\+jwt"/]],
    ['the expected typ passes', { typ: 'at+jwt' }, AT({ typ: 'at+jwt' }), 'passed', [/^"typ" is "at\+jwt"$/]],
    ['typ compares without case and the application/ prefix', { typ: 'application/AT+JWT' }, JWT({ typ: 'at+jwt' }), 'passed', [/^"typ" is "application\/AT\+JWT"$/]],
    ['the expected typ may carry the prefix', { typ: 'JWT' }, JWT({ typ: 'application/jwt' }), 'passed', [/^"typ" is "JWT"$/]],
    ['only a leading application/ is dropped', { typ: 'vnd.application/jwt' }, JWT({ typ: 'vnd.jwt' }), 'failed', [/"typ" is "vnd\.application\/jwt", expected "vnd\.jwt"/]],
    ['another typ fails', { typ: 'JWT' }, AT({ typ: 'at+jwt' }), 'failed', [/"typ" is "JWT", expected "at\+jwt"/]],
    ['an expected typ applies to ID tokens too', { typ: 'at+jwt' }, ID({ typ: 'at+jwt' }), 'passed', [/"typ" is "at\+jwt"/]],
    ['ensure-access-token-as-id-token-fails', { typ: 'at+jwt' }, ID(), 'failed', [/"typ" is "at\+jwt": this is an access token, not an ID token/]],
    ['an application/at+jwt ID token fails', { typ: 'application/at+jwt' }, ID(), 'failed', [/this is an access token, not an ID token/]],
    ['an at+jwt token checked as both kinds fails as an ID token', { typ: 'AT+JWT' }, expect_('id', { accessToken: true }), 'failed', [/this is an access token, not an ID token/]],
    ['an ID token with typ JWT is not checked', { typ: 'JWT' }, ID(), 'not_checked', [/^"typ" is "JWT"; none expected$/]],
    ['an ID token without typ is not checked', {}, ID(), 'not_checked', [/no "typ" header and none expected/]],
    ['an at+jwt access token passes', { typ: 'at+jwt' }, AT(), 'passed', [/"typ" is "at\+jwt" \(RFC 9068\)/]],
    ['an application/at+jwt access token passes', { typ: 'application/at+JWT' }, AT(), 'passed', [/\(RFC 9068\)/]],
    ['an access token with typ JWT is not checked', { typ: 'JWT' }, AT(), 'not_checked', [/^"typ" is "JWT", not "at\+jwt" \(RFC 9068\); not required here$/]],
    ['an access token without typ is not checked', {}, AT(), 'not_checked', [/^"typ" is absent, not "at\+jwt"/]],
    ['another JWT with at+jwt is not checked', { typ: 'at+jwt' }, JWT(), 'not_checked', [/^"typ" is "at\+jwt"; none expected$/]],
    ['another JWT without typ is not checked', {}, JWT(), 'not_checked', [/no "typ" header and none expected/]],
  ] as const)('%s', (_name, header, e, status, reason) => {
    expectCheck(checkTyp(header, e), 'typ', status, ...reason);
  });
});

describe('at_hash and c_hash', () => {
  // OIDC Core §A.3 / §A.4 examples (RS256).
  const ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
  const AT_HASH = '77QmUPtjPfzWtF2AnpK9RQ';
  const CODE = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
  const C_HASH = 'LDktKdoQak3Pk0cnXxCltA';
  const RS256 = { alg: 'RS256' };

  it.each([
    ['no at_hash is not checked', RS256, {}, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'not_checked', [/^no "at_hash" claim$/]],
    ['a number at_hash fails', RS256, { at_hash: 1 }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'failed', [/"at_hash" must be a string, got 1/]],
    ['a number at_hash fails with no access token given', RS256, { at_hash: 1 }, ID(), undefined, 'failed', [/"at_hash" must be a string/]],
    ['an at_hash with no access token given is not checked', RS256, { at_hash: AT_HASH }, ID(), undefined, 'not_checked', [/"at_hash" is present but no access token was given/]],
    ['no alg is not checked', {}, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'not_checked', [/no "alg" to choose the hash with/]],
    ['a number alg is not checked', { alg: 256 }, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'not_checked', [/no "alg" to choose the hash with/]],
    ['alg none has no hash', { alg: 'none' }, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'not_checked', [/^no hash is defined for "alg": "none"$/]],
    ['EdDSA on Ed448 has no hash and names the curve', { alg: 'EdDSA' }, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), 'Ed448', 'not_checked', [/^no hash is defined for "alg": "EdDSA" with Ed448$/]],
    ['the matching at_hash passes', RS256, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'passed', [/^"at_hash" matches the access token$/]],
    [
      'ensure-id-token-with-wrong-at-hash-fails',
      RS256,
      { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' },
      ID({ issuedAccessToken: ACCESS_TOKEN }),
      undefined,
      'failed',
      [lit(`"at_hash" is "AAAAAAAAAAAAAAAAAAAAAA" but the access token hashes to "${AT_HASH}"`), /not issued with this access token/],
    ],
    ['the hash follows alg (RS384 is not RS256)', { alg: 'RS384' }, { at_hash: AT_HASH }, ID({ issuedAccessToken: ACCESS_TOKEN }), undefined, 'failed', [/the access token hashes to "[A-Za-z0-9_-]{32}"/]],
    ['the at_hash of another token fails', RS256, { at_hash: AT_HASH }, ID({ issuedAccessToken: `${ACCESS_TOKEN}x` }), undefined, 'failed', [/"at_hash" is "77QmUPtjPfzWtF2AnpK9RQ" but/]],
  ] as const)('%s', (_name, header, payload, e, crv, status, reason) => {
    expectCheck(checkAtHash(header, payload, e, crv), 'at_hash', status, ...reason);
  });

  it.each([
    ['no c_hash is not checked', {}, ID({ authorizationCode: CODE }), 'not_checked', [/^no "c_hash" claim$/]],
    ['a c_hash with no code given is not checked', { c_hash: C_HASH }, ID({ issuedAccessToken: CODE }), 'not_checked', [/"c_hash" is present but no authorization code was given/]],
    ['a number c_hash fails', { c_hash: false }, ID({ authorizationCode: CODE }), 'failed', [/"c_hash" must be a string, got false/]],
    ['the matching c_hash passes', { c_hash: C_HASH }, ID({ authorizationCode: CODE }), 'passed', [/^"c_hash" matches the authorization code$/]],
    ['ensure-id-token-with-wrong-c-hash-fails', { c_hash: AT_HASH }, ID({ authorizationCode: CODE }), 'failed', [lit(`"c_hash" is "${AT_HASH}" but the authorization code hashes to "${C_HASH}"`), /not issued with this authorization code/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkCHash(RS256, payload, e), 'c_hash', status, ...reason);
  });

  it('the curve reaches the c_hash check', () => {
    expectCheck(checkCHash({ alg: 'EdDSA' }, { c_hash: C_HASH }, ID({ authorizationCode: CODE }), 'Ed448'), 'c_hash', 'not_checked', /"EdDSA" with Ed448/);
  });
});

describe('checkAuthTime', () => {
  it.each([
    ['ensure-id-token-without-auth-time-when-max-age-sent-fails', {}, ID({ maxAge: 300 }), 'failed', [/no "auth_time" claim, but max_age=300 was sent/]],
    ['no auth_time with require_auth_time fails', {}, ID({ requireAuthTime: true }), 'failed', [/no "auth_time" claim, but the client is registered with require_auth_time/]],
    ['max_age=0 is still a max_age', {}, ID({ maxAge: 0, requireAuthTime: true }), 'failed', [/but max_age=0 was sent/]],
    [
      'auth_time one second beyond the skew in the future fails',
      { auth_time: T + SKEW + 1 },
      ID({ maxAge: 300 }),
      'failed',
      [/^"auth_time" is 1 minute in the future \(/, lit(iso(T + SKEW + 1)), /beyond the 60 s clock skew/],
    ],
    ['auth_time exactly the skew in the future passes', { auth_time: T + SKEW }, ID({ maxAge: 300 }), 'passed', [/^the user authenticated 0 seconds ago, within max_age=300 s$/]],
    ['auth_time now passes', { auth_time: T }, ID({ requireAuthTime: true }), 'passed', [/^the user authenticated 0 seconds ago$/]],
    ['auth_time at max_age plus the skew passes', { auth_time: T - 360 }, ID({ maxAge: 300 }), 'passed', [/^the user authenticated 6 minutes ago, within max_age=300 s$/]],
    [
      'ensure-id-token-with-auth-time-older-than-max-age-fails',
      { auth_time: T - 361 },
      ID({ maxAge: 300 }),
      'failed',
      [/^the user authenticated 6 minutes ago \(auth_time /, lit(`auth_time ${T - 361} = ${iso(T - 361)}`), /longer than max_age=300 s allows: the server did not re-authenticate/],
    ],
    ['max_age=0 allows only the skew', { auth_time: T - SKEW - 1 }, ID({ maxAge: 0 }), 'failed', [/longer than max_age=0 s allows/]],
    ['max_age=0 passes at the skew', { auth_time: T - SKEW }, ID({ maxAge: 0 }), 'passed', [/^the user authenticated 1 minute ago, within max_age=0 s$/]],
    ['require_auth_time alone sets no age limit', { auth_time: T - 2 * 86400 }, ID({ requireAuthTime: true }), 'passed', [/^the user authenticated 2 days ago$/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkAuthTime(payload, e), 'auth_time', status, ...reason);
  });
});

describe('checkAuthTime of a token received earlier (from history)', () => {
  const RECEIVED = new Date((T - 3600) * 1000);
  it.each([
    ['max_age is measured to when the token arrived, not to now', { auth_time: T - 3600 - 360 }, ID({ maxAge: 300, receivedAt: RECEIVED }), 'passed', [/^the user authenticated 6 minutes ago, within max_age=300 s$/]],
    ['one second more than max_age plus the skew at arrival fails', { auth_time: T - 3600 - 361 }, ID({ maxAge: 300, receivedAt: RECEIVED }), 'failed', [/^the user authenticated 6 minutes ago \(/, /longer than max_age=300 s allows/]],
    ['an auth_time after the arrival beyond the skew fails', { auth_time: T - 3600 + SKEW + 1 }, ID({ maxAge: 300, receivedAt: RECEIVED }), 'failed', [/^"auth_time" is 1 minute in the future/, lit(iso(T - 3600 + SKEW + 1))]],
    ['the same auth_time judged now is too old', { auth_time: T - 3600 - 360 }, ID({ maxAge: 300 }), 'failed', [/^the user authenticated 1 hour 6 minutes ago/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkAuthTime(payload, e), 'auth_time', status, ...reason);
  });
});

describe('checkAcr', () => {
  const essential = (...values: string[]) => ID({ acr: { values, essential: true } });
  const voluntary = (...values: string[]) => ID({ acr: { values, essential: false } });
  it.each([
    ['a number acr fails', { acr: 2 }, voluntary('2'), 'failed', [/"acr" must be a string, got 2/]],
    ['ensure-id-token-without-essential-acr-fails', {}, essential('gold', 'silver'), 'failed', [/no "acr" claim, but acr was requested as essential \(one of "gold", "silver"\)$/]],
    ['no acr with an essential request without values fails', {}, essential(), 'failed', [/^no "acr" claim, but acr was requested as essential$/]],
    ['no acr for voluntary acr_values is not checked', {}, voluntary('gold', 'silver'), 'not_checked', [/no "acr" claim; acr_values "gold", "silver" were requested as voluntary/]],
    ['an essential acr requested without values passes any acr', { acr: 'x' }, essential(), 'passed', [/^"acr" is "x"$/]],
    ['a requested acr passes', { acr: 'silver' }, essential('gold', 'silver'), 'passed', [/^"acr" is "silver", one of those requested$/]],
    ['a voluntary acr that was requested passes', { acr: 'gold' }, voluntary('gold'), 'passed', [/^"acr" is "gold", one of those requested$/]],
    ['ensure-id-token-with-other-essential-acr-fails', { acr: 'bronze' }, essential('gold', 'silver'), 'failed', [/"acr" is "bronze", not one of the essential "gold", "silver" requested: the user did not authenticate as required/]],
    ['another acr than the voluntary ones is not checked', { acr: 'bronze' }, voluntary('gold', 'silver'), 'not_checked', [/"acr" is "bronze", not one of the voluntary acr_values "gold", "silver"; the server may choose another/]],
  ] as const)('%s', (_name, payload, e, status, reason) => {
    expectCheck(checkAcr(payload, e), 'acr', status, ...reason);
  });
});

describe('requestedAuthenticationChecks', () => {
  const ids = (e: ClaimExpectations) => requestedAuthenticationChecks({ auth_time: T, acr: 'gold' }, e).map((c) => c.id);
  it('runs only the checks the request asked for', () => {
    expect(ids(ID())).toEqual([]);
    expect(ids(ID({ requireAuthTime: false }))).toEqual([]);
    expect(ids(ID({ maxAge: 0 }))).toEqual(['auth_time']);
    expect(ids(ID({ requireAuthTime: true }))).toEqual(['auth_time']);
    expect(ids(ID({ acr: { values: ['gold'], essential: false } }))).toEqual(['acr']);
    expect(ids(ID({ maxAge: 60, acr: { values: [], essential: true } }))).toEqual(['auth_time', 'acr']);
  });

  it('returns the checks themselves', () => {
    const checks = requestedAuthenticationChecks({ acr: 'gold' }, ID({ maxAge: 60, acr: { values: ['gold'], essential: true } }));
    expect(checks).toHaveLength(2);
    expectCheck(checks[0]!, 'auth_time', 'failed', /max_age=60/);
    expectCheck(checks[1]!, 'acr', 'passed', /"gold"/);
  });
});

describe('requestedAuthenticationChecks when the request is not known (a token from history)', () => {
  const unknown = ID({ authenticationRequestUnknown: true });
  it('reports auth_time and acr as not checked, saying why and what the token holds', () => {
    const [authTime, acr, ...rest] = requestedAuthenticationChecks({ auth_time: T, acr: 'gold' }, unknown);
    expect(rest).toEqual([]);
    expectCheck(authTime!, 'auth_time', 'not_checked', new RegExp(`^"auth_time" is ${T}; `), /authorization request asked is not known/, /recorded no max_age, require_auth_time or acr request/);
    expectCheck(acr!, 'acr', 'not_checked', /^"acr" is "gold"; /, /authorization request asked is not known/);
  });

  it('says when the claims are absent', () => {
    const [authTime, acr] = requestedAuthenticationChecks({}, unknown);
    expectCheck(authTime!, 'auth_time', 'not_checked', /^no "auth_time" claim; what the authorization request asked is not known/);
    expectCheck(acr!, 'acr', 'not_checked', /^no "acr" claim; what the authorization request asked is not known/);
  });

  it('a known request is checked as usual', () => {
    const checks = requestedAuthenticationChecks({}, ID({ authenticationRequestUnknown: false, maxAge: 60 }));
    expect(checks).toHaveLength(1);
    expectCheck(checks[0]!, 'auth_time', 'failed', /max_age=60 was sent/);
  });
});

describe('claimChecks', () => {
  const header = { alg: 'RS256', typ: 'JWT' };
  const payload = { iss: 'https://as', aud: 'c', exp: T + 60, iat: T, sub: 'u', nonce: 'n', auth_time: T, acr: 'gold' };
  const ids = (e: ClaimExpectations, crv?: string) => claimChecks(header, payload, e, crv).map((c) => c.id);
  const ID_TOKEN_CHECKS = ['typ', 'iss', 'aud', 'azp', 'exp', 'nbf', 'iat', 'sub', 'nonce', 'at_hash', 'c_hash'];

  it('an ID token gets every check in report order, and the authentication checks it asked for', () => {
    expect(ids(ID())).toEqual(ID_TOKEN_CHECKS);
    expect(ids(ID({ maxAge: 300, acr: { values: ['gold'], essential: true } }))).toEqual([...ID_TOKEN_CHECKS, 'auth_time', 'acr']);
  });

  it('an ID token whose request is not known still shows auth_time and acr (not checked)', () => {
    const checks = claimChecks(header, payload, ID({ authenticationRequestUnknown: true }));
    expect(checks.map((c) => c.id)).toEqual([...ID_TOKEN_CHECKS, 'auth_time', 'acr']);
    expect(checks.slice(-2).map((c) => c.status)).toEqual(['not_checked', 'not_checked']);
    expect(ids(AT({ authenticationRequestUnknown: true }))).toEqual(['typ', 'iss', 'aud', 'exp', 'nbf', 'iat', 'sub']);
  });

  it('a JWT access token is not judged by ID token claims (azp, nonce, at_hash, c_hash, auth_time, acr)', () => {
    expect(ids(AT({ maxAge: 300, acr: { values: ['gold'], essential: true } }))).toEqual(['typ', 'iss', 'aud', 'exp', 'nbf', 'iat', 'sub']);
  });

  it('another JWT gets the ID token claim checks but no authentication checks', () => {
    expect(ids(JWT({ maxAge: 300, acr: { values: ['gold'], essential: true } }))).toEqual(ID_TOKEN_CHECKS);
  });

  it('a token checked as both ID token and access token gets every check', () => {
    expect(ids(expect_('id', { accessToken: true, maxAge: 300 }))).toEqual([...ID_TOKEN_CHECKS, 'auth_time']);
  });

  it('each check sees the header, the payload, the expectations and the curve', () => {
    const e = ID({ issuer: 'https://as', clientId: 'c', nonce: 'n', subject: 'u', typ: 'jwt', maxAge: 300, issuedAccessToken: 'a', authorizationCode: 'b' });
    const checks = claimChecks({ alg: 'EdDSA', typ: 'JWT' }, { ...payload, at_hash: 'x', c_hash: 'y' }, e, 'Ed448');
    expect(Object.fromEntries(checks.map((c) => [c.id, c.status]))).toEqual({
      typ: 'passed',
      iss: 'passed',
      aud: 'passed',
      azp: 'not_checked',
      exp: 'passed',
      nbf: 'not_checked',
      iat: 'passed',
      sub: 'passed',
      nonce: 'passed',
      at_hash: 'not_checked',
      c_hash: 'not_checked',
      auth_time: 'passed',
    });
    expect(checks.find((c) => c.id === 'at_hash')?.reason).toMatch(/with Ed448/);
    expect(checks.find((c) => c.id === 'c_hash')?.reason).toMatch(/with Ed448/);
  });
});
