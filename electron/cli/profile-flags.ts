import { WorkbenchError } from '../../shared/errors';
import { AUTH_METHODS, CIBA_GRANT, parseGrantType, parseTokenType, type AuthMethod } from '../../shared/grants';
import { misplacedTokenParam } from '../../shared/interop';
import {
  AuthorizationDetailsSchema,
  ConnectionProfileSchema,
  describeIssues,
  RESPONSE_MODES,
  RESPONSE_TYPES,
  type AuthorizationDetail,
  type ConnectionProfile,
  type ConnectionProfileInput,
  type ResponseMode,
} from '../../shared/profile';
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
  // Interop settings (issue 13)
  kid: { type: 'string' },
  'x5t-s256': { type: 'boolean' },
  x5c: { type: 'boolean' },
  'basic-encoding': { type: 'string' },
  param: { type: 'string', multiple: true },
  'auth-param': { type: 'string', multiple: true },
  openid: { type: 'boolean' },
  profile: { type: 'string' },
  group: { type: 'string' },
  // Authorization request features (issue 14), named after oauth2c's flags.
  par: { type: 'boolean' },
  'no-par': { type: 'boolean' },
  'request-object': { type: 'boolean' },
  'encrypt-request-object': { type: 'boolean' },
  'response-mode': { type: 'string' },
  'response-types': { type: 'string' },
  prompt: { type: 'string' },
  'max-age': { type: 'string' },
  'acr-values': { type: 'string' },
  // --login-hint: the authorization request's login_hint, or the CIBA hint with the CIBA grant.
  'login-hint': { type: 'string' },
  'ui-locales': { type: 'string' },
  claims: { type: 'string' },
  'id-token-hint': { type: 'string' },
  fapi2: { type: 'boolean' },
  // --- issue 14 (token side): DPoP, certificate-bound tokens, RAR, CIBA ---
  dpop: { type: 'boolean' },
  'dpop-key': { type: 'string' },
  'certificate-bound-tokens': { type: 'boolean' },
  rar: { type: 'string' },
  'binding-message': { type: 'string' },
  'user-code': { type: 'string' },
  'requested-expiry': { type: 'string' },
  // --- issue 14 (leftovers): the key an encrypted JARM response is decrypted with ---
  'jarm-decryption-key': { type: 'string' },
  // CIBA's login_hint_token (a token the server defines; T or @FILE)
  'login-hint-token': { type: 'string' },
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

  p.authorizationRequest = authorizationRequestFromFlags(flags, p.authorizationRequest, p.grantType);

  const endpoints = { ...(p.endpoints ?? {}) };
  if (flags['token-url']) endpoints.token = flags['token-url'];
  if (flags['authorization-url']) endpoints.authorization = flags['authorization-url'];
  if (flags['device-authorization-url']) endpoints.device_authorization = flags['device-authorization-url'];
  p.endpoints = endpoints;
  // No issuer but typed endpoints: nothing to discover.
  if (!p.issuer && (endpoints.token || endpoints.authorization)) p.discovery = false;

  p.interop = interopFromFlags(flags, p.interop);

  const params = { authorization: [...(p.params?.authorization ?? [])], token: [...(p.params?.token ?? [])], refresh: [...(p.params?.refresh ?? [])] };
  for (const [k, v] of keyValues(flags.param, '--param')) {
    // Refused rather than rerouted: --param means the token request, and moving a parameter behind the user's back
    // would hide a mistake the same profile then makes in the app.
    const misplaced = misplacedTokenParam(k);
    if (misplaced) throw new UsageError(`--param ${k}: ${misplaced}`);
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

  applyModernFlags(p, flags);

  const parsed = ConnectionProfileSchema.safeParse(p);
  if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', describeIssues(parsed.error));
  return parsed.data;
}

/** PAR, JAR, JARM, response type/mode, OIDC parameters and FAPI 2.0 (issue 14). */
function authorizationRequestFromFlags(flags: Flags, base: ConnectionProfileInput['authorizationRequest'], grantType: string): ConnectionProfileInput['authorizationRequest'] {
  const ar = { ...(base ?? {}) };
  if (flags.par && flags['no-par']) throw new UsageError('--par and --no-par contradict each other');
  if (flags.par) ar.par = 'on';
  if (flags['no-par']) ar.par = 'off';
  if (flags['encrypt-request-object']) ar.requestObject = 'encrypted';
  else if (flags['request-object']) ar.requestObject = 'signed';
  if (flags['response-mode']) {
    if (!(RESPONSE_MODES as readonly string[]).includes(flags['response-mode'])) throw new UsageError(`--response-mode is one of ${RESPONSE_MODES.join(', ')}`);
    ar.responseMode = flags['response-mode'] as ResponseMode;
  }
  if (flags['response-types']) {
    // oauth2c takes a comma list ("code,id_token"); the request carries them space-separated.
    const normalized = flags['response-types'].split(/[,\s]+/).filter(Boolean).join(' ');
    const known = RESPONSE_TYPES.find((t) => t.split(' ').sort().join(' ') === normalized.split(' ').sort().join(' '));
    if (!known) throw new UsageError(`--response-types is one of ${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}`);
    ar.responseType = known;
  }
  if (flags.prompt !== undefined) ar.prompt = flags.prompt.split(/[,\s]+/).filter(Boolean).join(' ');
  if (flags['max-age'] !== undefined) {
    if (!/^\d+$/.test(flags['max-age'])) throw new UsageError('--max-age is a number of seconds');
    ar.maxAge = Number(flags['max-age']);
  }
  if (flags['acr-values'] !== undefined) ar.acrValues = flags['acr-values'].split(/[,\s]+/).filter(Boolean).join(' ');
  if (flags['login-hint'] !== undefined && grantType !== CIBA_GRANT) ar.loginHint = flags['login-hint'];
  if (flags['ui-locales'] !== undefined) ar.uiLocales = flags['ui-locales'].split(/[,\s]+/).filter(Boolean).join(' ');
  if (flags.claims !== undefined) ar.claims = parseJsonObjectArg(flags.claims, '--claims');
  if (flags.fapi2) ar.fapi2 = true;
  // --jarm-decryption-key keystore:ALIAS is saved with the profile (a key file is read for this run only).
  const jarmKey = flags['jarm-decryption-key'];
  if (jarmKey?.startsWith('keystore:')) {
    const alias = jarmKey.slice('keystore:'.length);
    if (!alias) throw new UsageError('--jarm-decryption-key keystore:ALIAS needs an alias');
    ar.jarmDecryptionKeyAlias = alias;
  }
  // --x5t puts the certificate thumbprints in every JWT the client signs: assertions and request objects.
  if (flags.x5t && ar.requestObject && ar.requestObject !== 'off') ar.requestObjectX5t = true;
  return ar;
}

/**
 * `--kid VALUE|thumbprint|key|none`, `--x5t-s256`, `--x5c`, `--basic-encoding form|raw`. Without `--kid` a key
 * pair's header carries the key's own kid: a keystore key's (editable with `keys kid`), a JWK file's, none for a PEM.
 */
export function interopFromFlags(flags: Flags, base: ConnectionProfileInput['interop']): ConnectionProfileInput['interop'] {
  const i = { ...(base ?? {}) };
  if (flags.kid !== undefined) {
    const kid = flags.kid.trim();
    if (kid === '') throw new UsageError('--kid takes a value, "thumbprint", "key" or "none"');
    if (kid === 'thumbprint' || kid === 'key' || kid === 'none') {
      i.kid = kid;
      delete i.customKid;
    } else {
      i.kid = 'custom';
      i.customKid = kid;
    }
  }
  if (flags['x5t-s256']) i.x5tS256 = true;
  if (flags.x5c) i.x5c = true;
  if (flags['basic-encoding'] !== undefined) {
    if (flags['basic-encoding'] !== 'form' && flags['basic-encoding'] !== 'raw') throw new UsageError('--basic-encoding is form (RFC 6749 §2.3.1, the default) or raw');
    i.basicEncoding = flags['basic-encoding'];
  }
  return i;
}

/** DPoP, certificate-bound tokens, RAR and CIBA flags onto the profile (issue 14). */
function applyModernFlags(p: ConnectionProfileInput, flags: Flags): void {
  const dpopKey = flags['dpop-key'];
  if (flags.dpop || dpopKey) {
    p.dpop = { ...(p.dpop ?? {}), enabled: true };
    if (dpopKey?.startsWith('keystore:')) p.dpop.keyAlias = dpopKey.slice('keystore:'.length);
  }
  if (flags['certificate-bound-tokens']) p.certificateBoundTokens = { enabled: true };
  if (flags.rar !== undefined) p.rar = { authorizationDetails: parseAuthorizationDetails(flags.rar) };
  const ciba = { ...(p.ciba ?? {}) };
  // --login-hint is the CIBA hint for the CIBA grant (the authorization request's login_hint otherwise).
  if (flags['login-hint'] !== undefined && p.grantType === CIBA_GRANT) ciba.loginHint = flags['login-hint'];
  if (flags['login-hint-token'] !== undefined) ciba.loginHintToken = valueOrFile(flags['login-hint-token']).trim();
  if (flags['binding-message'] !== undefined) ciba.bindingMessage = flags['binding-message'];
  if (flags['user-code'] !== undefined) ciba.userCode = flags['user-code'];
  if (flags['requested-expiry'] !== undefined) ciba.requestedExpiry = parseLifetime(flags['requested-expiry']);
  if (Object.keys(ciba).length) p.ciba = ciba;
}

/** `--rar`: a JSON array of authorization details (or one object), each with a string `type` (RFC 9396 §2). */
export function parseAuthorizationDetails(text: string): AuthorizationDetail[] {
  const source = text.trim().startsWith('[') || text.trim().startsWith('{') ? text : readText(text, '--rar');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    throw new WorkbenchError('INVALID_INPUT', `--rar is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = AuthorizationDetailsSchema.safeParse(Array.isArray(value) ? value : [value]);
  if (!parsed.success) throw new WorkbenchError('INVALID_INPUT', `--rar: ${describeIssues(parsed.error).replace(/^(\d+)/, 'detail $1')} (an array of objects, each with a string "type")`);
  return parsed.data;
}

/** Per-run values from flags: secrets, tokens, files read now. */
export function overridesFromFlags(flags: Flags): RunOverrides {
  const o: RunOverrides = {};
  // An empty value is most often an unset shell variable ("$SECRET"): say so, rather than send or store nothing.
  for (const flag of ['client-secret', 'password'] as const)
    if (flags[flag] === '') throw new UsageError(`--${flag} is empty (is the shell variable you meant to pass set?)`);
  if (flags['client-secret'] !== undefined) o.clientSecret = flags['client-secret'];
  if (flags.password !== undefined) o.password = flags.password;
  if (flags['refresh-token']) o.refreshToken = flags['refresh-token'];
  if (flags['id-token-hint']) o.idTokenHint = valueOrFile(flags['id-token-hint']);
  // A JARM decryption key file (PEM or JWK private key): read now, used for this run, never saved.
  const jarmKey = flags['jarm-decryption-key'];
  if (jarmKey !== undefined && !jarmKey.startsWith('keystore:'))
    o.jarmDecryptionKey = readBoundedFileSync(jarmKey, { what: '--jarm-decryption-key', maxBytes: FILE_CAPS.key }).toString('utf8');
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
