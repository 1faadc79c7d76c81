/**
 * One-line explanations of registered JWT / OIDC claims and JOSE header
 * parameters, for the inspector's tooltips, and the time helpers that turn
 * NumericDate claims into something a person can read.
 */

export const CLAIM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  // RFC 7519 §4.1
  iss: 'Issuer: who created and signed the token',
  sub: 'Subject: the user or client the token is about',
  aud: 'Audience: who the token is meant for; a recipient must find itself here',
  exp: 'Expiration time: the token must not be accepted after this moment',
  nbf: 'Not before: the token must not be accepted before this moment',
  iat: 'Issued at: when the token was created',
  jti: 'JWT ID: a unique identifier, used to detect replay',
  // OpenID Connect Core §2, §5.1
  auth_time: 'Authentication time: when the user last actively authenticated',
  nonce: 'Nonce: the value the client sent in the authorization request, echoed back to bind the ID token to that request',
  acr: 'Authentication context class reference: how strongly the user was authenticated',
  amr: 'Authentication methods references: how the user authenticated (e.g. pwd, otp, mfa)',
  azp: 'Authorized party: the client the ID token was issued to, needed when there are several audiences',
  at_hash: 'Access token hash: left half of the hash of the access token issued alongside, binding the two',
  c_hash: 'Code hash: left half of the hash of the authorization code issued alongside',
  s_hash: 'State hash: left half of the hash of the state value (FAPI)',
  sid: 'Session ID: the session at the provider, used for logout',
  name: 'Full name of the user',
  given_name: 'Given (first) name',
  family_name: 'Surname (last name)',
  middle_name: 'Middle name',
  nickname: 'Casual name',
  preferred_username: 'The name the user prefers to be shown as; not unique, not stable',
  profile: 'URL of the user’s profile page',
  picture: 'URL of the user’s picture',
  website: 'URL of the user’s web page or blog',
  email: 'E-mail address',
  email_verified: 'Whether the provider verified the e-mail address',
  gender: 'Gender',
  birthdate: 'Birthday (YYYY-MM-DD or YYYY)',
  zoneinfo: 'Time zone (e.g. Europe/Paris)',
  locale: 'Locale (e.g. en-US)',
  phone_number: 'Phone number',
  phone_number_verified: 'Whether the provider verified the phone number',
  address: 'Postal address (JSON object)',
  updated_at: 'When the user’s information was last updated',
  // RFC 8693 §4, RFC 9068 §2.2, RFC 7800, RFC 8705
  act: 'Actor: who is acting on behalf of the subject (token exchange delegation)',
  may_act: 'Who may act on behalf of the subject',
  scope: 'Scopes granted to the token, space-separated',
  scp: 'Scopes granted to the token (non-standard array form)',
  client_id: 'The client the token was issued to',
  cnf: 'Confirmation: the key the token is bound to (DPoP jkt, mTLS x5t#S256)',
  roles: 'Roles of the subject (RFC 9068 / SCIM)',
  groups: 'Groups the subject belongs to',
  entitlements: 'Entitlements of the subject',
  events: 'Security event (e.g. back-channel logout event)',
  typ: 'Token type claim (some servers put it in the payload)',
  tid: 'Tenant ID (Microsoft Entra ID)',
  oid: 'Object ID of the user (Microsoft Entra ID)',
};

export const HEADER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  alg: 'Algorithm used to sign (JWS) or to encrypt the content key (JWE)',
  enc: 'Content encryption algorithm (JWE)',
  typ: 'Media type of the token (JWT, at+jwt, logout+jwt, …)',
  cty: 'Content type: "JWT" when the payload is itself a nested JWT',
  kid: 'Key ID: which key of the issuer’s key set to use',
  crit: 'Extensions the recipient must understand, or reject the token',
  jku: 'URL of a key set; never trusted without checking it is the issuer’s',
  jwk: 'An embedded public key; never trusted to verify the token that carries it',
  x5u: 'URL of an X.509 certificate chain',
  x5c: 'X.509 certificate chain of the signing key',
  x5t: 'SHA-1 thumbprint of the signing certificate',
  'x5t#S256': 'SHA-256 thumbprint of the signing certificate',
  zip: 'Compression applied before encryption (DEF)',
  epk: 'Ephemeral public key of the sender (ECDH-ES)',
  apu: 'Agreement PartyUInfo (ECDH-ES)',
  apv: 'Agreement PartyVInfo (ECDH-ES)',
  iv: 'Initialization vector of the key wrapping (A*GCMKW)',
  tag: 'Authentication tag of the key wrapping (A*GCMKW)',
  p2s: 'PBES2 salt input',
  p2c: 'PBES2 iteration count',
  b64: 'Whether the payload is base64url-encoded (RFC 7797)',
};

export function describeClaim(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(CLAIM_DESCRIPTIONS, name) ? CLAIM_DESCRIPTIONS[name] : undefined;
}

export function describeHeader(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(HEADER_DESCRIPTIONS, name) ? HEADER_DESCRIPTIONS[name] : undefined;
}

/** Claims holding a NumericDate (seconds since the epoch). */
export const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time', 'updated_at'] as const;
export type TimeClaim = (typeof TIME_CLAIMS)[number];

export interface TimeClaimInfo {
  claim: string;
  /** The value as it appears in the token. */
  value: number;
  /** UTC, e.g. 2024-05-01T12:00:00.000Z. */
  iso: string;
  /** Local wall time with its offset, e.g. 2024-05-01 14:00:00 +02:00. */
  local: string;
  /** E.g. "in 59 minutes", "3 days ago". */
  relative: string;
}

// Beyond ±8.64e15 ms JavaScript dates are invalid; a claim out there is garbage, not a date.
const MAX_SECONDS = 8.64e12;

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_SECONDS;
}

export function numericDateInfo(claim: string, value: number, now: Date = new Date()): TimeClaimInfo | undefined {
  if (!isNumericDate(value)) return undefined;
  const date = new Date(value * 1000);
  return { claim, value, iso: date.toISOString(), local: localDateTime(date), relative: relativeTime(value - now.getTime() / 1000) };
}

/** Time claims present in a payload with readable forms, in the order of TIME_CLAIMS. */
export function timeClaims(payload: Record<string, unknown>, now: Date = new Date()): TimeClaimInfo[] {
  const out: TimeClaimInfo[] = [];
  for (const claim of TIME_CLAIMS) {
    const v = payload[claim];
    if (typeof v !== 'number') continue;
    const info = numericDateInfo(claim, v, now);
    if (info) out.push(info);
  }
  return out;
}

const pad = (n: number, width = 2) => String(Math.abs(Math.trunc(n))).padStart(width, '0');

export function localDateTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const year = date.getFullYear();
  const yearText = year < 0 ? `-${pad(year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

const UNITS: Array<[string, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "in 5 minutes" / "5 minutes ago" / "now" for a difference in seconds (positive = future). */
export function relativeTime(deltaSeconds: number): string {
  if (!Number.isFinite(deltaSeconds)) return 'never';
  const abs = Math.abs(deltaSeconds);
  if (abs < 1) return 'now';
  const [unit, size] = UNITS.find(([, s]) => abs >= s) ?? ['second', 1];
  const n = Math.floor(abs / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return deltaSeconds > 0 ? `in ${text}` : `${text} ago`;
}

/** "1 hour 5 minutes" for a duration in seconds; used in verification reasons. */
export function durationText(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  if (abs < 60) return `${abs} second${abs === 1 ? '' : 's'}`;
  const parts: string[] = [];
  let rest = abs;
  for (const [unit, size] of UNITS.slice(2, 5)) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
