import { WorkbenchError } from '../../shared/errors';
import { AUTH_METHODS, parseGrantType, parseTokenType, type AuthMethod } from '../../shared/grants';
import { ConnectionProfileSchema, describeIssues, type ConnectionProfile, type ConnectionProfileInput } from '../../shared/profile';
import type { RunOverrides } from '../app/run-profile';
import { keyValues, parseJsonObjectArg, parseLifetime, UsageError, type Options } from './args';
import { FILE_CAPS, readBoundedFileSync } from '../storage/bounded-file';

/** The flags of `token` (and `profiles save`), named after oauth2c's where it has them. */
export const PROFILE_OPTIONS = {
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'grant-type': { type: 'string' },
  'auth-method': { type: 'string' },
  scopes: { type: 'string' },
  audience: { type: 'string' },
  resource: { type: 'string', multiple: true },
  pkce: { type: 'boolean' },
  'no-pkce': { type: 'boolean' },
  'pkce-method': { type: 'string' },
  'redirect-url': { type: 'string' },
  'signing-key': { type: 'string' },
  'signing-alg': { type: 'string' },
  'assertion-audience': { type: 'string' },
  'assertion-lifetime': { type: 'string' },
  x5t: { type: 'boolean' },
  assertion: { type: 'string' },
  'refresh-token': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'subject-token': { type: 'string' },
  'subject-token-type': { type: 'string' },
  'actor-token': { type: 'string' },
  'actor-token-type': { type: 'string' },
  'requested-token-type': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-root-ca': { type: 'string' },
  insecure: { type: 'boolean' },
  proxy: { type: 'string' },
  timeout: { type: 'string' },
  'token-url': { type: 'string' },
  'authorization-url': { type: 'string' },
  'device-authorization-url': { type: 'string' },
  param: { type: 'string', multiple: true },
  'auth-param': { type: 'string', multiple: true },
  openid: { type: 'boolean' },
  profile: { type: 'string' },
  group: { type: 'string' },
} as const satisfies Options;

type Flags = { [K in keyof typeof PROFILE_OPTIONS]?: (typeof PROFILE_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof PROFILE_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

/** Builds (or overrides) a connection profile from flags; validated like any saved profile. */
export function profileFromFlags(flags: Flags, issuer: string | undefined, base?: ConnectionProfile, name = 'command line'): ConnectionProfile {
  const p: ConnectionProfileInput = base ? structuredClone(base) : { id: 'cli', name, grantType: 'client_credentials' };
  if (issuer) p.issuer = issuer;
  if (flags['grant-type']) {
    const grant = parseGrantType(flags['grant-type']);
    if (!grant) throw new UsageError(`unknown --grant-type "${flags['grant-type']}"`);
    p.grantType = grant;
  }
  if (flags['client-id'] !== undefined) p.clientId = flags['client-id'];
  const clientAuth = { ...(p.clientAuth ?? { method: 'client_secret_basic' as AuthMethod }) };
  if (flags['auth-method']) {
    if (!(AUTH_METHODS as readonly string[]).includes(flags['auth-method'])) throw new UsageError(`unknown --auth-method "${flags['auth-method']}"; one of ${AUTH_METHODS.join(', ')}`);
    clientAuth.method = flags['auth-method'] as AuthMethod;
  } else if (!base) {
    // Like oauth2c: a public client unless a secret or key says otherwise.
    clientAuth.method = flags['client-secret'] ? 'client_secret_basic' : flags['signing-key'] ? 'private_key_jwt' : flags['tls-cert'] ? 'tls_client_auth' : 'none';
  }
  if (flags['signing-alg']) clientAuth.signingAlg = flags['signing-alg'];
  if (flags['signing-key']?.startsWith('keystore:')) clientAuth.keyAlias = flags['signing-key'].slice('keystore:'.length);
  if (flags['tls-cert']?.startsWith('keystore:')) clientAuth.tlsKeyAlias = flags['tls-cert'].slice('keystore:'.length);
  if (flags['assertion-audience']) {
    if (!['token_endpoint', 'issuer'].includes(flags['assertion-audience'])) throw new UsageError('--assertion-audience is token_endpoint or issuer');
    clientAuth.assertionAudience = flags['assertion-audience'] as 'token_endpoint' | 'issuer';
  }
  if (flags['assertion-lifetime']) clientAuth.assertionLifetime = parseLifetime(flags['assertion-lifetime']);
  if (flags.x5t) clientAuth.x5t = true;
  p.clientAuth = clientAuth;

  if (flags.scopes !== undefined) p.scopes = flags.scopes.split(/[,\s]+/).filter(Boolean);
  if (flags.audience !== undefined) p.audience = flags.audience;
  if (flags.resource) p.resource = flags.resource;
  if (flags['no-pkce']) p.pkce = 'off';
  else if (flags['pkce-method']) {
    if (!['S256', 'plain'].includes(flags['pkce-method'])) throw new UsageError('--pkce-method is S256 or plain');
    p.pkce = flags['pkce-method'] as 'S256' | 'plain';
  } else if (flags.pkce) p.pkce = 'S256';
  if (flags['redirect-url']) p.redirect = { mode: 'fixed', url: flags['redirect-url'] };
  if (flags.openid) p.openid = true;
  if (flags.username !== undefined) p.username = flags.username;
  if (flags['subject-token-type']) p.subjectTokenType = parseTokenType(flags['subject-token-type']);
  if (flags['actor-token-type']) p.actorTokenType = parseTokenType(flags['actor-token-type']);
  if (flags['requested-token-type']) p.requestedTokenType = parseTokenType(flags['requested-token-type']);
  if (flags.assertion?.trimStart().startsWith('{')) p.jwtBearerClaims = parseJsonObjectArg(flags.assertion, '--assertion claims');

  const endpoints = { ...(p.endpoints ?? {}) };
  if (flags['token-url']) endpoints.token = flags['token-url'];
  if (flags['authorization-url']) endpoints.authorization = flags['authorization-url'];
  if (flags['device-authorization-url']) endpoints.device_authorization = flags['device-authorization-url'];
  p.endpoints = endpoints;
  // No issuer but typed endpoints: nothing to discover.
  if (!p.issuer && (endpoints.token || endpoints.authorization)) p.discovery = false;

  const params = { authorization: [...(p.params?.authorization ?? [])], token: [...(p.params?.token ?? [])], refresh: [...(p.params?.refresh ?? [])] };
  for (const [k, v] of keyValues(flags.param, '--param')) {
    params.token.push({ name: k, value: v });
    params.refresh.push({ name: k, value: v });
  }
  for (const [k, v] of keyValues(flags['auth-param'], '--auth-param')) params.authorization.push({ name: k, value: v });
  p.params = params;

  const network = { ...(p.network ?? {}) };
  if (flags.insecure) network.insecureSkipTlsVerify = true;
  if (flags.proxy) network.proxy = flags.proxy;
  if (flags['tls-root-ca']) network.caFile = flags['tls-root-ca'];
  if (flags.timeout) network.timeoutMs = parseLifetime(flags.timeout) * 1000;
  p.network = network;

  const parsed = ConnectionProfileSchema.safeParse(p);
  if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', describeIssues(parsed.error));
  return parsed.data;
}

/** Per-run values from flags: secrets, tokens, files read now. */
export function overridesFromFlags(flags: Flags): RunOverrides {
  const o: RunOverrides = {};
  if (flags['client-secret'] !== undefined) o.clientSecret = flags['client-secret'];
  if (flags.password !== undefined) o.password = flags.password;
  if (flags['refresh-token']) o.refreshToken = flags['refresh-token'];
  if (flags['subject-token']) o.subjectToken = valueOrFile(flags['subject-token']);
  if (flags['actor-token']) o.actorToken = valueOrFile(flags['actor-token']);
  if (flags['tls-cert'] && !flags['tls-cert'].startsWith('keystore:')) {
    o.tlsCertPem = readText(flags['tls-cert'], '--tls-cert');
    o.tlsKeyPem = readText(flags['tls-key'] ?? '', '--tls-key');
  } else if (flags['tls-key'] && !flags['tls-cert']) throw new UsageError('--tls-key goes with --tls-cert');
  const a = flags.assertion?.trim();
  if (a && !a.startsWith('{')) {
    const text = a.startsWith('<') || /^[\w-]+\.[\w-]+\.[\w-]*$/.test(a) ? a : readText(a, '--assertion');
    if (text.trimStart().startsWith('<')) o.samlAssertionXml = text;
    else if (text.trimStart().startsWith('{')) throw new UsageError('--assertion claims: pass the JSON itself, not a file of it');
    else o.assertion = text.trim();
  }
  return o;
}

function valueOrFile(v: string): string {
  return v.startsWith('@') ? readText(v.slice(1), 'token file').trim() : v;
}

function readText(path: string, flag: string): string {
  if (!path) throw new UsageError(`${flag} needs a file`);
  return readBoundedFileSync(path, { what: flag, maxBytes: FILE_CAPS.assertion }).toString('utf8');
}
