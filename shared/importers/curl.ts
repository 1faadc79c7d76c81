import { WorkbenchError } from '../errors';
import { profileOfOAuth, type Conversion } from './document';

/** Splits a shell command line into words: quotes, backslash escapes and line continuations, no expansion. */
export function shellWords(input: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const s = input.replace(/\\\r?\n/g, ' ');
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new WorkbenchError('INVALID_INPUT', 'unterminated single quote in the curl command');
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1] as string)) i++;
        cur += s[i];
        i++;
      }
      if (i >= s.length) throw new WorkbenchError('INVALID_INPUT', 'unterminated double quote in the curl command');
      inWord = true;
      i++;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export const isCurl = (text: string): boolean => /^\s*(\$\s*)?curl(\.exe)?\s/.test(text);

/** A pasted `curl` command calling a token endpoint, as a profile; secrets in it are reported, never kept. */
export function convertCurl(text: string): Conversion {
  const words = shellWords(text.trim().replace(/^\$\s*/, ''));
  if (!/^curl(\.exe)?$/.test(words[0] ?? '')) throw new WorkbenchError('INVALID_INPUT', 'not a curl command (it should start with "curl")');
  const unmapped: string[] = [];
  let url: string | undefined;
  const data: string[] = [];
  const headers: Array<[string, string]> = [];
  let user: string | undefined;
  const withValue = new Set(['-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--data-urlencode', '-u', '--user', '--url', '-A', '--user-agent', '-o', '--output', '--cacert', '--cert', '--key', '-x', '--proxy', '-m', '--max-time', '--connect-timeout', '-b', '--cookie', '-e', '--referer', '-F', '--form']);
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    const next = () => words[++i] ?? '';
    if (w === '-H' || w === '--header') {
      const h = next();
      const c = h.indexOf(':');
      if (c > 0) headers.push([h.slice(0, c).trim().toLowerCase(), h.slice(c + 1).trim()]);
    } else if (['-d', '--data', '--data-raw', '--data-binary', '--data-ascii'].includes(w)) data.push(next());
    else if (w === '--data-urlencode') {
      const v = next();
      const eq = v.indexOf('=');
      data.push(eq > 0 ? `${v.slice(0, eq)}=${encodeURIComponent(v.slice(eq + 1))}` : encodeURIComponent(v));
    } else if (w === '-u' || w === '--user') user = next();
    else if (w === '--url') url = next();
    else if (w === '-F' || w === '--form') {
      unmapped.push(`multipart field ${next()} (-F) is not read`);
    } else if (withValue.has(w)) next();
    else if (w.startsWith('-')) continue;
    else url ??= w;
  }
  if (!url) throw new WorkbenchError('INVALID_INPUT', 'the curl command has no URL');
  const type = headers.find(([k]) => k === 'content-type')?.[1] ?? '';
  const body = data.join('&');
  const fields: Record<string, string> = {};
  if (/json/i.test(type) || body.trimStart().startsWith('{')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(body) as Record<string, unknown>)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      throw new WorkbenchError('INVALID_INPUT', 'the curl command sends a body that is not valid JSON');
    }
  } else for (const [k, v] of new URLSearchParams(body)) fields[k] = v;
  if (!fields.grant_type) throw new WorkbenchError('INVALID_INPUT', 'the curl command does not call a token endpoint (no grant_type in its body)');

  let clientId = fields.client_id;
  let clientSecret = fields.client_secret;
  let inBody = clientSecret !== undefined;
  const basic = headers.find(([k, v]) => k === 'authorization' && /^basic\s/i.test(v))?.[1];
  const decodeUser = (u: string) => {
    const c = u.indexOf(':');
    return c < 0 ? [u, undefined] : [u.slice(0, c), u.slice(c + 1)];
  };
  if (user !== undefined) [clientId, clientSecret] = decodeUser(user) as [string, string | undefined];
  else if (basic) {
    try {
      const [id, secret] = decodeUser(atob(basic.replace(/^basic\s+/i, '').trim())) as [string, string | undefined];
      // RFC 6749 §2.3.1: the parts are form-encoded before base64.
      clientId = decodeURIComponent(id.replace(/\+/g, ' '));
      clientSecret = secret === undefined ? undefined : decodeURIComponent(secret.replace(/\+/g, ' '));
    } catch {
      unmapped.push('the Authorization: Basic header could not be decoded');
    }
  }
  if (user !== undefined || basic) inBody = false;
  const handled = new Set(['grant_type', 'client_id', 'client_secret', 'scope', 'audience', 'resource', 'username', 'password', 'redirect_uri', 'code', 'code_verifier', 'refresh_token', 'assertion', 'client_assertion', 'client_assertion_type', 'subject_token', 'actor_token', 'device_code']);
  const extra = Object.entries(fields).filter(([k]) => !handled.has(k)).map(([name, value]) => ({ name, value }));
  for (const k of ['code', 'code_verifier', 'refresh_token', 'assertion', 'client_assertion', 'subject_token', 'actor_token', 'device_code']) if (fields[k]) unmapped.push(`${k}: a one-time or per-run value; not kept`);
  const grant = fields.grant_type;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return 'token endpoint';
    }
  })();
  const p = profileOfOAuth(
    {
      name: `${host} (${grant.replace(/^urn:ietf:params:oauth:grant-type:/, '')})`,
      grant,
      tokenUrl: url,
      ...(clientId !== undefined ? { clientId } : {}),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(fields.scope !== undefined ? { scope: fields.scope } : {}),
      ...(fields.audience !== undefined ? { audience: fields.audience } : {}),
      ...(fields.resource !== undefined ? { resource: fields.resource } : {}),
      ...(fields.username !== undefined ? { username: fields.username } : {}),
      ...(fields.password !== undefined ? { password: fields.password } : {}),
      ...(fields.redirect_uri !== undefined ? { redirectUrl: fields.redirect_uri } : {}),
      secretInBody: inBody,
      ...(grant === 'authorization_code' ? { pkce: fields.code_verifier !== undefined } : {}),
      extraTokenParams: extra,
    },
    'curl command',
    unmapped,
  );
  if (p && fields.client_assertion) {
    p.profile.clientAuth = { method: 'private_key_jwt', assertionAudience: 'token_endpoint', assertionLifetime: 300, x5t: false };
    unmapped.push('private_key_jwt: choose the keystore key that signs the client assertion');
  }
  return { format: 'curl', groups: [{ name: 'Imported from curl', environments: [], profiles: p ? [p] : [] }], unmapped };
}
