import * as z from 'zod/mini';
import { AUTH_METHODS, GRANT_TYPES } from './grants';
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
  network: z._default(NetworkSchema, { insecureSkipTlsVerify: false, timeoutMs: 30_000 }),
  /** Saved API requests (issue 12). */
  apiRequests: z._default(z.array(ApiRequestSchema).check(z.maxLength(50)), []),
  /** Expected `aud` when verifying this profile's JWT access tokens; default: audience, else the first resource. */
  expectedAudience: z.optional(text(2048)),
  /** Names of secrets kept in the keychain for this profile ("clientSecret", "password", "refreshToken"). */
  secretRefs: z._default(z.array(z.enum(['clientSecret', 'password', 'refreshToken'])), []),
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
