import { base64url } from 'jose';
import type { ErrorInfo } from '../errors';
import { timeClaims, type TimeClaimInfo } from './claims';

/**
 * Pure decoding of compact JOSE tokens (JWS, JWE) and recognition of opaque
 * tokens. Nothing here verifies anything: it shows what a token says.
 * It never throws for bad input; the result carries a precise error instead,
 * so the renderer can decode on every keystroke.
 */

/** Beyond this a pasted "token" is a mistake (a log file, a HAR); refusing keeps the UI responsive. */
export const MAX_TOKEN_LENGTH = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

interface DecodedBase {
  /** The input as decoded, surrounding whitespace and a "Bearer " prefix removed. */
  token: string;
  /** Size in bytes (UTF-8). */
  size: number;
  /** Things worth knowing that do not prevent decoding (e.g. "no signature"). */
  warnings: string[];
}

export interface DecodedJws extends DecodedBase {
  ok: true;
  format: 'jws';
  header: JsonObject;
  payload: JsonObject;
  /** The signature segment as sent (base64url). */
  signature: string;
  signatureBytes: number;
  /** iat, nbf, exp, auth_time… as ISO, local and relative time. */
  times: TimeClaimInfo[];
  segments: { header: string; payload: string; signature: string };
}

export interface DecodedJwe extends DecodedBase {
  ok: true;
  format: 'jwe';
  header: JsonObject;
  /** Byte lengths of the binary parts; their content is ciphertext. */
  parts: { encryptedKey: number; iv: number; ciphertext: number; tag: number };
  /** True when the header says the plaintext is a nested JWT (cty: JWT). */
  nestedJwt: boolean;
  segments: { header: string; encryptedKey: string; iv: string; ciphertext: string; tag: string };
}

export interface DecodedOpaque extends DecodedBase {
  ok: true;
  format: 'opaque';
  /** What to do with it instead. */
  hint: string;
}

export interface DecodeFailure {
  ok: false;
  error: ErrorInfo & { code: 'TOKEN_MALFORMED' | 'INVALID_INPUT' };
  /** Size in bytes when it could be measured cheaply. */
  size: number;
}

export type DecodedToken = DecodedJws | DecodedJwe | DecodedOpaque | DecodeFailure;

const B64URL = /^[A-Za-z0-9_-]*$/;

class DecodeError {
  constructor(
    readonly message: string,
    readonly details?: Record<string, unknown>,
  ) {}
}

function fail(message: string, size: number, details?: Record<string, unknown>): DecodeFailure {
  return { ok: false, error: { code: 'TOKEN_MALFORMED', message, ...(details ? { details } : {}) }, size };
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Strict base64url: the alphabet only, no padding, no impossible length. */
function decodeSegment(segment: string, what: string): Uint8Array {
  if (!B64URL.test(segment)) {
    const bad = [...segment].findIndex((c) => !/[A-Za-z0-9_-]/.test(c));
    const ch = segment[bad] ?? '';
    const why =
      ch === '+' || ch === '/' || ch === '='
        ? `"${ch}" is standard base64${ch === '=' ? ' padding' : ''}, not base64url (JOSE uses "-" and "_" and no padding)`
        : /\s/.test(ch)
          ? 'whitespace inside the token (was it wrapped or copied with a line break?)'
          : `character ${JSON.stringify(ch)} is not allowed in base64url`;
    throw new DecodeError(`the ${what} segment is not base64url: ${why} at position ${bad}`, { segment: what, position: bad });
  }
  if (segment.length % 4 === 1) throw new DecodeError(`the ${what} segment has an impossible base64url length (${segment.length})`, { segment: what });
  try {
    return base64url.decode(segment);
  } catch {
    throw new DecodeError(`the ${what} segment is not valid base64url`, { segment: what });
  }
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(`the ${what} is not valid UTF-8 text`, { segment: what });
  }
}

function jsonObject(text: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`the ${what} is not JSON: ${(err as Error).message}`, { segment: what });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new DecodeError(`the ${what} is JSON but not an object (it is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`})`, {
      segment: what,
    });
  return value as JsonObject;
}

function decodeJsonSegment(segment: string, what: string): JsonObject {
  if (segment === '') throw new DecodeError(`the ${what} segment is empty`, { segment: what });
  return jsonObject(utf8(decodeSegment(segment, what), what), what);
}

/** Removes what people paste around a token: whitespace, quotes, an Authorization scheme. */
function clean(input: string, warnings: string[]): string {
  let t = input.trim();
  const scheme = /^(bearer|dpop)\s+/i.exec(t);
  if (scheme) {
    warnings.push(`removed the "${scheme[1]}" prefix`);
    t = t.slice(scheme[0].length).trim();
  }
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    warnings.push('removed the surrounding quotes');
    t = t.slice(1, -1).trim();
  }
  return t;
}

/** Does the first segment look like a JOSE header? Decides "malformed JWT" vs "opaque token". */
function looksLikeJoseHeader(segment: string): boolean {
  try {
    const h = jsonObject(utf8(decodeSegment(segment, 'header'), 'header'), 'header');
    return typeof h.alg === 'string' || typeof h.enc === 'string';
  } catch {
    return false;
  }
}

function decodeJws(token: string, segments: string[], base: DecodedBase): DecodedJws {
  const [h, p, s] = segments as [string, string, string];
  const header = decodeJsonSegment(h, 'header');
  const payload = decodeJsonSegment(p, 'payload');
  const alg = header.alg;
  const warnings = base.warnings;
  if (typeof alg !== 'string' || alg === '') warnings.push('the header has no "alg": no recipient can verify this token');
  else if (alg.toLowerCase() === 'none') warnings.push(`"alg": "${alg}" — an unsecured token: anyone can have written it`);
  if (header.enc !== undefined) warnings.push('the header has "enc", which belongs to a JWE, yet the token has 3 segments');
  let signatureBytes = 0;
  if (s === '') {
    if (typeof alg === 'string' && alg.toLowerCase() !== 'none') warnings.push(`the signature segment is empty although "alg" is ${alg}`);
  } else {
    signatureBytes = decodeSegment(s, 'signature').length;
  }
  if (header.b64 === false) warnings.push('"b64": false (RFC 7797) — the payload would not be base64url-encoded');
  return {
    ok: true,
    format: 'jws',
    token,
    size: base.size,
    warnings,
    header,
    payload,
    signature: s,
    signatureBytes,
    times: timeClaims(payload),
    segments: { header: h, payload: p, signature: s },
  };
}

function decodeJwe(token: string, segments: string[], base: DecodedBase): DecodedJwe {
  const [h, k, iv, c, t] = segments as [string, string, string, string, string];
  const header = decodeJsonSegment(h, 'header');
  const warnings = base.warnings;
  if (typeof header.alg !== 'string' || header.alg === '') throw new DecodeError('the JWE header has no "alg" (key management algorithm)', { segment: 'header' });
  if (typeof header.enc !== 'string' || header.enc === '') throw new DecodeError('the JWE header has no "enc" (content encryption algorithm)', { segment: 'header' });
  const sizes = {
    encryptedKey: decodeSegment(k, 'encrypted key').length,
    iv: decodeSegment(iv, 'initialization vector').length,
    ciphertext: decodeSegment(c, 'ciphertext').length,
    tag: decodeSegment(t, 'authentication tag').length,
  };
  if (sizes.iv === 0) throw new DecodeError('the initialization vector segment is empty', { segment: 'initialization vector' });
  if (sizes.tag === 0) throw new DecodeError('the authentication tag segment is empty', { segment: 'authentication tag' });
  if (sizes.ciphertext === 0) warnings.push('the ciphertext is empty');
  const direct = header.alg === 'dir' || header.alg === 'ECDH-ES';
  if (direct && sizes.encryptedKey !== 0) warnings.push(`"alg": "${header.alg}" uses no encrypted key, yet that segment is not empty`);
  if (!direct && sizes.encryptedKey === 0) throw new DecodeError(`the encrypted key segment is empty, but "alg": "${String(header.alg)}" needs one`, { segment: 'encrypted key' });
  const cty = typeof header.cty === 'string' ? header.cty.toUpperCase() : '';
  return {
    ok: true,
    format: 'jwe',
    token,
    size: base.size,
    warnings,
    header,
    parts: sizes,
    nestedJwt: cty === 'JWT' || cty === 'APPLICATION/JWT',
    segments: { header: h, encryptedKey: k, iv, ciphertext: c, tag: t },
  };
}

/**
 * Decodes a compact JWS (3 segments) or JWE (5 segments), or recognises an
 * opaque token. Never throws: malformed input yields `{ ok: false, error }`.
 */
export function decodeToken(input: unknown): DecodedToken {
  try {
    return decodeUnsafe(input);
  } catch (err) {
    // Only a bug can get here; keep the promise of never throwing, and say so.
    return { ok: false, error: { code: 'TOKEN_MALFORMED', message: `cannot decode: ${err instanceof Error ? err.message : String(err)}` }, size: 0 };
  }
}

function decodeUnsafe(input: unknown): DecodedToken {
  if (typeof input !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: `expected a token as text, got ${input === null ? 'null' : typeof input}` }, size: 0 };
  // Length is checked before anything proportional to it runs.
  if (input.length > MAX_TOKEN_LENGTH)
    return fail(`the input is ${(input.length / 1024 / 1024).toFixed(1)} MiB; tokens larger than ${MAX_TOKEN_LENGTH / 1024} KiB are refused — is this really a token?`, input.length, {
      limit: MAX_TOKEN_LENGTH,
    });
  const warnings: string[] = [];
  const token = clean(input, warnings);
  const size = utf8Length(token);
  if (token === '') return fail('the input is empty', 0);
  const ws = token.search(/\s/);
  if (ws >= 0) return fail(`the token contains whitespace at position ${ws} (was it wrapped or copied with a line break?)`, size, { position: ws });
  const segments = token.split('.');
  const base: DecodedBase = { token, size, warnings };
  try {
    if (segments.length === 3) return decodeJws(token, segments, base);
    if (segments.length === 5) return decodeJwe(token, segments, base);
  } catch (err) {
    if (err instanceof DecodeError) return fail(err.message, size, err.details);
    throw err;
  }
  if (segments.length > 1 && (segments[0]?.startsWith('eyJ') || looksLikeJoseHeader(segments[0] as string))) {
    return fail(
      `the token has ${segments.length} segments; a signed JWT (JWS) has 3 and an encrypted one (JWE) has 5 — was part of it cut off or pasted twice?`,
      size,
      { segments: segments.length },
    );
  }
  if (segments.length === 1 && looksLikeJoseHeader(token)) {
    return fail('the token has 1 segment that decodes like a JOSE header; a signed JWT (JWS) has 3 segments and an encrypted one (JWE) has 5', size, { segments: 1 });
  }
  if (/[^\x21-\x7e]/.test(token)) {
    const at = token.search(/[^\x21-\x7e]/);
    return fail(`the token contains a non-printable or non-ASCII character at position ${at}; tokens are printable ASCII`, size, { position: at });
  }
  return {
    ok: true,
    format: 'opaque',
    token,
    size,
    warnings,
    hint: 'an opaque token: only the server that issued it knows what it means — use introspection (RFC 7662) to ask it',
  };
}

/** Decodes the plaintext of a decrypted JWE when it is itself a token (nested JWT). */
export function decodeNested(plaintext: string): DecodedJws | DecodedJwe | undefined {
  const d = decodeToken(plaintext);
  return d.ok && d.format !== 'opaque' ? d : undefined;
}

export function isJws(d: DecodedToken): d is DecodedJws {
  return d.ok && d.format === 'jws';
}

export function isJwe(d: DecodedToken): d is DecodedJwe {
  return d.ok && d.format === 'jwe';
}
