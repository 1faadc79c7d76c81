import * as z from 'zod/mini';
import { WorkbenchError } from './errors';

/**
 * Interop settings (issue 13 §1): where real authorization servers differ
 * from the letter of the RFCs or from each other, a setting with a sane
 * default instead of a guess. Pure, shared by the profile schema, the
 * engine and the UI.
 */

/** Which `kid` goes in a signed JWT's header: the key's own (its keystore kid, or a key file's JWK kid), its RFC 7638 thumbprint, a custom value, or none. */
export const KID_MODES = ['key', 'thumbprint', 'custom', 'none'] as const;
export type KidMode = (typeof KID_MODES)[number];

/** How client_secret_basic encodes id and secret before base64: form-urlencoded (RFC 6749 §2.3.1) or as they are. */
export const BASIC_ENCODINGS = ['form', 'raw'] as const;
export type BasicEncoding = (typeof BASIC_ENCODINGS)[number];

export const InteropSchema = z.strictObject({
  /** `kid` in the header of client assertions and JWT bearer assertions signed with a key pair. */
  kid: z._default(z.enum(KID_MODES), 'key'),
  /** The value for kid "custom". */
  customKid: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  /** Certificate headers from the signing key's certificate (x5t is SHA-1, x5t#S256 SHA-256, x5c the chain). */
  x5t: z._default(z.boolean(), false),
  x5tS256: z._default(z.boolean(), false),
  x5c: z._default(z.boolean(), false),
  basicEncoding: z._default(z.enum(BASIC_ENCODINGS), 'form'),
  /** The client is registered with require_auth_time: every ID token must carry auth_time. */
  requireAuthTime: z._default(z.boolean(), false),
});
export type InteropSettings = z.infer<typeof InteropSchema>;
export const DEFAULT_INTEROP: InteropSettings = { kid: 'key', x5t: false, x5tS256: false, x5c: false, basicEncoding: 'form', requireAuthTime: false };

/**
 * Parameters of the authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1, OAuth 2.0 Form Post / Multiple
 * Response Types). Sent to the token endpoint they do nothing, silently: `prompt=consent` there gets no refresh token.
 */
export const AUTHORIZATION_REQUEST_PARAMS = ['prompt', 'max_age', 'acr_values', 'login_hint', 'ui_locales', 'claims', 'nonce', 'display', 'id_token_hint', 'response_mode'] as const;

/** Why a token-request parameter belongs elsewhere, or undefined when it may go to the token endpoint. */
export function misplacedTokenParam(name: string): string | undefined {
  if (!(AUTHORIZATION_REQUEST_PARAMS as readonly string[]).includes(name)) return undefined;
  return `"${name}" is an authorization-request parameter and does nothing at the token endpoint; put it in the authorization request parameters (CLI: --auth-param ${name}=…)`;
}

/** What the authorization request asked about the user's authentication, for checking the ID token that answers it. */
export interface AuthenticationRequest {
  maxAge?: number;
  requireAuthTime?: boolean;
  acr?: { values: string[]; essential: boolean };
}

/**
 * Reads max_age, acr_values and the claims parameter's `id_token.acr` from the authorization-request parameters.
 * A max_age that is not a whole number of seconds is an error before anything is sent.
 */
export function authenticationRequest(params: ReadonlyArray<{ name: string; value: string }>, requireAuthTime = false): AuthenticationRequest {
  const out: AuthenticationRequest = {};
  const maxAge = params.find((p) => p.name === 'max_age')?.value.trim();
  if (maxAge !== undefined) {
    if (!/^\d{1,10}$/.test(maxAge)) throw new WorkbenchError('INVALID_INPUT', `authorization parameter max_age must be a whole number of seconds, got "${maxAge}"`);
    out.maxAge = Number(maxAge);
  }
  if (requireAuthTime) out.requireAuthTime = true;
  const acrValues = params.find((p) => p.name === 'acr_values')?.value.split(' ').filter(Boolean) ?? [];
  let essential: { values: string[] } | undefined;
  const claims = params.find((p) => p.name === 'claims')?.value;
  if (claims !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(claims);
    } catch {
      throw new WorkbenchError('INVALID_INPUT', 'authorization parameter claims must be a JSON object (OIDC Core §5.5)');
    }
    const acr = (parsed as { id_token?: { acr?: unknown } } | null)?.id_token?.acr;
    if (acr && typeof acr === 'object' && (acr as { essential?: unknown }).essential === true) {
      const a = acr as { value?: unknown; values?: unknown };
      const values = typeof a.value === 'string' ? [a.value] : Array.isArray(a.values) ? a.values.filter((v): v is string => typeof v === 'string') : [];
      essential = { values };
    }
  }
  if (essential) out.acr = { values: essential.values.length ? essential.values : acrValues, essential: true };
  else if (acrValues.length) out.acr = { values: acrValues, essential: false };
  return out;
}
