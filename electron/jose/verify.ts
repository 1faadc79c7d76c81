import { compactVerify, errors, type JSONWebKeySet } from 'jose';
import { WorkbenchError, toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { HMAC_ALGS } from '../../shared/grants';
import { decodeToken, type DecodedJws } from '../../shared/token/decode';
import { ESSENTIAL_CHECKS, type JwksInfo, type VerificationCheck, type VerificationReport, type VerifiedKeyInfo } from '../../shared/token/report';
import { check, claimChecks, DEFAULT_CLOCK_SKEW_SECONDS, type AcrRequest, type ClaimExpectations } from './claim-checks';
import { decryptToken, type DecryptOptions, type DecryptionKeyInput } from './decrypt';
import { JwksCache, parseJwks, sharedJwksCache, type JwksFetcher, type JwksSnapshot } from './jwks';
import { algorithmsForKey, describeFamily, importForAlg, keyFromInput, secretFromInput, type KeyInput, type VerificationKey } from './keys';

export interface VerifyOptions {
  /** Expected `iss`; also where keys are discovered when no other key source is given. */
  issuer?: string;
  /** Key sources — give at most one. Without any, `issuer` discovery is used. */
  jwks?: JSONWebKeySet | string;
  jwksUri?: string;
  key?: KeyInput;
  secret?: string | Uint8Array;
  /** Allowed algorithms; intersected with what the key can verify. */
  algorithms?: string[];
  /** Expected audience; defaults to clientId. */
  audience?: string;
  clientId?: string;
  nonce?: string;
  subject?: string;
  /** Expected `typ` header, compared case-insensitively, "application/" optional. */
  typ?: string;
  /** Default 60. */
  clockSkewSeconds?: number;
  /** Maximum age from `iat`; ID tokens default to one day. */
  maxTokenAgeSeconds?: number;
  /** Apply the ID token rules (OIDC Core §3.1.3.7). */
  idToken?: boolean;
  /** Apply the JWT access token rules (RFC 9068): `exp` required, `at+jwt` recognised. */
  accessToken?: boolean;
  /** The access token / code issued with an ID token, for at_hash / c_hash. */
  issuedAccessToken?: string;
  authorizationCode?: string;
  /** ID tokens: what the authorization request asked about the authentication (max_age, require_auth_time, acr). */
  maxAge?: number;
  requireAuthTime?: boolean;
  acr?: AcrRequest;
  /** A token inspected later whose run did not record those: auth_time and acr are reported "not checked". */
  authenticationRequestUnknown?: boolean;
  /** When the token was received: max_age is measured to it (a token from history); default now. */
  receivedAt?: Date;
  /** `crit` extensions the caller understands and processes itself. */
  understoodCritical?: string[];
  /** Decrypts a JWE first, then verifies the nested JWS. */
  decryptionKey?: DecryptionKeyInput;
  decryptOptions?: DecryptOptions;
  /** How key sets and discovery are fetched (the engine's HTTP client behind a port); needed only for issuer / jwksUri sources. */
  fetcher?: JwksFetcher;
  /** Defaults to the process-wide sharedJwksCache. */
  jwksCache?: JwksCache;
  signal?: AbortSignal;
  now?: Date;
}

export { DEFAULT_CLOCK_SKEW_SECONDS };
export const DEFAULT_ID_TOKEN_MAX_AGE_SECONDS = 86_400;
/** Extensions jose itself processes. */
const JOSE_PROCESSED_CRIT = ['b64'];

/** Where the candidate keys come from, able to refresh itself on an unknown kid. */
interface KeySource {
  keys: VerificationKey[];
  snapshot?: JwksSnapshot;
  refetched: boolean;
  /** Fetches the set again if the cooldown allows; returns whether it did. */
  refresh?: () => Promise<boolean>;
  refreshSkipped?: string;
}

const isHmac = (alg: string) => (HMAC_ALGS as readonly string[]).includes(alg);

function keysOfSnapshot(snapshot: JwksSnapshot): VerificationKey[] {
  const out: VerificationKey[] = [];
  for (const k of snapshot.keys) {
    if (k.problem) continue;
    if (k.jwk.use !== undefined && k.jwk.use !== 'sig') continue;
    if (k.jwk.key_ops !== undefined && !k.jwk.key_ops.includes('verify')) continue;
    const label = `JWKS key #${k.index}${k.kid !== undefined ? ` (kid "${k.kid}")` : ''}`;
    out.push({ ...keyFromInput(k.jwk, label), source: 'jwks' });
  }
  return out;
}

async function resolveKeySource(opts: VerifyOptions, getFetcher: () => JwksFetcher, cache: JwksCache): Promise<KeySource | undefined> {
  const given = (['secret', 'key', 'jwks', 'jwksUri'] as const).filter((k) => opts[k] !== undefined);
  if (given.length > 1) throw new WorkbenchError('INVALID_INPUT', `give one key source, not ${given.join(' and ')}`);
  if (opts.secret !== undefined) return { keys: [secretFromInput(opts.secret)], refetched: false };
  if (opts.key !== undefined) return { keys: [keyFromInput(opts.key)], refetched: false };
  if (opts.jwks !== undefined) {
    let json: unknown = opts.jwks;
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json);
      } catch (err) {
        throw new WorkbenchError('KEY_INVALID', `the JWKS is not JSON: ${(err as Error).message}`);
      }
    }
    const snapshot = await parseJwks(json, '(pasted JWKS)').catch((err: unknown) => {
      throw err instanceof WorkbenchError ? new WorkbenchError('KEY_INVALID', err.message) : err;
    });
    return { keys: keysOfSnapshot(snapshot), snapshot, refetched: false };
  }
  let uri = opts.jwksUri;
  if (uri === undefined && opts.issuer !== undefined) uri = await cache.jwksUriFor(opts.issuer, getFetcher(), opts.signal);
  if (uri === undefined) return undefined;
  const jwksUri = uri;
  const { snapshot } = await cache.get(jwksUri, getFetcher(), opts.signal);
  const source: KeySource = { keys: keysOfSnapshot(snapshot), snapshot, refetched: false };
  source.refresh = async () => {
    if (!cache.canRefetch(jwksUri)) {
      source.refreshSkipped = `not refetched: the set was fetched less than ${Math.round(cache.cooldownMs / 1000)} s ago`;
      return false;
    }
    const again = await cache.refetch(jwksUri, getFetcher(), opts.signal);
    source.snapshot = again.snapshot;
    source.keys = keysOfSnapshot(again.snapshot);
    source.refetched = again.fetched;
    return again.fetched;
  };
  return source;
}

/** Keys that may verify this token: matching kid (when given) and able to do its alg. */
function candidatesFor(keys: VerificationKey[], kid: string | undefined, alg: string): { byKid: VerificationKey[]; usable: VerificationKey[] } {
  const byKid = kid === undefined ? keys : keys.filter((k) => k.kid === kid || k.source !== 'jwks');
  return { byKid, usable: byKid.filter((k) => algorithmsForKey(k).includes(alg)) };
}

function families(keys: VerificationKey[]): string {
  const names = [...new Set(keys.map(describeFamily))];
  return names.length === 1 ? (names[0] as string) : names.join(', ');
}

/** Why `alg` may not be used, or undefined when it may. The allow-list comes from the keys and options, never from the token. */
function algorithmProblem(alg: unknown, keys: VerificationKey[] | undefined, opts: VerifyOptions): string | undefined {
  if (typeof alg !== 'string' || alg === '') return 'the header has no "alg"';
  if (alg.toLowerCase() === 'none') return `"alg": "${alg}" declares an unsecured token with no signature; it is never accepted`;
  if (opts.algorithms && !opts.algorithms.includes(alg)) return `"${alg}" is not among the allowed algorithms (${opts.algorithms.join(', ')})`;
  if (!keys) return undefined;
  if (keys.length === 0) return undefined; // reported by the signature check: no usable key
  const able = keys.filter((k) => algorithmsForKey(k).includes(alg));
  if (able.length > 0) {
    const confused = able.find((k) => k.confusion);
    return confused?.confusion;
  }
  if (isHmac(alg))
    return `"${alg}" is an HMAC algorithm, and ${families(keys)} can never verify it: HMAC needs a shared secret, and using a public key as one is the key-confusion attack (anyone holding the public key could forge tokens)`;
  if (keys.every((k) => k.family === 'oct')) return `a shared secret verifies only ${HMAC_ALGS.join(', ')}, not "${alg}"`;
  const supported = [...new Set(keys.flatMap(algorithmsForKey))];
  return `"${alg}" cannot be verified with ${families(keys)}, which verif${keys.length === 1 ? 'ies' : 'y'} ${supported.join(', ') || 'nothing usable'}`;
}

function critProblem(header: Record<string, unknown>, understood: string[]): string | undefined {
  const crit = header.crit;
  if (crit === undefined) return undefined;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string' && c !== ''))
    return '"crit" must be a non-empty array of extension names (RFC 7515 §4.1.11)';
  const missing = crit.filter((c) => !(c in header));
  if (missing.length) return `"crit" lists ${missing.map((c) => `"${c}"`).join(', ')} but the header does not contain ${missing.length === 1 ? 'it' : 'them'}`;
  const unknown = crit.filter((c) => !understood.includes(c));
  if (unknown.length) return `unknown critical extension${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `"${c}"`).join(', ')}: a recipient that does not understand ${unknown.length === 1 ? 'it' : 'them'} must reject the token`;
  return undefined;
}

function joseReason(err: unknown): string {
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match';
  if (err instanceof errors.JOSEAlgNotAllowed) return `algorithm not allowed: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

interface SignatureOutcome {
  check: VerificationCheck;
  key?: VerifiedKeyInfo;
  crv?: string;
}

/**
 * A kid the set does not know, or no key for this alg, is what key rotation
 * looks like: ask the server once more (the cache enforces the cooldown).
 * Returns the note for the report when the set was refetched.
 */
async function refreshOnUnknownKey(source: KeySource, kid: string | undefined, alg: unknown): Promise<string> {
  // HMAC keys never come from a published set, and "none" needs no key: neither is worth a request.
  if (!source.refresh || typeof alg !== 'string' || alg.toLowerCase() === 'none' || isHmac(alg)) return '';
  const { byKid, usable } = candidatesFor(source.keys, kid, alg);
  if (byKid.length > 0 && usable.length > 0) return '';
  const did = await source.refresh();
  return did ? ` after refetching the JWKS, which ${kid !== undefined ? `did not know kid "${kid}"` : 'had no usable key'} (key rotation)` : '';
}

async function verifySignature(decoded: DecodedJws, alg: string, source: KeySource, note: string, critNames: string[]): Promise<SignatureOutcome> {
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  const { byKid, usable } = candidatesFor(source.keys, kid, alg);
  if (byKid.length === 0) {
    const unusable = kid !== undefined ? source.snapshot?.keys.find((k) => k.kid === kid && k.problem) : undefined;
    if (unusable) return { check: check('signature', 'failed', `JWKS key #${unusable.index} (kid "${kid}") is unusable: ${unusable.problem}`) };
    const tail = source.refetched ? ' even after refetching it' : source.refreshSkipped ? ` (${source.refreshSkipped})` : '';
    if (kid !== undefined) return { check: check('signature', 'failed', `no key with kid "${kid}" in the JWKS${tail}`) };
    return { check: check('signature', 'failed', `the key set holds no usable key${tail}`) };
  }
  if (usable.length === 0) return { check: check('signature', 'not_checked', `no key able to verify "${alg}"`) };

  const crit = Object.fromEntries(critNames.filter((c) => !JOSE_PROCESSED_CRIT.includes(c)).map((c) => [c, false]));
  const failures: string[] = [];
  for (const key of usable) {
    try {
      const material = await importForAlg(key, alg);
      await compactVerify(decoded.token, material, { algorithms: [alg], ...(Object.keys(crit).length ? { crit } : {}) });
      const severalTried = kid === undefined && usable.length > 1;
      const reason = severalTried
        ? `the header has no kid; tried ${usable.length} keys of the set and ${key.label} verified the ${alg} signature${failures.length ? ` (${failures.length} did not)` : ''}${note}`
        : `verified with ${key.label} (${alg})${kid === undefined && key.source === 'jwks' ? '; the header has no kid and the set has one usable key' : ''}${note}`;
      return {
        check: check('signature', 'passed', reason),
        key: { label: key.label, source: key.source, alg, ...(key.kid !== undefined ? { kid: key.kid } : {}) },
        ...(key.jwk?.crv ? { crv: key.jwk.crv } : {}),
      };
    } catch (err) {
      failures.push(`${key.label}: ${joseReason(err)}`);
    }
  }
  if (usable.length === 1) return { check: check('signature', 'failed', `${failures[0]}${note}`) };
  return { check: check('signature', 'failed', `${kid === undefined ? 'the header has no kid; ' : ''}none of the ${usable.length} candidate keys verified it — ${failures.join('; ')}${note}`) };
}

function jwksInfo(source: KeySource | undefined): JwksInfo | undefined {
  const s = source?.snapshot;
  if (!s) return undefined;
  return {
    source: s.source,
    keyCount: s.keys.length,
    refetched: source?.refetched ?? false,
    unusableKeys: s.keys.filter((k) => k.problem).map((k) => ({ index: k.index, ...(k.kid !== undefined ? { kid: k.kid } : {}), problem: k.problem as string })),
  };
}

function finish(checks: VerificationCheck[], extra: Partial<VerificationReport> & { warnings: string[] }): VerificationReport {
  const failed = checks.filter((c) => c.status === 'failed');
  const signature = checks.find((c) => c.id === 'signature');
  const ok = !extra.inputError && failed.length === 0 && signature?.status === 'passed';
  const unverified = checks.filter((c) => c.status === 'not_checked' && ESSENTIAL_CHECKS.includes(c.id)).map((c) => c.id);
  const summary = extra.inputError
    ? `cannot verify: ${extra.inputError.message}`
    : ok
      ? unverified.length
        ? `signature valid and no check failed, but not checked: ${unverified.join(', ')}`
        : 'valid: every applicable check passed'
      : failed.length
        ? `invalid: ${failed.map((c) => c.id).join(', ')} failed`
        : `not verified: the signature was not checked (${signature?.reason ?? 'no key'})`;
  return { ok, summary, checks, ...extra, ...(unverified.length ? { unverified } : {}) };
}

function unusable(error: ErrorInfo, checks: VerificationCheck[], warnings: string[], extra: Partial<VerificationReport> = {}): VerificationReport {
  return finish(checks, { ...extra, inputError: error, warnings });
}

/**
 * Verifies a JWT check by check. Never throws: a malformed token, an unusable
 * key or an unreachable JWKS come back as `inputError`, every check with
 * its own status and reason.
 */
export async function verifyToken(token: string, options: VerifyOptions = {}): Promise<VerificationReport> {
  const getFetcher = () => {
    if (!options.fetcher) throw new WorkbenchError('MISSING_CONFIGURATION', 'fetching a key set needs a network client');
    return options.fetcher;
  };
  try {
    return await verifyUnsafe(token, options, getFetcher);
  } catch (err) {
    return unusable(toErrorInfo(err), [], []);
  }
}

async function verifyUnsafe(token: string, opts: VerifyOptions, getFetcher: () => JwksFetcher): Promise<VerificationReport> {
  const warnings: string[] = [];
  const checks: VerificationCheck[] = [];
  let decoded = decodeToken(token);
  if (!decoded.ok) return unusable(decoded.error, [check('format', 'failed', decoded.error.message)], warnings);
  warnings.push(...decoded.warnings);
  if (decoded.format === 'opaque') {
    const error: ErrorInfo = { code: 'UNSUPPORTED', message: 'an opaque token cannot be verified locally; use introspection' };
    return unusable(error, [check('format', 'not_checked', decoded.hint)], warnings);
  }
  if (decoded.format === 'jwe') {
    if (opts.decryptionKey === undefined) {
      const error: ErrorInfo = { code: 'UNSUPPORTED', message: 'the token is encrypted (JWE): give a decryption key to verify the token inside' };
      return unusable(error, [check('format', 'passed', 'a JWE (5 segments)'), check('decryption', 'not_checked', 'no decryption key given')], warnings, { header: decoded.header });
    }
    let inner;
    try {
      inner = await decryptToken(decoded.token, opts.decryptionKey, opts.decryptOptions);
    } catch (err) {
      const info = toErrorInfo(err);
      return finish([check('format', 'passed', 'a JWE (5 segments)'), check('decryption', 'failed', info.message)], { warnings, header: decoded.header, ...(info.code === 'KEY_INVALID' ? { inputError: info } : {}) });
    }
    if (!inner.nested || inner.nested.format !== 'jws') {
      const error: ErrorInfo = { code: 'TOKEN_MALFORMED', message: 'the decrypted content is not a signed JWT (nested JWS)' };
      return unusable(error, [check('format', 'passed', 'a JWE (5 segments)'), check('decryption', 'passed', `decrypted ${inner.plaintextBytes} bytes`)], warnings);
    }
    checks.push(check('decryption', 'passed', `decrypted with ${String(decoded.header.alg)} / ${String(decoded.header.enc)}; verifying the nested JWS`));
    decoded = inner.nested;
    warnings.push(...decoded.warnings.map((w) => `nested: ${w}`));
  }
  const jws = decoded as DecodedJws;
  const header = jws.header;
  const payload = jws.payload;
  checks.unshift(check('format', 'passed', `a JWS (3 segments, ${jws.size} bytes)`));
  for (const h of ['jwk', 'jku', 'x5u', 'x5c'] as const)
    if (header[h] !== undefined) warnings.push(`the header carries "${h}"; ignored — keys come only from the configured source`);

  const idToken = opts.idToken ?? false;
  const expectations: ClaimExpectations = {
    issuer: opts.issuer,
    audience: opts.audience,
    clientId: opts.clientId,
    nonce: opts.nonce,
    subject: opts.subject,
    typ: opts.typ,
    clockSkewSeconds: opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    maxTokenAgeSeconds: opts.maxTokenAgeSeconds ?? (idToken ? DEFAULT_ID_TOKEN_MAX_AGE_SECONDS : undefined),
    idToken,
    accessToken: opts.accessToken ?? false,
    issuedAccessToken: opts.issuedAccessToken,
    authorizationCode: opts.authorizationCode,
    ...(opts.maxAge !== undefined ? { maxAge: opts.maxAge } : {}),
    ...(opts.requireAuthTime ? { requireAuthTime: true } : {}),
    ...(opts.acr ? { acr: opts.acr } : {}),
    ...(opts.authenticationRequestUnknown ? { authenticationRequestUnknown: true } : {}),
    ...(opts.receivedAt ? { receivedAt: opts.receivedAt } : {}),
    now: opts.now ?? new Date(),
  };

  // Keys first: the algorithm allow-list is derived from them.
  let source: KeySource | undefined;
  let keyError: ErrorInfo | undefined;
  const cache = opts.jwksCache ?? sharedJwksCache;
  try {
    source = await resolveKeySource(opts, getFetcher, cache);
  } catch (err) {
    keyError = toErrorInfo(err);
  }

  const alg = header.alg;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  let rotationNote = '';
  if (source) {
    try {
      rotationNote = await refreshOnUnknownKey(source, kid, alg);
    } catch (err) {
      keyError = toErrorInfo(err);
    }
  }
  // With a kid, the allow-list comes from the key it names; an unknown kid is the signature check's business.
  const keysForAlg = source && !keyError ? candidatesFor(source.keys, kid, typeof alg === 'string' ? alg : '').byKid : undefined;
  const algProblem = algorithmProblem(alg, keysForAlg, opts);
  checks.push(
    algProblem
      ? check('alg', 'failed', algProblem)
      : keysForAlg && keysForAlg.length > 0
        ? check('alg', 'passed', `"${String(alg)}" is allowed for ${families(keysForAlg)}${opts.algorithms ? ' and by the allowed list' : ''}`)
        : check('alg', 'not_checked', keysForAlg ? `"${String(alg)}": no key${kid !== undefined ? ` with kid "${kid}"` : ''} to check it against` : `"${String(alg)}": no key given to check it against`),
  );

  const critNames = Array.isArray(header.crit) ? header.crit.filter((c): c is string => typeof c === 'string') : [];
  const critIssue = critProblem(header, [...JOSE_PROCESSED_CRIT, ...(opts.understoodCritical ?? [])]);
  const critCheck = critIssue ? check('crit', 'failed', critIssue) : check('crit', 'passed', critNames.length ? `understood: ${critNames.join(', ')}` : 'no critical extensions');

  let outcome: SignatureOutcome;
  if (keyError) outcome = { check: check('signature', 'not_checked', `no usable key: ${keyError.message}`) };
  else if (!source) outcome = { check: check('signature', 'not_checked', 'no key given: pass an issuer, a JWKS, a key or a shared secret') };
  else if (algProblem) outcome = { check: check('signature', 'not_checked', 'not attempted: the algorithm is not allowed') };
  else outcome = await verifySignature(jws, alg as string, source, rotationNote, critNames);
  checks.push(outcome.check, critCheck);
  checks.push(...claimChecks(header, payload, expectations, outcome.key ? outcome.crv : undefined));

  const extra: Partial<VerificationReport> & { warnings: string[] } = {
    warnings: [...warnings, ...(source?.snapshot?.warnings ?? [])],
    header,
    payload,
    ...(outcome.key ? { key: outcome.key } : {}),
    ...(jwksInfo(source) ? { jwks: jwksInfo(source) } : {}),
    ...(keyError ? { inputError: keyError } : {}),
  };
  return finish(checks, extra);
}

/** True when a token is a JWS worth verifying (JWT access tokens); opaque ones are not. */
export function isJwt(token: string): boolean {
  const d = decodeToken(token);
  return d.ok && d.format === 'jws';
}
