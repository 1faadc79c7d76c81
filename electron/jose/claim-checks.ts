import { durationText, isNumericDate } from '../../shared/token/claims';
import { CHECK_LABELS, type CheckId, type CheckStatus, type VerificationCheck } from '../../shared/token/report';
import { oidcHash } from './oidc-hash';

/**
 * The claim checks of a verification report, each on its own so a failure
 * of one never hides the others (jose's jwtVerify stops at the first).
 */

/** Allowed clock difference between the server and this machine. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

export interface ClaimExpectations {
  issuer?: string;
  audience?: string;
  clientId?: string;
  nonce?: string;
  subject?: string;
  typ?: string;
  clockSkewSeconds: number;
  maxTokenAgeSeconds?: number;
  idToken: boolean;
  accessToken: boolean;
  issuedAccessToken?: string;
  authorizationCode?: string;
  /** `max_age` sent in the authorization request (seconds): `auth_time` must be present and recent enough. */
  maxAge?: number;
  /** The client is registered with `require_auth_time`: `auth_time` must be present. */
  requireAuthTime?: boolean;
  /** `acr` values requested: essential ones (claims parameter) must be met; voluntary ones (acr_values) are reported. */
  acr?: AcrRequest;
  /**
   * What the authorization request asked (max_age, require_auth_time, acr) is not known: a token inspected later
   * whose run did not record it. auth_time and acr are then reported "not checked", saying why.
   */
  authenticationRequestUnknown?: boolean;
  /** The moment max_age is measured to: when the token was received (a token from history); default `now`. */
  receivedAt?: Date;
  now: Date;
}

export interface AcrRequest {
  values: string[];
  /** Requested as an essential claim (`claims={"id_token":{"acr":{"essential":true,…}}}`). */
  essential: boolean;
}

export function check(id: CheckId, status: CheckStatus, reason: string): VerificationCheck {
  return { id, label: CHECK_LABELS[id], status, reason };
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

export function checkIss(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const iss = payload.iss;
  if (e.issuer === undefined) {
    if (iss === undefined && e.idToken) return check('iss', 'failed', 'an ID token must have "iss"');
    return check('iss', 'not_checked', iss === undefined ? 'no "iss" claim and no expected issuer given' : `"iss" is ${show(iss)}; no expected issuer given to compare with`);
  }
  if (iss === undefined) return check('iss', 'failed', `no "iss" claim; expected ${show(e.issuer)}`);
  if (typeof iss !== 'string') return check('iss', 'failed', `"iss" must be a string, got ${show(iss)}`);
  if (iss === e.issuer) return check('iss', 'passed', `"iss" is ${show(iss)} as expected`);
  const slash = iss.replace(/\/$/, '') === e.issuer.replace(/\/$/, '') ? ' (they differ only by a trailing slash, which counts)' : '';
  return check('iss', 'failed', `"iss" is ${show(iss)} but the expected issuer is ${show(e.issuer)}${slash}`);
}

function audiences(aud: unknown): string[] | undefined {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  return undefined;
}

export function checkAud(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const expected = e.audience ?? e.clientId;
  const aud = payload.aud;
  const list = audiences(aud);
  if (aud !== undefined && !list) return check('aud', 'failed', `"aud" must be a string or an array of strings, got ${show(aud)}`);
  if (expected === undefined) {
    if (aud === undefined && e.idToken) return check('aud', 'failed', 'an ID token must have "aud"');
    return check('aud', 'not_checked', aud === undefined ? 'no "aud" claim and no expected audience given' : `"aud" is ${show(aud)}; no expected audience (or client_id) given`);
  }
  if (!list) return check('aud', 'failed', `no "aud" claim; expected ${show(expected)}`);
  if (list.includes(expected)) return check('aud', 'passed', list.length === 1 ? `"aud" is ${show(expected)}` : `"aud" contains ${show(expected)} among ${list.length} audiences`);
  return check('aud', 'failed', `"aud" is ${show(aud)} and does not contain the expected ${show(expected)}`);
}

export function checkAzp(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const clientId = e.clientId ?? (e.idToken ? e.audience : undefined);
  const azp = payload.azp;
  const audienceCount = audiences(payload.aud)?.length ?? 0;
  if (azp !== undefined && typeof azp !== 'string') return check('azp', 'failed', `"azp" must be a string, got ${show(azp)}`);
  if (clientId === undefined) return check('azp', 'not_checked', azp === undefined ? 'no "azp" claim and no client_id given' : `"azp" is ${show(azp)}; no client_id given to compare with`);
  if (azp !== undefined) {
    return azp === clientId
      ? check('azp', 'passed', `"azp" is the client ${show(clientId)}`)
      : check('azp', 'failed', `"azp" is ${show(azp)}, not the client ${show(clientId)}: the token was issued to another client`);
  }
  if (audienceCount > 1) return check('azp', 'failed', `the token has ${audienceCount} audiences but no "azp" naming the client it was issued to (OIDC Core §3.1.3.7)`);
  return check('azp', 'not_checked', 'a single audience and no "azp": none needed');
}

/** Reads a NumericDate claim: undefined when absent, a string reason when malformed. */
function numericDate(payload: Record<string, unknown>, claim: string): number | string | undefined {
  const v = payload[claim];
  if (v === undefined) return undefined;
  if (!isNumericDate(v)) return `"${claim}" must be a NumericDate (seconds since 1970), got ${show(v)}`;
  return v;
}

export function checkExp(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const exp = numericDate(payload, 'exp');
  const now = e.now.getTime() / 1000;
  if (typeof exp === 'string') return check('exp', 'failed', exp);
  if (exp === undefined) {
    if (e.idToken || e.accessToken) return check('exp', 'failed', `no "exp" claim: ${e.idToken ? 'an ID token' : 'a JWT access token'} must expire`);
    return check('exp', 'not_checked', 'no "exp" claim: this token never expires');
  }
  const late = now - exp;
  if (late > e.clockSkewSeconds) return check('exp', 'failed', `expired ${durationText(late)} ago (${new Date(exp * 1000).toISOString()}), beyond the ${e.clockSkewSeconds} s clock skew`);
  if (late > 0) return check('exp', 'passed', `expired ${durationText(late)} ago, within the ${e.clockSkewSeconds} s clock skew`);
  return check('exp', 'passed', `expires in ${durationText(exp - now)} (${new Date(exp * 1000).toISOString()})`);
}

export function checkNbf(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const nbf = numericDate(payload, 'nbf');
  const now = e.now.getTime() / 1000;
  if (typeof nbf === 'string') return check('nbf', 'failed', nbf);
  if (nbf === undefined) return check('nbf', 'not_checked', 'no "nbf" claim');
  const early = nbf - now;
  if (early > e.clockSkewSeconds) return check('nbf', 'failed', `not valid for another ${durationText(early)} (from ${new Date(nbf * 1000).toISOString()}), beyond the ${e.clockSkewSeconds} s clock skew`);
  return check('nbf', 'passed', early > 0 ? `valid from ${durationText(early)} from now, within the clock skew` : 'already valid');
}

export function checkIat(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const iat = numericDate(payload, 'iat');
  const now = e.now.getTime() / 1000;
  if (typeof iat === 'string') return check('iat', 'failed', iat);
  if (iat === undefined) {
    if (e.idToken) return check('iat', 'failed', 'an ID token must have "iat"');
    if (e.maxTokenAgeSeconds !== undefined) return check('iat', 'failed', `no "iat" claim, so the ${durationText(e.maxTokenAgeSeconds)} maximum age cannot be checked`);
    return check('iat', 'not_checked', 'no "iat" claim');
  }
  const age = now - iat;
  // No maximum age: an infinite one, which no finite age exceeds.
  const maxAge = e.maxTokenAgeSeconds ?? Number.POSITIVE_INFINITY;
  if (-age > e.clockSkewSeconds) return check('iat', 'failed', `issued ${durationText(iat - now)} in the future, beyond the ${e.clockSkewSeconds} s clock skew`);
  if (age > maxAge + e.clockSkewSeconds) return check('iat', 'failed', `issued ${durationText(age)} ago, older than the ${durationText(maxAge)} maximum token age`);
  return check('iat', 'passed', age >= 0 ? `issued ${durationText(age)} ago` : 'issued just now (within the clock skew)');
}

export function checkSub(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const sub = payload.sub;
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) return check('sub', 'failed', `"sub" must be a non-empty string, got ${show(sub)}`);
  if (sub === undefined) {
    if (e.idToken) return check('sub', 'failed', 'an ID token must have "sub" (OIDC Core §2)');
    if (e.subject !== undefined) return check('sub', 'failed', `no "sub" claim; expected ${show(e.subject)}`);
    return check('sub', 'not_checked', 'no "sub" claim');
  }
  if (e.subject !== undefined && sub !== e.subject) return check('sub', 'failed', `"sub" is ${show(sub)}, expected ${show(e.subject)}`);
  return check('sub', 'passed', `"sub" is ${show(sub)}`);
}

export function checkNonce(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const nonce = payload.nonce;
  if (e.nonce === undefined) return check('nonce', 'not_checked', nonce === undefined ? 'no nonce expected and none present' : 'the token has a "nonce" but no expected nonce was given');
  if (nonce === undefined) return check('nonce', 'failed', 'no "nonce" claim, but the authorization request sent one: the ID token is not bound to this request');
  if (nonce !== e.nonce) return check('nonce', 'failed', `"nonce" is ${show(nonce)}, not the ${show(e.nonce)} sent: possible replay of an ID token from another request`);
  return check('nonce', 'passed', '"nonce" equals the one sent');
}

export function checkTyp(header: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const typ = header.typ;
  const norm = (t: string) => t.toLowerCase().replace(/^application\//, '');
  if (typ !== undefined && typeof typ !== 'string') return check('typ', 'failed', `"typ" must be a string, got ${show(typ)}`);
  if (e.typ !== undefined) {
    if (typ === undefined) return check('typ', 'failed', `no "typ" header; expected ${show(e.typ)}`);
    return norm(typ) === norm(e.typ) ? check('typ', 'passed', `"typ" is ${show(typ)}`) : check('typ', 'failed', `"typ" is ${show(typ)}, expected ${show(e.typ)}`);
  }
  if (e.idToken && typ !== undefined && norm(typ) === 'at+jwt') return check('typ', 'failed', '"typ" is "at+jwt": this is an access token, not an ID token');
  if (e.accessToken && typ !== undefined && norm(typ) === 'at+jwt') return check('typ', 'passed', '"typ" is "at+jwt" (RFC 9068)');
  if (e.accessToken) return check('typ', 'not_checked', `"typ" is ${typ === undefined ? 'absent' : show(typ)}, not "at+jwt" (RFC 9068); not required here`);
  return check('typ', 'not_checked', typ === undefined ? 'no "typ" header and none expected' : `"typ" is ${show(typ)}; none expected`);
}

function checkHash(id: 'at_hash' | 'c_hash', payload: Record<string, unknown>, value: string | undefined, what: string, alg: unknown, crv: string | undefined): VerificationCheck {
  const claimed = payload[id];
  if (claimed === undefined) return check(id, 'not_checked', `no "${id}" claim`);
  if (typeof claimed !== 'string') return check(id, 'failed', `"${id}" must be a string, got ${show(claimed)}`);
  if (value === undefined) return check(id, 'not_checked', `"${id}" is present but no ${what} was given to compare with`);
  if (typeof alg !== 'string') return check(id, 'not_checked', 'no "alg" to choose the hash with');
  const computed = oidcHash(value, alg, crv);
  if (computed === undefined) return check(id, 'not_checked', `no hash is defined for "alg": ${show(alg)}${crv ? ` with ${crv}` : ''}`);
  return computed === claimed
    ? check(id, 'passed', `"${id}" matches the ${what}`)
    : check(id, 'failed', `"${id}" is ${show(claimed)} but the ${what} hashes to ${show(computed)}: the ID token was not issued with this ${what}`);
}

export function checkAtHash(header: Record<string, unknown>, payload: Record<string, unknown>, e: ClaimExpectations, crv?: string): VerificationCheck {
  return checkHash('at_hash', payload, e.issuedAccessToken, 'access token', header.alg, crv);
}

export function checkCHash(header: Record<string, unknown>, payload: Record<string, unknown>, e: ClaimExpectations, crv?: string): VerificationCheck {
  return checkHash('c_hash', payload, e.authorizationCode, 'authorization code', header.alg, crv);
}

/** OIDC Core §3.1.3.7 item 13 (max_age) and §2 (auth_time REQUIRED when max_age was sent or require_auth_time is registered). */
export function checkAuthTime(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const authTime = numericDate(payload, 'auth_time');
  // Judged as of the token's arrival: a token from history is not "too old" for having been kept.
  const now = (e.receivedAt ?? e.now).getTime() / 1000;
  const why = e.maxAge !== undefined ? `max_age=${e.maxAge} was sent` : 'the client is registered with require_auth_time';
  if (typeof authTime === 'string') return check('auth_time', 'failed', authTime);
  if (authTime === undefined) return check('auth_time', 'failed', `no "auth_time" claim, but ${why}: the ID token must say when the user authenticated (OIDC Core §2)`);
  const age = now - authTime;
  // No max_age (only require_auth_time): an infinite one, which no finite age exceeds.
  const maxAge = e.maxAge ?? Number.POSITIVE_INFINITY;
  if (-age > e.clockSkewSeconds) return check('auth_time', 'failed', `"auth_time" is ${durationText(authTime - now)} in the future (${new Date(authTime * 1000).toISOString()}), beyond the ${e.clockSkewSeconds} s clock skew`);
  if (age > maxAge + e.clockSkewSeconds)
    return check(
      'auth_time',
      'failed',
      `the user authenticated ${durationText(age)} ago (auth_time ${show(payload.auth_time)} = ${new Date(authTime * 1000).toISOString()}), longer than max_age=${maxAge} s allows: the server did not re-authenticate (OIDC Core §3.1.3.7 item 13)`,
    );
  return check('auth_time', 'passed', `the user authenticated ${durationText(Math.max(0, age))} ago${e.maxAge !== undefined ? `, within max_age=${e.maxAge} s` : ''}`);
}

/** OIDC Core §3.1.3.7 item 12 and §5.5.1.1: an essential acr request must be met; a voluntary one (acr_values) is reported. */
export function checkAcr(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck {
  const req = e.acr as AcrRequest;
  const acr = payload.acr;
  const wanted = req.values.map((v) => show(v)).join(', ');
  if (acr !== undefined && typeof acr !== 'string') return check('acr', 'failed', `"acr" must be a string, got ${show(acr)}`);
  if (acr === undefined) {
    return req.essential
      ? check('acr', 'failed', `no "acr" claim, but acr was requested as essential${wanted ? ` (one of ${wanted})` : ''}`)
      : check('acr', 'not_checked', `no "acr" claim; acr_values ${wanted} were requested as voluntary, so the server may ignore them`);
  }
  if (req.values.length === 0 || req.values.includes(acr)) return check('acr', 'passed', `"acr" is ${show(acr)}${req.values.length ? ', one of those requested' : ''}`);
  return req.essential
    ? check('acr', 'failed', `"acr" is ${show(acr)}, not one of the essential ${wanted} requested: the user did not authenticate as required`)
    : check('acr', 'not_checked', `"acr" is ${show(acr)}, not one of the voluntary acr_values ${wanted}; the server may choose another (make it essential with the claims parameter to require it)`);
}

/** The auth_time and acr checks the authorization request asked for (none when it asked for neither). */
export function requestedAuthenticationChecks(payload: Record<string, unknown>, e: ClaimExpectations): VerificationCheck[] {
  if (e.authenticationRequestUnknown) {
    const unknown = 'what the authorization request asked is not known for this token (its run recorded no max_age, require_auth_time or acr request)';
    return [
      check('auth_time', 'not_checked', payload.auth_time === undefined ? `no "auth_time" claim; ${unknown}` : `"auth_time" is ${show(payload.auth_time)}; ${unknown}`),
      check('acr', 'not_checked', payload.acr === undefined ? `no "acr" claim; ${unknown}` : `"acr" is ${show(payload.acr)}; ${unknown}`),
    ];
  }
  const out: VerificationCheck[] = [];
  if (e.maxAge !== undefined || e.requireAuthTime) out.push(checkAuthTime(payload, e));
  if (e.acr) out.push(checkAcr(payload, e));
  return out;
}

/** All claim checks, in the order the report shows them. */
export function claimChecks(header: Record<string, unknown>, payload: Record<string, unknown>, e: ClaimExpectations, crv?: string): VerificationCheck[] {
  // azp, nonce, at_hash and c_hash are ID token claims (OIDC Core §2, §3.1.3.6): a JWT access token is not judged by them.
  const idTokenOnly = e.accessToken && !e.idToken;
  return [
    checkTyp(header, e),
    checkIss(payload, e),
    checkAud(payload, e),
    ...(idTokenOnly ? [] : [checkAzp(payload, e)]),
    checkExp(payload, e),
    checkNbf(payload, e),
    checkIat(payload, e),
    checkSub(payload, e),
    ...(idTokenOnly ? [] : [checkNonce(payload, e), checkAtHash(header, payload, e, crv), checkCHash(header, payload, e, crv)]),
    ...(e.idToken ? requestedAuthenticationChecks(payload, e) : []),
  ];
}
