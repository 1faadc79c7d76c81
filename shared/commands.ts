import type { ConnectionProfile } from './profile';

/**
 * A profile as a command to paste into a shell (issue 13 §4, issue 12 item 12): `tokenbench token …`,
 * oauth2c, or curl against the token endpoint. Secrets are environment variables by default
 * (`"$CLIENT_SECRET"`, a `$CLIENT_ASSERTION` built by `tokenbench assertion`); real values only when
 * the caller passes them (main does, on the user's explicit request). POSIX shell quoting.
 */
export interface CommandOptions {
  /** The token endpoint (from the profile, or discovery); curl needs one. */
  tokenEndpoint?: string;
  /** Real values to put in place of the variables. Absent: variables. */
  secrets?: { clientSecret?: string; password?: string; refreshToken?: string };
}

export interface BuiltCommand {
  text: string;
  env: string[];
  notes: string[];
}

const SHORT_GRANTS: Record<string, string> = {
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'jwt_bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer': 'saml2_bearer',
  'urn:ietf:params:oauth:grant-type:device_code': 'device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'token_exchange',
};

/** Single-quotes a value for a POSIX shell unless it is plainly safe. */
export function shQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A variable reference, or the real value when given. */
function secretArg(real: string | undefined, variable: string, env: Set<string>): string {
  if (real !== undefined) return shQuote(real);
  env.add(variable);
  return `"$${variable}"`;
}

const usesSecret = (p: ConnectionProfile) => ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'].includes(p.clientAuth.method);

export function tokenbenchCommand(p: ConnectionProfile, o: CommandOptions = {}): BuiltCommand {
  const env = new Set<string>();
  const notes: string[] = [];
  const a: string[] = ['tokenbench', 'token'];
  if (p.issuer && p.discovery) a.push(shQuote(p.issuer));
  a.push('--grant-type', SHORT_GRANTS[p.grantType] ?? p.grantType);
  if (p.clientId) a.push('--client-id', shQuote(p.clientId));
  if (usesSecret(p)) a.push('--client-secret', secretArg(o.secrets?.clientSecret, 'CLIENT_SECRET', env));
  a.push('--auth-method', p.clientAuth.method);
  if (p.clientAuth.keyAlias) a.push('--signing-key', shQuote(`keystore:${p.clientAuth.keyAlias}`));
  if (p.clientAuth.signingAlg) a.push('--signing-alg', p.clientAuth.signingAlg);
  if (p.clientAuth.x5t) a.push('--x5t');
  if (p.clientAuth.assertionAudience !== 'token_endpoint') a.push('--assertion-audience', p.clientAuth.assertionAudience);
  if (p.clientAuth.tlsKeyAlias) a.push('--tls-cert', shQuote(`keystore:${p.clientAuth.tlsKeyAlias}`));
  if (p.scopes.length) a.push('--scopes', shQuote(p.scopes.join(',')));
  if (p.audience) a.push('--audience', shQuote(p.audience));
  for (const r of p.resource) a.push('--resource', shQuote(r));
  if (p.endpoints.token) a.push('--token-url', shQuote(p.endpoints.token));
  if (p.endpoints.authorization) a.push('--authorization-url', shQuote(p.endpoints.authorization));
  if (p.endpoints.device_authorization) a.push('--device-authorization-url', shQuote(p.endpoints.device_authorization));
  if (p.pkce === 'off' && p.grantType === 'authorization_code') a.push('--no-pkce');
  if (p.pkce === 'plain') a.push('--pkce-method', 'plain');
  if (p.redirect.mode === 'fixed' && p.redirect.url) a.push('--redirect-url', shQuote(p.redirect.url));
  if (p.openid) a.push('--openid');
  if (p.username) a.push('--username', shQuote(p.username));
  if (p.grantType === 'password') a.push('--password', secretArg(o.secrets?.password, 'PASSWORD', env));
  if (p.grantType === 'refresh_token') a.push('--refresh-token', secretArg(o.secrets?.refreshToken, 'REFRESH_TOKEN', env));
  if (p.grantType === 'urn:ietf:params:oauth:grant-type:token-exchange') {
    a.push('--subject-token', '"$SUBJECT_TOKEN"');
    env.add('SUBJECT_TOKEN');
    if (p.subjectTokenType) a.push('--subject-token-type', shQuote(p.subjectTokenType));
  }
  if (p.jwtBearerClaims) a.push('--assertion', shQuote(JSON.stringify(p.jwtBearerClaims)));
  // --param goes to token and refresh requests alike; the token request's rows are the ones to keep.
  for (const { name, value } of p.params.token) a.push('--param', shQuote(`${name}=${value}`));
  for (const { name, value } of p.params.authorization) a.push('--auth-param', shQuote(`${name}=${value}`));
  if (p.network.proxy) a.push('--proxy', shQuote(p.network.proxy));
  if (p.network.caFile) a.push('--tls-root-ca', shQuote(p.network.caFile));
  if (p.network.insecureSkipTlsVerify) a.push('--insecure');
  return { text: a.join(' '), env: [...env], notes };
}

/** oauth2c (github.com/cloudentity/oauth2c): the same flags where it has them. */
export function oauth2cCommand(p: ConnectionProfile, o: CommandOptions = {}): BuiltCommand {
  const env = new Set<string>();
  const notes: string[] = [];
  const a: string[] = ['oauth2c'];
  a.push(shQuote(p.issuer ?? o.tokenEndpoint ?? '$ISSUER_URL'));
  if (!p.issuer) env.add('ISSUER_URL');
  const grant = SHORT_GRANTS[p.grantType] ?? p.grantType;
  a.push('--grant-type', grant === 'jwt_bearer' ? 'urn:ietf:params:oauth:grant-type:jwt-bearer' : grant === 'device_code' ? 'urn:ietf:params:oauth:grant-type:device_code' : grant === 'token_exchange' ? 'urn:ietf:params:oauth:grant-type:token-exchange' : grant);
  if (p.clientId) a.push('--client-id', shQuote(p.clientId));
  if (usesSecret(p)) a.push('--client-secret', secretArg(o.secrets?.clientSecret, 'CLIENT_SECRET', env));
  a.push('--auth-method', p.clientAuth.method);
  if (p.clientAuth.keyAlias) {
    // oauth2c reads a key file or URL; the keystore never exports private keys.
    a.push('--signing-key', '"$SIGNING_KEY_FILE"');
    env.add('SIGNING_KEY_FILE');
    notes.push(`oauth2c needs the private key of keystore key "${p.clientAuth.keyAlias}" as a file (a JWK or PEM path); the keystore never exports it`);
  }
  if (p.scopes.length) a.push('--scopes', shQuote(p.scopes.join(',')));
  if (p.audience) a.push('--audience', shQuote(p.audience));
  for (const r of p.resource) a.push('--resource', shQuote(r));
  if (p.grantType === 'authorization_code') {
    a.push('--response-types', 'code', '--response-mode', 'query');
    if (p.pkce !== 'off') a.push('--pkce');
  }
  if (p.username) a.push('--username', shQuote(p.username));
  if (p.grantType === 'password') a.push('--password', secretArg(o.secrets?.password, 'PASSWORD', env));
  if (p.grantType === 'refresh_token') a.push('--refresh-token', secretArg(o.secrets?.refreshToken, 'REFRESH_TOKEN', env));
  if (p.params.token.length || p.params.authorization.length) notes.push('oauth2c has no flag for extra request parameters: add them by hand (' + [...p.params.token, ...p.params.authorization].map((r) => r.name).join(', ') + ')');
  if (p.network.insecureSkipTlsVerify) a.push('--insecure');
  return { text: a.join(' '), env: [...env], notes };
}

/** curl against the token endpoint (direct grants; for authorization code, the code exchange with $CODE). */
export function curlCommand(p: ConnectionProfile, o: CommandOptions = {}): BuiltCommand {
  const env = new Set<string>();
  const notes: string[] = [];
  const lines: string[] = [];
  const url = o.tokenEndpoint ?? p.endpoints.token;
  const urlArg = url ? shQuote(url) : '"$TOKEN_ENDPOINT"';
  if (!url) {
    env.add('TOKEN_ENDPOINT');
    notes.push('the token endpoint comes from discovery: set TOKEN_ENDPOINT');
  }
  const a: string[] = ['curl', '-sS', '-X', 'POST', urlArg, '-H', shQuote('Accept: application/json')];
  const form = (name: string, value: string) => a.push('--data-urlencode', shQuote(`${name}=${value}`));
  const formVar = (name: string, ref: string) => a.push('--data-urlencode', `"${name}=${ref}"`);
  a.push('-d', `grant_type=${encodeURIComponent(p.grantType)}`);
  const method = p.clientAuth.method;
  if (method === 'client_secret_basic') {
    // curl -u sends id and secret as they are (not form-encoded, RFC 6749 §2.3.1): the same for ids of letters, digits, - . _ ~
    const secret = o.secrets?.clientSecret;
    if (secret !== undefined) a.push('-u', shQuote(`${p.clientId}:${secret}`));
    else {
      env.add('CLIENT_ID');
      env.add('CLIENT_SECRET');
      a.push('-u', '"$CLIENT_ID:$CLIENT_SECRET"');
    }
  } else if (method === 'client_secret_post') {
    form('client_id', p.clientId);
    if (o.secrets?.clientSecret !== undefined) form('client_secret', o.secrets.clientSecret);
    else {
      env.add('CLIENT_SECRET');
      formVar('client_secret', '$CLIENT_SECRET');
    }
  } else if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
    const aud = url ?? '$TOKEN_ENDPOINT';
    // client_secret_jwt: the secret reaches tokenbench in a 0600 temporary file (mktemp), never as an argument (ps).
    const signer = method === 'private_key_jwt' ? `--key ${shQuote(p.clientAuth.keyAlias ?? 'KEY_ALIAS')}` : `--secret-file "$SECRET_FILE" --alg ${p.clientAuth.signingAlg ?? 'HS256'}`;
    const assertion = `tokenbench assertion ${signer} --iss ${shQuote(p.clientId)} --sub ${shQuote(p.clientId)} --aud ${url ? shQuote(aud) : '"$TOKEN_ENDPOINT"'}${p.clientAuth.x5t ? ' --x5t' : ''}`;
    lines.push(
      method === 'client_secret_jwt'
        ? `SECRET_FILE=$(mktemp) && printf %s ${secretArg(o.secrets?.clientSecret, 'CLIENT_SECRET', env)} > "$SECRET_FILE" && CLIENT_ASSERTION=$(${assertion}); rm -f "$SECRET_FILE"`
        : `CLIENT_ASSERTION=$(${assertion})`,
    );
    form('client_id', p.clientId);
    a.push('-d', 'client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer');
    formVar('client_assertion', '$CLIENT_ASSERTION');
  } else if (method === 'none') form('client_id', p.clientId);
  else notes.push(`${method}: add --cert/--key with the client certificate`);
  if (p.scopes.length && p.grantType !== 'authorization_code') form('scope', p.scopes.join(' '));
  if (p.audience) form('audience', p.audience);
  for (const r of p.resource) form('resource', r);
  switch (p.grantType) {
    case 'password':
      form('username', p.username ?? '');
      if (o.secrets?.password !== undefined) form('password', o.secrets.password);
      else {
        env.add('PASSWORD');
        formVar('password', '$PASSWORD');
      }
      break;
    case 'refresh_token':
      if (o.secrets?.refreshToken !== undefined) form('refresh_token', o.secrets.refreshToken);
      else {
        env.add('REFRESH_TOKEN');
        formVar('refresh_token', '$REFRESH_TOKEN');
      }
      break;
    case 'authorization_code':
      env.add('CODE');
      env.add('REDIRECT_URI');
      formVar('code', '$CODE');
      formVar('redirect_uri', '$REDIRECT_URI');
      if (p.pkce !== 'off') {
        env.add('CODE_VERIFIER');
        formVar('code_verifier', '$CODE_VERIFIER');
      }
      notes.push('authorization code: curl cannot sign in; this is the code exchange (CODE, REDIRECT_URI, CODE_VERIFIER from the authorization step)');
      break;
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
      env.add('ASSERTION');
      formVar('assertion', '$ASSERTION');
      if (p.clientAuth.keyAlias) {
        const claims = p.jwtBearerClaims ?? {};
        lines.push(
          `ASSERTION=$(tokenbench assertion --key ${shQuote(p.clientAuth.keyAlias)} --iss ${shQuote(String(claims.iss ?? p.clientId))} --sub ${shQuote(String(claims.sub ?? p.clientId))} --aud ${shQuote(String(claims.aud ?? url ?? '$TOKEN_ENDPOINT'))})`,
        );
      }
      break;
    case 'urn:ietf:params:oauth:grant-type:token-exchange':
      env.add('SUBJECT_TOKEN');
      formVar('subject_token', '$SUBJECT_TOKEN');
      form('subject_token_type', p.subjectTokenType ?? 'urn:ietf:params:oauth:token-type:access_token');
      break;
    case 'urn:ietf:params:oauth:grant-type:device_code':
      env.add('DEVICE_CODE');
      formVar('device_code', '$DEVICE_CODE');
      notes.push('device code: this is the polling request; start with the device authorization request');
      break;
    default:
      break;
  }
  for (const { name, value } of p.params.token) form(name, value);
  if (p.network.insecureSkipTlsVerify) a.push('-k');
  if (p.network.caFile) a.push('--cacert', shQuote(p.network.caFile));
  if (p.network.proxy) a.push('-x', shQuote(p.network.proxy));
  lines.push(a.join(' '));
  return { text: lines.join('\n'), env: [...env], notes };
}

export function buildCommand(kind: 'tokenbench' | 'oauth2c' | 'curl', p: ConnectionProfile, o: CommandOptions = {}): BuiltCommand {
  return kind === 'tokenbench' ? tokenbenchCommand(p, o) : kind === 'oauth2c' ? oauth2cCommand(p, o) : curlCommand(p, o);
}

// --- One recorded exchange as curl (the exchange view's "Copy as curl") ---------------------------

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Header and claims of a JWT whose signature may be redacted; undefined when it is not a JWT. */
export function decodeJwtParts(value: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const json = (s: string) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  };
  try {
    const header = json(parts[0] as string);
    const claims = json(parts[1] as string);
    return header && typeof header === 'object' && claims && typeof claims === 'object' ? { header, claims } : undefined;
  } catch {
    return undefined;
  }
}

/** Client assertions and JWT bearer assertions sent in a recorded request body, decoded. */
export function assertionsIn(body: string | undefined): Array<{ param: string; header: Record<string, unknown>; claims: Record<string, unknown> }> {
  if (!body) return [];
  const out: Array<{ param: string; header: Record<string, unknown>; claims: Record<string, unknown> }> = [];
  for (const [k, v] of new URLSearchParams(body)) {
    if (k !== 'client_assertion' && k !== 'assertion' && k !== 'request') continue;
    const d = decodeJwtParts(v);
    if (d) out.push({ param: k, ...d });
  }
  return out;
}

const SECRET_BODY_VARS: Record<string, string> = {
  client_secret: 'CLIENT_SECRET',
  password: 'PASSWORD',
  refresh_token: 'REFRESH_TOKEN',
  client_assertion: 'CLIENT_ASSERTION',
  assertion: 'ASSERTION',
  code_verifier: 'CODE_VERIFIER',
  code: 'CODE',
  subject_token: 'SUBJECT_TOKEN',
  actor_token: 'ACTOR_TOKEN',
};

/**
 * A recorded (already redacted) request as curl with its secrets as environment variables: Basic
 * credentials as `-u "$CLIENT_ID:$CLIENT_SECRET"`, secret form fields as `"$CLIENT_SECRET"`, a client
 * assertion as `$CLIENT_ASSERTION` built by `tokenbench assertion` from the decoded claims.
 */
export function exchangeAsCurl(r: RecordedRequest): BuiltCommand {
  const env = new Set<string>();
  const pre: string[] = [];
  const a: string[] = [`curl -i${r.method !== 'GET' ? ` -X ${r.method}` : ''} ${shQuote(r.url)}`];
  for (const [name, value] of Object.entries(r.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'host') continue;
    if (lower === 'authorization' && /^basic\s/i.test(value)) {
      env.add('CLIENT_ID');
      env.add('CLIENT_SECRET');
      a.push('-u "$CLIENT_ID:$CLIENT_SECRET"');
      continue;
    }
    if (lower === 'authorization' && /\[redacted\]|\S+\.\S+\.\[redacted\]/.test(value)) {
      env.add('ACCESS_TOKEN');
      a.push(`-H "${name}: ${value.split(/\s+/)[0]} $ACCESS_TOKEN"`);
      continue;
    }
    if (lower === 'dpop') {
      env.add('DPOP_PROOF');
      a.push(`-H "DPoP: $DPOP_PROOF"`);
      continue;
    }
    a.push(`-H ${shQuote(`${name}: ${value}`)}`);
  }
  const isForm = /application\/x-www-form-urlencoded/i.test(Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
  if (r.body !== undefined && isForm) {
    for (const [k, v] of new URLSearchParams(r.body)) {
      const variable = SECRET_BODY_VARS[k];
      if (variable && (v.includes('[redacted]') || k === 'client_secret' || k === 'password')) {
        env.add(variable);
        a.push(`--data-urlencode "${k}=$${variable}"`);
        const d = k === 'client_assertion' || k === 'assertion' ? decodeJwtParts(v) : undefined;
        if (d) {
          const c = d.claims;
          const auds = Array.isArray(c.aud) ? c.aud : [c.aud];
          const hmac = /^HS/.test(String(d.header.alg ?? ''));
          if (hmac) env.add('CLIENT_SECRET');
          else env.add('KEY_ALIAS');
          const signer = hmac ? `--secret-file "$SECRET_FILE" --alg ${String(d.header.alg)}` : '--key "$KEY_ALIAS"';
          if (hmac) pre.push('SECRET_FILE=$(mktemp) && printf %s "$CLIENT_SECRET" > "$SECRET_FILE"');
          pre.push(
            `${variable}=$(tokenbench assertion ${signer} --iss ${shQuote(String(c.iss ?? ''))} --sub ${shQuote(String(c.sub ?? ''))}${auds
              .filter((x) => x !== undefined)
              .map((x) => ` --aud ${shQuote(String(x))}`)
              .join('')}${d.header.x5t ? ' --x5t' : ''})`,
          );
          if (hmac) pre.push('rm -f "$SECRET_FILE"');
          env.delete(variable);
        }
      } else a.push(`--data-urlencode ${shQuote(`${k}=${v}`)}`);
    }
  } else if (r.body !== undefined) a.push(`--data-raw ${shQuote(r.body)}`);
  return { text: [...pre, a.join(' \\\n  ')].join('\n'), env: [...env], notes: [] };
}
