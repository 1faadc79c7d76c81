import * as z from 'zod/mini';
import { AUTH_METHODS, GRANT_TYPES } from './grants';
import { DEFAULT_INTEROP, InteropSchema } from './interop';
import { describeFieldIssues } from './field-labels';
import './zod-messages';

/**
 * A connection profile: one client at one authorization server.
 * It holds no secret: client secrets, passwords and keys are referenced by
 * name and live in the OS keychain / keystore.
 *
 * Written with zod/mini (functions instead of methods, same checks): every CLI start and every
 * profile read builds and runs these schemas, and zod/mini costs about a third of zod there
 * (bench/cli-start).
 */

const httpUrl = z.string().check(
  z.trim(),
  z.refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL'),
);
const text = (max: number) => z.string().check(z.maxLength(max));

/**
 * C0/C1 controls (newlines, tabs, ESC of terminal escape sequences), line and
 * paragraph separators, and bidirectional overrides that reorder what a
 * reader sees. Names are printed by `profiles list` and shown in the UI.
 */
export const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** A name as shown to people: trimmed, 1–200 characters, none of them control characters. */
const displayName = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(200),
  z.refine((v) => !UNSAFE_NAME_CHARACTERS.test(v), 'must not contain control characters (newlines, tabs, terminal escapes or direction overrides)'),
);

/** A stored name made safe to print, for names saved before the check existed: controls shown as \u escapes. */
export function printableName(name: string): string {
  return name.replace(new RegExp(UNSAFE_NAME_CHARACTERS.source, 'gu'), (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
const nonEmpty = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const int = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const ParamSchema = z.object({ name: nonEmpty(256), value: text(8192) });
export type Param = z.infer<typeof ParamSchema>;

export const EndpointsSchema = z.strictObject({
  authorization: z.optional(httpUrl),
  token: z.optional(httpUrl),
  device_authorization: z.optional(httpUrl),
  introspection: z.optional(httpUrl),
  revocation: z.optional(httpUrl),
  userinfo: z.optional(httpUrl),
  end_session: z.optional(httpUrl),
  jwks_uri: z.optional(httpUrl),
  // issue 14 (token side): CIBA and dynamic client registration
  backchannel_authentication: z.optional(httpUrl),
  registration: z.optional(httpUrl),
});
export type Endpoints = z.infer<typeof EndpointsSchema>;

export const ClientAuthSchema = z.strictObject({
  method: z.enum(AUTH_METHODS),
  /** Keystore alias of the signing key for private_key_jwt. */
  keyAlias: z.optional(text(200)),
  signingAlg: z.optional(text(20)),
  /** `aud` of client assertions: the token endpoint (default) or the issuer. */
  assertionAudience: z._default(z.enum(['token_endpoint', 'issuer']), 'token_endpoint'),
  /** Assertion lifetime in seconds. */
  assertionLifetime: z._default(int(1, 86_400), 300),
  /** Put the certificate thumbprints in the assertion header (x5t / x5t#S256). */
  x5t: z._default(z.boolean(), false),
  /** Keystore alias whose key and certificate are presented on the TLS connection. */
  tlsKeyAlias: z.optional(text(200)),
});
export type ClientAuthConfig = z.infer<typeof ClientAuthSchema>;

export const NetworkSchema = z.strictObject({
  proxy: z.optional(httpUrl),
  /** Path to a PEM CA bundle added to the trusted roots. */
  caFile: z.optional(text(4096)),
  insecureSkipTlsVerify: z._default(z.boolean(), false),
  timeoutMs: z._default(int(100, 600_000), 30_000),
});

export const RedirectSchema = z.strictObject({
  /** Loopback on a random port (RFC 8252 §7.3), or the exact registered URL. */
  mode: z._default(z.enum(['loopback', 'fixed']), 'loopback'),
  url: z.optional(text(2048)),
  /**
   * Register the URL's private-use scheme with the OS so the desktop app
   * receives the redirect. Off unless the user turns it on: registering
   * claims the scheme for every program on the machine.
   */
  registerScheme: z.optional(z.boolean()),
});

export const ImportedSchema = z.strictObject({
  /** When it was imported. */
  at: text(64),
  /** The file's name, when known (shown next to the review). */
  source: z.optional(text(1024)),
  confirmed: z.boolean(),
  confirmedAt: z.optional(text(64)),
});
export type ImportedInfo = z.infer<typeof ImportedSchema>;

// --- Authorization request features (issue 14: PAR, JAR, JARM, hybrid, OIDC request parameters, FAPI 2.0) ---

export const RESPONSE_TYPES = ['code', 'code id_token', 'id_token token', 'id_token', 'token'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];
/** OAuth 2.0 Multiple Response Types / Form Post, and JARM's JWT modes. */
export const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account', 'create'] as const;

/** OIDC Core §5.5: `{"userinfo": {...}, "id_token": {...}}`, each claim null or {essential, value, values}. */
export const ClaimsRequestSchema = z
  .record(z.string(), z.unknown())
  .check(
    z.refine((claims) => {
      for (const [member, requests] of Object.entries(claims)) {
        if (member !== 'userinfo' && member !== 'id_token') return false;
        if (!requests || typeof requests !== 'object' || Array.isArray(requests)) return false;
        for (const r of Object.values(requests as Record<string, unknown>)) {
          if (r === null) continue;
          if (typeof r !== 'object' || Array.isArray(r)) return false;
          const o = r as Record<string, unknown>;
          if (o.essential !== undefined && typeof o.essential !== 'boolean') return false;
          if (o.values !== undefined && !Array.isArray(o.values)) return false;
        }
      }
      return true;
    }, 'must be {"userinfo": {…}, "id_token": {…}} with each claim null or {"essential": bool, "value": …, "values": […]} (OIDC Core §5.5)'),
  );

export const AuthorizationRequestSchema = z.strictObject({
  /** RFC 9126: 'auto' pushes when the server's metadata (or FAPI 2.0) requires it. */
  par: z._default(z.enum(['auto', 'on', 'off']), 'auto'),
  /** Typed PAR endpoint for servers without discovery. */
  parEndpoint: z.optional(httpUrl),
  /** RFC 9101: send the request as a signed (and optionally encrypted) request object. */
  requestObject: z._default(z.enum(['off', 'signed', 'encrypted']), 'off'),
  /** Keystore alias of the request object key; absent: the client authentication key. */
  requestObjectKeyAlias: z.optional(text(200)),
  requestObjectAlg: z.optional(text(20)),
  requestObjectLifetime: z._default(int(1, 3600), 300),
  /** Put x5t / x5t#S256 of the key's certificate in the request object header. */
  requestObjectX5t: z._default(z.boolean(), false),
  /** A public JWK to encrypt to; absent: the server's encryption key from its JWKS. */
  requestObjectEncryptionKey: z.optional(z.record(z.string(), z.unknown())),
  requestObjectEncryptionAlg: z.optional(text(40)),
  requestObjectEncryptionEnc: z.optional(text(40)),
  /** Absent: `code` (or the implicit grant's `id_token token`). */
  responseType: z.optional(z.enum(RESPONSE_TYPES)),
  responseMode: z.optional(z.enum(RESPONSE_MODES)),
  /** JARM responses encrypted to a keystore key are decrypted with it. */
  jarmDecryptionKeyAlias: z.optional(text(200)),
  /** OIDC Core §3.1.2.1 request parameters. */
  prompt: z.optional(
    text(100).check(z.refine((v) => v.split(' ').every((p) => (PROMPT_VALUES as readonly string[]).includes(p)), `space-separated values among ${PROMPT_VALUES.join(', ')}`)),
  ),
  maxAge: z.optional(int(0, 400 * 86_400)),
  acrValues: z.optional(text(1024)),
  loginHint: z.optional(text(1024)),
  uiLocales: z.optional(text(256)),
  claims: z.optional(ClaimsRequestSchema),
  /** FAPI 2.0 Security Profile: turn on and check PAR, PKCE S256, strong client auth, sender-constrained tokens, RFC 9207 iss. */
  fapi2: z._default(z.boolean(), false),
});
export type AuthorizationRequestConfig = z.infer<typeof AuthorizationRequestSchema>;
export const DEFAULT_AUTHORIZATION_REQUEST: AuthorizationRequestConfig = { par: 'auto', requestObject: 'off', requestObjectLifetime: 300, requestObjectX5t: false, fapi2: false };

// --- issue 14 (token side): DPoP, certificate-bound tokens, RAR, CIBA, dynamic client registration ---

/** DPoP (RFC 9449): tokens bound to a key the client proves it holds on every call. */
export const DpopSchema = z.strictObject({
  enabled: z._default(z.boolean(), false),
  /**
   * Keystore alias of the proof key. Absent: the desktop app generates an ES256 key into the keystore
   * (alias `dpop-<profile id>`) at the first run and keeps using it; the CLI signs with a fresh ES256 key per run.
   */
  keyAlias: z.optional(text(200)),
  /** Proof algorithm (default: the key's). */
  alg: z.optional(text(20)),
  /** Send `dpop_jkt` on the authorization request, binding the code to the key (RFC 9449 §10). */
  bindAuthorizationCode: z._default(z.boolean(), true),
});
export type DpopConfig = z.infer<typeof DpopSchema>;

/** RFC 8705 §3: expect access tokens bound to the client certificate, and call the mTLS endpoint aliases with it. */
export const CertificateBoundTokensSchema = z.strictObject({ enabled: z._default(z.boolean(), false) });

/** One RAR authorization detail (RFC 9396 §2): an object with a string `type`. */
export const AuthorizationDetailSchema = z.looseObject({ type: z.string().check(z.minLength(1), z.maxLength(256)) });
export const AuthorizationDetailsSchema = z.array(AuthorizationDetailSchema).check(z.minLength(1), z.maxLength(50));
export type AuthorizationDetail = z.infer<typeof AuthorizationDetailSchema>;

/** RAR (RFC 9396): sent on the authorization request, and on the token request of client credentials and CIBA. */
export const RarSchema = z.strictObject({ authorizationDetails: AuthorizationDetailsSchema });

/** CIBA (OpenID CIBA Core, poll mode): who to ask, and what the user sees. One of the hints is needed. */
export const CibaSchema = z.strictObject({
  loginHint: z.optional(text(1024)),
  loginHintToken: z.optional(text(16_384)),
  idTokenHint: z.optional(text(16_384)),
  bindingMessage: z.optional(text(256)),
  userCode: z.optional(text(256)),
  /** Seconds the request may wait for the user (`requested_expiry`). */
  requestedExpiry: z.optional(int(1, 86_400)),
});
export type CibaConfig = z.infer<typeof CibaSchema>;

/** Where a dynamically registered client is managed (RFC 7592); its registration access token is a keychain secret. */
export const RegistrationSchema = z.strictObject({
  registrationClientUri: httpUrl,
  registeredAt: z.optional(z.string().check(z.maxLength(64))),
});
/**
 * An API request saved with its profile (issue 12), like a saved request in Postman: called with the
 * profile's last token — the access or the ID token — in the Authorization header or a query parameter.
 */
export const ApiRequestSchema = z.strictObject({
  id: nonEmpty(100),
  name: z.string().check(z.trim(), z.maxLength(200)),
  method: z._default(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']), 'GET'),
  url: text(8192),
  headers: z._default(z.array(ParamSchema).check(z.maxLength(100)), []),
  body: z.optional(text(1024 * 1024)),
  token: z._default(z.enum(['access', 'id']), 'access'),
  placement: z._default(z.enum(['header', 'query']), 'header'),
  /** Query parameter name when placement is 'query' (default access_token). */
  queryParam: z.optional(text(256)),
});
export type ApiRequest = z.infer<typeof ApiRequestSchema>;

export const ConnectionProfileSchema = z.strictObject({
  id: nonEmpty(100),
  name: displayName,
  groupId: z.optional(text(100)),
  issuer: z.optional(httpUrl),
  /** Read endpoints from the issuer's metadata; off for servers without discovery. */
  discovery: z._default(z.boolean(), true),
  endpoints: z._default(EndpointsSchema, {}),
  grantType: z.enum(GRANT_TYPES),
  clientId: z._default(text(1024), ''),
  clientAuth: z._default(ClientAuthSchema, { method: 'client_secret_basic', assertionAudience: 'token_endpoint', assertionLifetime: 300, x5t: false }),
  scopes: z._default(z.array(nonEmpty(512)).check(z.maxLength(200)), []),
  redirect: z._default(RedirectSchema, { mode: 'loopback' }),
  pkce: z._default(z.enum(['S256', 'plain', 'off']), 'S256'),
  /** Ask for an ID token and check nonce (also implied by the `openid` scope). */
  openid: z.optional(z.boolean()),
  params: z._default(
    z.strictObject({
      authorization: z._default(z.array(ParamSchema).check(z.maxLength(100)), []),
      token: z._default(z.array(ParamSchema).check(z.maxLength(100)), []),
      refresh: z._default(z.array(ParamSchema).check(z.maxLength(100)), []),
    }),
    { authorization: [], token: [], refresh: [] },
  ),
  audience: z.optional(text(2048)),
  resource: z._default(z.array(text(2048)).check(z.maxLength(20)), []),
  /** Grant-specific, non-secret inputs. */
  username: z.optional(text(1024)),
  subjectTokenType: z.optional(text(512)),
  actorTokenType: z.optional(text(512)),
  requestedTokenType: z.optional(text(512)),
  /** Claims for a JWT bearer assertion built by the engine (iss/sub/aud/exp filled when absent). */
  jwtBearerClaims: z.optional(z.record(z.string(), z.unknown())),
  /** PAR, JAR, JARM, response type/mode, OIDC request parameters, FAPI 2.0 (issue 14). */
  authorizationRequest: z._default(AuthorizationRequestSchema, DEFAULT_AUTHORIZATION_REQUEST),
  network: z._default(NetworkSchema, { insecureSkipTlsVerify: false, timeoutMs: 30_000 }),
  /** Interop settings (issue 13): kid and certificate headers of signed assertions, Basic credentials encoding. */
  interop: z._default(InteropSchema, DEFAULT_INTEROP),
  // --- Sender-constrained tokens, RAR, CIBA, dynamic registration (issue 14, token side) ---
  dpop: z.optional(DpopSchema),
  certificateBoundTokens: z.optional(CertificateBoundTokensSchema),
  rar: z.optional(RarSchema),
  ciba: z.optional(CibaSchema),
  registration: z.optional(RegistrationSchema),
  /** Saved API requests (issue 12). */
  apiRequests: z._default(z.array(ApiRequestSchema).check(z.maxLength(50)), []),
  /** Expected `aud` when verifying this profile's JWT access tokens; default: audience, else the first resource. */
  expectedAudience: z.optional(text(2048)),
  /**
   * Import trust (issue 11): set when the profile came from a connections file. While `confirmed` is
   * false its key aliases and JWT bearer claims are not used (the run fails with IMPORT_NOT_CONFIRMED)
   * until the user reviews them (confirmImportedProfile / `tokenbench profiles confirm`).
   */
  imported: z.optional(ImportedSchema),
  /** Names of secrets kept in the keychain for this profile ("clientSecret", "password", "refreshToken", "registrationAccessToken"). */
  secretRefs: z._default(z.array(z.enum(['clientSecret', 'password', 'refreshToken', 'registrationAccessToken'])), []),
  createdAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
});

export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof ConnectionProfileSchema>;

export const ConnectionGroupSchema = z.strictObject({
  id: nonEmpty(100),
  name: displayName,
  /** Defaults inherited by the group's profiles. */
  defaults: z._default(z.strictObject({ issuer: z.optional(httpUrl), network: z.optional(z.partial(NetworkSchema)) }), {}),
});
export type ConnectionGroup = z.infer<typeof ConnectionGroupSchema>;

/** Formats zod issues in words a user knows, a few at most: "Client authentication: invalid option…". */
export function describeIssues(error: z.core.$ZodError): string {
  return describeFieldIssues(error.issues);
}
