import { WorkbenchError } from '../errors';
import type { Environment } from '../profile';
import { environmentOf, profileOfOAuth, type Conversion, type ImportedProfile } from './document';

/**
 * Bruno collections: a folder of `.bru` files (bruno-lang v2: `name { key: value }` dictionary blocks,
 * `name [ a, b ]` list blocks, and `'''` multi-line text blocks), `collection.bru` with the
 * collection-wide `auth:oauth2`, `bruno.json`, and `environments/*.bru` with `vars { }` and
 * `vars:secret [ ]` (names only: Bruno keeps those values out of the files too).
 */
type Block = { kind: 'dict'; entries: Array<[string, string, boolean]> } | { kind: 'list'; items: string[] } | { kind: 'text'; text: string };

export function parseBru(text: string): Map<string, Block> {
  const blocks = new Map<string, Block>();
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^([A-Za-z0-9_:-]+)\s*([{[])\s*$/.exec(lines[i] as string);
    if (!head) continue;
    const name = head[1] as string;
    const close = head[2] === '{' ? '}' : ']';
    const body: string[] = [];
    for (i++; i < lines.length && (lines[i] as string).trim() !== close; i++) body.push(lines[i] as string);
    if (close === ']') {
      blocks.set(name, { kind: 'list', items: body.join('\n').split(/[,\n]/).map((s) => s.trim()).filter(Boolean) });
    } else if (/^(body|script|tests|docs)(:|$)/.test(name)) {
      blocks.set(name, { kind: 'text', text: body.map((l) => l.replace(/^ {2}/, '')).join('\n') });
    } else {
      const entries: Array<[string, string, boolean]> = [];
      for (const l of body) {
        const m = /^\s*(~?)([^:]+?)\s*:\s?(.*)$/.exec(l);
        if (m) entries.push([(m[2] as string).trim(), (m[3] as string).trim(), m[1] === '~']);
      }
      blocks.set(name, { kind: 'dict', entries });
    }
  }
  return blocks;
}

const dict = (b: Block | undefined): Record<string, string> => (b?.kind === 'dict' ? Object.fromEntries(b.entries.filter(([, , off]) => !off).map(([k, v]) => [k, v])) : {});

function profileOfBru(a: Record<string, string>, name: string, where: string, unmapped: string[], blocks: Map<string, Block>): ImportedProfile | undefined {
  const rows = (block: string) => Object.entries(dict(blocks.get(block))).map(([k, v]) => ({ name: k, value: v }));
  const grant = a.grant_type;
  const handled = new Set(['token_source', 'grant_type', 'access_token_url', 'authorization_url', 'callback_url', 'client_id', 'client_secret', 'scope', 'state', 'pkce', 'username', 'password', 'credentials_placement', 'credentials_id', 'token_placement', 'token_header_prefix', 'auto_fetch_token', 'auto_refresh_token', 'refresh_token_url', 'token_query_key']);
  for (const k of Object.keys(a)) if (!handled.has(k) && a[k]) unmapped.push(`${where}: OAuth 2.0 setting "${k}" has no equivalent here`);
  return profileOfOAuth(
    {
      name,
      grant,
      tokenUrl: a.access_token_url,
      authUrl: a.authorization_url,
      clientId: a.client_id,
      clientSecret: a.client_secret,
      scope: a.scope,
      redirectUrl: a.callback_url,
      username: a.username,
      password: a.password,
      // Bruno's default placement is the body (bruno-lang bruToJson: credentialsPlacement ?? 'body').
      secretInBody: a.credentials_placement !== 'basic_auth_header',
      extraTokenParams: rows('auth:oauth2:additional_params:access_token_req:body'),
      extraAuthParams: rows('auth:oauth2:additional_params:auth_req:queryparams'),
      ...(grant === 'authorization_code' ? { pkce: a.pkce === 'true' } : {}),
    },
    where,
    unmapped,
  );
}

/** `files`: paths relative to the collection folder (e.g. "collection.bru", "auth/Get token.bru", "environments/dev.bru"). */
export function convertBruno(files: Array<{ name: string; text: string }>): Conversion {
  const bru = files.filter((f) => f.name.endsWith('.bru'));
  if (!bru.length) throw new WorkbenchError('INVALID_INPUT', 'no .bru files: give the Bruno collection folder');
  const unmapped: string[] = [];
  const profiles: ImportedProfile[] = [];
  const environments = [];
  let collectionName = 'Bruno collection';
  const brunoJson = files.find((f) => /(^|\/)bruno\.json$/.test(f.name));
  if (brunoJson) {
    try {
      collectionName = String((JSON.parse(brunoJson.text) as { name?: string }).name ?? collectionName);
    } catch {
      unmapped.push('bruno.json is not JSON');
    }
  }
  for (const f of bru.sort((a, b) => a.name.localeCompare(b.name))) {
    const blocks = parseBru(f.text);
    const path = f.name.replace(/\\/g, '/');
    if (/(^|\/)environments\/[^/]+\.bru$/.test(path)) {
      const vars = Object.entries(dict(blocks.get('vars'))).map(([name, value]) => ({ name, value, secret: false }));
      const secretBlock = blocks.get('vars:secret');
      const secretNames = secretBlock?.kind === 'list' ? secretBlock.items.filter((n) => !n.startsWith('~')) : [];
      const { env, skipped } = environmentOf(path.replace(/^.*\//, '').replace(/\.bru$/, ''), [...vars, ...secretNames.map((name) => ({ name, value: '', secret: true }))]);
      unmapped.push(...skipped);
      environments.push(env);
      continue;
    }
    const meta = dict(blocks.get('meta'));
    const isCollection = /(^|\/)collection\.bru$/.test(path);
    const isFolder = /(^|\/)folder\.bru$/.test(path);
    const name = meta.name ?? (isCollection ? collectionName : path.replace(/^.*\//, '').replace(/\.bru$/, ''));
    const oauth = blocks.get('auth:oauth2');
    const method = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'].map((m) => dict(blocks.get(m))).find((d) => Object.keys(d).length);
    const mode = isCollection || isFolder ? dict(blocks.get('auth')).mode : method?.auth;
    if (oauth && (mode === 'oauth2' || mode === undefined)) {
      const p = profileOfBru(dict(oauth), name, path, unmapped, blocks);
      if (p) profiles.push(p);
    } else if (mode && !['none', 'inherit', 'oauth2'].includes(mode)) unmapped.push(`${path}: auth mode "${mode}" is not OAuth 2.0`);
  }
  return { format: 'bruno', groups: [{ name: collectionName, environments, profiles }], unmapped };
}
