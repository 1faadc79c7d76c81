import * as z from 'zod';
import { AUTH_METHODS, GRANT_TYPES } from './grants';

/**
 * A connection profile: one client at one authorization server.
 * It holds no secret: client secrets, passwords and keys are referenced by
 * name and live in the OS keychain / keystore.
 */

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const ParamSchema = z.object({ name: z.string().min(1).max(256), value: z.string().max(8192) });
export type Param = z.infer<typeof ParamSchema>;

export const EndpointsSchema = z
  .object({
    authorization: httpUrl.optional(),
    token: httpUrl.optional(),
    device_authorization: httpUrl.optional(),
    introspection: httpUrl.optional(),
    revocation: httpUrl.optional(),
    userinfo: httpUrl.optional(),
    end_session: httpUrl.optional(),
    jwks_uri: httpUrl.optional(),
  })
  .strict();
export type Endpoints = z.infer<typeof EndpointsSchema>;

export const ClientAuthSchema = z
  .object({
    method: z.enum(AUTH_METHODS),
    /** Keystore alias of the signing key for private_key_jwt. */
    keyAlias: z.string().max(200).optional(),
    signingAlg: z.string().max(20).optional(),
    /** `aud` of client assertions: the token endpoint (default) or the issuer. */
    assertionAudience: z.enum(['token_endpoint', 'issuer']).default('token_endpoint'),
    /** Assertion lifetime in seconds. */
    assertionLifetime: z.number().int().min(1).max(86_400).default(300),
    /** Put the certificate thumbprints in the assertion header (x5t / x5t#S256). */
    x5t: z.boolean().default(false),
    /** Keystore alias whose key and certificate are presented on the TLS connection. */
    tlsKeyAlias: z.string().max(200).optional(),
  })
  .strict();
export type ClientAuthConfig = z.infer<typeof ClientAuthSchema>;

export const NetworkSchema = z
  .object({
    proxy: httpUrl.optional(),
    /** Path to a PEM CA bundle added to the trusted roots. */
    caFile: z.string().max(4096).optional(),
    insecureSkipTlsVerify: z.boolean().default(false),
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .strict();

export const RedirectSchema = z
  .object({
    /** Loopback on a random port (RFC 8252 §7.3), or the exact registered URL. */
    mode: z.enum(['loopback', 'fixed']).default('loopback'),
    url: z.string().max(2048).optional(),
  })
  .strict();

export const ConnectionProfileSchema = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().trim().min(1).max(200),
    groupId: z.string().max(100).optional(),
    issuer: httpUrl.optional(),
    /** Read endpoints from the issuer's metadata; off for servers without discovery. */
    discovery: z.boolean().default(true),
    endpoints: EndpointsSchema.default({}),
    grantType: z.enum(GRANT_TYPES),
    clientId: z.string().max(1024).default(''),
    clientAuth: ClientAuthSchema.default({ method: 'client_secret_basic', assertionAudience: 'token_endpoint', assertionLifetime: 300, x5t: false }),
    scopes: z.array(z.string().min(1).max(512)).max(200).default([]),
    redirect: RedirectSchema.default({ mode: 'loopback' }),
    pkce: z.enum(['S256', 'plain', 'off']).default('S256'),
    /** Ask for an ID token and check nonce (also implied by the `openid` scope). */
    openid: z.boolean().optional(),
    params: z
      .object({
        authorization: z.array(ParamSchema).max(100).default([]),
        token: z.array(ParamSchema).max(100).default([]),
        refresh: z.array(ParamSchema).max(100).default([]),
      })
      .strict()
      .default({ authorization: [], token: [], refresh: [] }),
    audience: z.string().max(2048).optional(),
    resource: z.array(z.string().max(2048)).max(20).default([]),
    /** Grant-specific, non-secret inputs. */
    username: z.string().max(1024).optional(),
    subjectTokenType: z.string().max(512).optional(),
    actorTokenType: z.string().max(512).optional(),
    requestedTokenType: z.string().max(512).optional(),
    /** Claims for a JWT bearer assertion built by the engine (iss/sub/aud/exp filled when absent). */
    jwtBearerClaims: z.record(z.string(), z.unknown()).optional(),
    network: NetworkSchema.default({ insecureSkipTlsVerify: false, timeoutMs: 30_000 }),
    /** Names of secrets kept in the keychain for this profile ("clientSecret", "password", "refreshToken"). */
    secretRefs: z.array(z.enum(['clientSecret', 'password', 'refreshToken'])).default([]),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .strict();

export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof ConnectionProfileSchema>;

export const ConnectionGroupSchema = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().trim().min(1).max(200),
    /** Defaults inherited by the group's profiles. */
    defaults: z
      .object({ issuer: httpUrl.optional(), network: NetworkSchema.partial().optional() })
      .strict()
      .default({}),
  })
  .strict();
export type ConnectionGroup = z.infer<typeof ConnectionGroupSchema>;

/** Formats zod issues as one line per problem: "clientAuth.method: Invalid option…". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(profile)'}: ${i.message}`).join('; ');
}
