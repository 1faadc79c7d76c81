import { WorkbenchError } from '../../shared/errors';
import { HMAC_ALGS, type AuthMethod } from '../../shared/grants';
import type { BasicEncoding } from '../../shared/interop';
import type { ConnectionProfile } from '../../shared/profile';
import { signAssertion, type JwtHeaderOptions, type SigningKey } from '../jose/sign';
import type { Transcript } from './transcript';

export interface ClientAuthContext {
  clientId: string;
  issuer?: string;
  /** The endpoint the request goes to (token, introspection, revocation, device authorization). */
  endpoint: string;
  /** The token endpoint, the default `aud` of client assertions even when calling another endpoint. */
  tokenEndpoint?: string;
  transcript?: Transcript;
}

/**
 * Client authentication as a strategy (oauth4webapi's ClientAuth): it adds
 * what its method needs to the form body and headers of a request being built.
 */
export type ClientAuth = (ctx: ClientAuthContext, body: URLSearchParams, headers: Record<string, string>) => Promise<void> | void;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64 (oauth4webapi's formUrlEncode). */
export function formUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/(?:[-_.!~*'()]|%20)/g, (c) => FORM_ESCAPES[c] as string);
}
const FORM_ESCAPES: Record<string, string> = { '%20': '+' };
for (const c of "-_.!~*'()") FORM_ESCAPES[c] = `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * True when form-urlencoding changes the id or the secret, so the two Basic encodings send different
 * credentials (an id with "-", "." or "_" does; plain letters and digits do not).
 */
export function basicEncodingsDiffer(clientId: string, secret: string): boolean {
  return formUrlEncode(clientId) !== clientId || formUrlEncode(secret) !== secret;
}

/**
 * `encoding` 'form' (default) follows RFC 6749 §2.3.1; 'raw' sends id and secret as they are, as
 * Postman and oauth2c do, for servers that do not decode them. A raw id may not contain ":".
 */
export function ClientSecretBasic(secret: string, encoding?: BasicEncoding): ClientAuth {
  return (ctx, _body, headers) => {
    ctx.transcript?.addSecret(secret);
    if (encoding === 'raw' && ctx.clientId.includes(':'))
      throw new WorkbenchError('INVALID_INPUT', 'a client id with ":" cannot be sent with the raw Basic encoding (RFC 7617 splits at the first ":"); use basic encoding "form"');
    const encode = encoding === 'raw' ? (v: string) => v : formUrlEncode;
    const credentials = Buffer.from(`${encode(ctx.clientId)}:${encode(secret)}`).toString('base64');
    ctx.transcript?.addSecret(credentials);
    headers.authorization = `Basic ${credentials}`;
  };
}

export function ClientSecretPost(secret: string): ClientAuth {
  return (ctx, body) => {
    ctx.transcript?.addSecret(secret);
    body.set('client_id', ctx.clientId);
    body.set('client_secret', secret);
  };
}

export interface AssertionOptions {
  /** `aud` of the assertion: the token endpoint (default) or the issuer. */
  audience?: 'token_endpoint' | 'issuer';
  lifetimeSeconds?: number;
  /** Header thumbprints of the key's certificate (private_key_jwt only). */
  x5t?: boolean;
  x5tS256?: boolean;
  /** kid mode and further certificate headers (electron/jose/sign); x5t/x5tS256 above add to them. */
  header?: JwtHeaderOptions;
}

function assertionAudience(ctx: ClientAuthContext, opts: AssertionOptions): string {
  if (opts.audience === 'issuer') {
    if (!ctx.issuer) throw new WorkbenchError('MISSING_CONFIGURATION', 'assertion audience "issuer" needs an issuer URL in the profile');
    return ctx.issuer;
  }
  return ctx.tokenEndpoint ?? ctx.endpoint;
}

async function addAssertion(ctx: ClientAuthContext, body: URLSearchParams, jwt: string): Promise<void> {
  body.set('client_id', ctx.clientId);
  body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  body.set('client_assertion', jwt);
}

export function ClientSecretJwt(secret: string, alg: string = 'HS256', opts: AssertionOptions = {}): ClientAuth {
  if (!(HMAC_ALGS as readonly string[]).includes(alg)) throw new WorkbenchError('INVALID_INPUT', `client_secret_jwt signs with ${HMAC_ALGS.join(', ')}, not ${alg}`);
  return async (ctx, body) => {
    ctx.transcript?.addSecret(secret);
    // A shared secret has no kid of its own nor a thumbprint: only a custom kid applies.
    const kid = opts.header?.kid === 'custom' ? { kid: 'custom' as const, customKid: opts.header.customKid } : { kid: 'none' as const };
    const jwt = await signAssertion(
      { header: kid, claims: { iss: ctx.clientId, sub: ctx.clientId, aud: assertionAudience(ctx, opts), lifetimeSeconds: opts.lifetimeSeconds ?? 60 } },
      { secret, alg },
    );
    await addAssertion(ctx, body, jwt);
  };
}

export function PrivateKeyJwt(key: SigningKey, opts: AssertionOptions = {}): ClientAuth {
  return async (ctx, body) => {
    const jwt = await signAssertion(
      {
        header: assertionHeader(opts),
        claims: { iss: ctx.clientId, sub: ctx.clientId, aud: assertionAudience(ctx, opts), lifetimeSeconds: opts.lifetimeSeconds ?? 60 },
      },
      key,
    );
    await addAssertion(ctx, body, jwt);
  };
}

/** The header of an assertion signed with a key pair: the profile's kid mode and certificate headers. */
export function assertionHeader(opts: Pick<AssertionOptions, 'x5t' | 'x5tS256' | 'header'>): JwtHeaderOptions {
  const h = opts.header ?? {};
  return { ...h, x5t: Boolean(h.x5t || opts.x5t), x5tS256: Boolean(h.x5tS256 || (opts.x5tS256 ?? opts.x5t)), x5c: Boolean(h.x5c) };
}

/** RFC 8705: the certificate is presented on the TLS connection; the body names the client. */
export function TlsClientAuth(): ClientAuth {
  return (ctx, body) => {
    body.set('client_id', ctx.clientId);
  };
}

/** A public client: identifies itself, sends no (empty) secret. */
export function None(): ClientAuth {
  return (ctx, body) => {
    body.set('client_id', ctx.clientId);
  };
}

export interface ClientCredentialsMaterial {
  method: AuthMethod;
  clientSecret?: string;
  signingKey?: SigningKey;
  /** For client_secret_jwt: HS256/384/512. */
  signingAlg?: string;
  assertion?: AssertionOptions;
  /** client_secret_basic: form-urlencoded (default) or raw. */
  basicEncoding?: BasicEncoding;
}

/** Picks the strategy for a configured method, checking that what it needs is there. */
export function clientAuthFor(material: ClientCredentialsMaterial): ClientAuth {
  const needSecret = () => {
    if (!material.clientSecret) throw new WorkbenchError('MISSING_CONFIGURATION', `${material.method} needs a client secret`);
    return material.clientSecret;
  };
  switch (material.method) {
    case 'client_secret_basic':
      return ClientSecretBasic(needSecret(), material.basicEncoding);
    case 'client_secret_post':
      return ClientSecretPost(needSecret());
    case 'client_secret_jwt':
      return ClientSecretJwt(needSecret(), material.signingAlg ?? 'HS256', material.assertion);
    case 'private_key_jwt':
      if (!material.signingKey) throw new WorkbenchError('MISSING_CONFIGURATION', 'private_key_jwt needs a signing key (a keystore alias or a key file)');
      return PrivateKeyJwt(material.signingKey, material.assertion);
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
      return TlsClientAuth();
    case 'none':
      return None();
  }
}

export function usesMutualTls(method: AuthMethod): boolean {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
}

/** The profile's client authentication with what this run has (secret, key): one place for the engine, the app and the CLI. */
export function clientAuthMaterial(profile: ConnectionProfile, inputs: { clientSecret?: string; signingKey?: SigningKey }, method: AuthMethod = profile.clientAuth.method): ClientCredentialsMaterial {
  const a = profile.clientAuth;
  const i = profile.interop;
  return {
    method,
    clientSecret: inputs.clientSecret,
    signingKey: inputs.signingKey,
    signingAlg: a.signingAlg,
    basicEncoding: i.basicEncoding,
    assertion: {
      audience: a.assertionAudience,
      lifetimeSeconds: a.assertionLifetime,
      x5t: a.x5t,
      header: { kid: i.kid, ...(i.customKid !== undefined ? { customKid: i.customKid } : {}), x5t: i.x5t, x5tS256: i.x5tS256, x5c: i.x5c },
    },
  };
}

export function clientAuthForProfile(profile: ConnectionProfile, inputs: { clientSecret?: string; signingKey?: SigningKey }, method?: AuthMethod): ClientAuth {
  return clientAuthFor(clientAuthMaterial(profile, inputs, method));
}
