import * as z from 'zod/mini';

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
});
export type InteropSettings = z.infer<typeof InteropSchema>;
export const DEFAULT_INTEROP: InteropSettings = { kid: 'key', x5t: false, x5tS256: false, x5c: false, basicEncoding: 'form' };

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
