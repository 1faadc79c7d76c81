import { WorkbenchError } from '../errors';
import { environmentOf, profileOfOAuth, type Conversion, type ImportedProfile } from './document';

/**
 * Postman collection v2.1 (schema https://schema.getpostman.com/json/collection/v2.1.0/collection.json)
 * and Postman environment files. Auth is inherited collection → folder → request: a request with
 * no `auth` (or `type: "inherit"`) uses its parent's; `noauth` stops the chain. Each place that
 * defines its own `oauth2` auth becomes a profile; Postman's `{{variables}}` keep their syntax and
 * the environment's values fill them.
 */
type KV = { key?: string; value?: unknown; type?: string; enabled?: boolean; disabled?: boolean };
interface PostmanAuth {
  type?: string;
  oauth2?: KV[] | Record<string, unknown>;
}
interface PostmanItem {
  name?: string;
  item?: PostmanItem[];
  request?: unknown;
  auth?: PostmanAuth | null;
}

export function isPostmanCollection(doc: unknown): boolean {
  const info = (doc as { info?: { schema?: unknown } } | null)?.info;
  return typeof info?.schema === 'string' && /schema\.(getpostman|postman)\.com\/json\/collection\/v2\.[01]/.test(info.schema);
}
export function isPostmanEnvironment(doc: unknown): boolean {
  const d = doc as { values?: unknown; _postman_variable_scope?: unknown } | null;
  return Array.isArray(d?.values) && (d?._postman_variable_scope === 'environment' || d?._postman_variable_scope === 'globals' || typeof (d as { name?: unknown }).name === 'string');
}

/** `[{key, value}]` (v2.1) or an object (v2.0) → a map. */
function authMap(a: PostmanAuth): Record<string, string> {
  const raw = a.oauth2;
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) for (const kv of raw) if (kv.key) out[kv.key] = kv.value === undefined || kv.value === null ? '' : String(kv.value);
  else if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) out[k] = v === undefined || v === null ? '' : String(v);
  return out;
}

function profileOfPostmanAuth(a: PostmanAuth, name: string, where: string, unmapped: string[]): ImportedProfile | undefined {
  const m = authMap(a);
  const grant = m.grant_type ?? 'authorization_code';
  const pkce = grant === 'authorization_code_with_pkce' ? (m.challengeAlgorithm === 'plain' ? 'plain' : 'S256') : grant === 'authorization_code' ? false : undefined;
  const known = new Set(['grant_type', 'accessTokenUrl', 'authUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'resource', 'redirect_uri', 'username', 'password', 'client_authentication', 'challengeAlgorithm', 'code_verifier', 'state', 'tokenName', 'addTokenTo', 'headerPrefix', 'useBrowser', 'refreshTokenUrl', 'tokenType', 'accessToken', 'authRequestParams', 'tokenRequestParams', 'refreshRequestParams', 'client_authentication']);
  for (const k of Object.keys(m)) if (!known.has(k) && m[k] !== '') unmapped.push(`${where}: OAuth 2.0 setting "${k}" has no equivalent here`);
  if (m.accessToken) unmapped.push(`${where}: a stored access token was in the file; it was not imported`);
  const rows = (key: string) => {
    const v = (Array.isArray(a.oauth2) ? a.oauth2.find((kv) => kv.key === key)?.value : undefined) as unknown;
    return Array.isArray(v) ? (v as Array<{ key?: string; value?: string; enabled?: boolean }>).filter((r) => r.key && r.enabled !== false).map((r) => ({ name: String(r.key), value: String(r.value ?? '') })) : [];
  };
  return profileOfOAuth(
    {
      name,
      grant,
      tokenUrl: m.accessTokenUrl,
      authUrl: m.authUrl,
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      scope: m.scope,
      audience: m.audience,
      resource: m.resource,
      redirectUrl: m.redirect_uri,
      username: m.username,
      password: m.password,
      secretInBody: m.client_authentication === 'body',
      ...(pkce !== undefined ? { pkce } : {}),
      extraTokenParams: rows('tokenRequestParams'),
      extraAuthParams: rows('authRequestParams'),
    },
    where,
    unmapped,
  );
}

export function convertPostman(files: Array<{ name: string; doc: unknown }>): Conversion {
  const conversion: Conversion = { format: 'postman', groups: [], unmapped: [] };
  const environments = files.filter((f) => isPostmanEnvironment(f.doc) && !isPostmanCollection(f.doc));
  const collections = files.filter((f) => isPostmanCollection(f.doc));
  if (!collections.length && !environments.length) throw new WorkbenchError('INVALID_INPUT', 'not a Postman collection (v2.1) or environment file');
  const envs = environments.map((f) => {
    const d = f.doc as { name?: string; values: KV[] };
    const { env, skipped } = environmentOf(
      d.name ?? f.name,
      d.values.filter((v) => v.key && v.enabled !== false).map((v) => ({ name: String(v.key), value: String(v.value ?? ''), secret: v.type === 'secret' })),
    );
    conversion.unmapped.push(...skipped);
    return env;
  });
  for (const f of collections) {
    const doc = f.doc as PostmanItem & { info: { name?: string }; variable?: KV[] };
    const profiles: ImportedProfile[] = [];
    // Postman applies collection variables under the active environment: each environment gets them, its own values winning.
    let groupEnvs = envs;
    if (doc.variable?.length) {
      const { env: collectionEnv, skipped } = environmentOf('Collection variables', doc.variable.filter((v) => v.key && !v.disabled).map((v) => ({ name: String(v.key), value: String(v.value ?? ''), secret: v.type === 'secret' })));
      conversion.unmapped.push(...skipped);
      groupEnvs = envs.length
        ? envs.map((e) => ({ ...e, variables: [...collectionEnv.variables.filter((cv) => !e.variables.some((v) => v.name === cv.name)), ...e.variables] }))
        : [collectionEnv];
    }
    const walk = (item: PostmanItem, inherited: PostmanAuth | null, path: string[]) => {
      // Folders and the collection carry `auth`; a request carries it in `request.auth`.
      const declared = item.auth ?? (item.request && typeof item.request === 'object' ? (item.request as { auth?: PostmanAuth | null }).auth : undefined);
      const own = declared && declared.type !== 'inherit' ? declared : undefined;
      const effective = own ?? inherited;
      const where = path.join(' / ') || doc.info.name || f.name;
      if (own) {
        if (own.type === 'oauth2') {
          const p = profileOfPostmanAuth(own, item.name ?? doc.info.name ?? 'OAuth 2.0', where, conversion.unmapped);
          if (p) profiles.push(p);
        } else if (own.type !== 'noauth') conversion.unmapped.push(`${where}: auth type "${own.type}" is not OAuth 2.0`);
      }
      void effective;
      for (const child of item.item ?? []) walk(child, effective ?? null, [...path, child.name ?? '(unnamed)']);
    };
    walk(doc, null, []);
    conversion.groups.push({ name: doc.info.name ?? f.name, environments: groupEnvs, profiles });
  }
  if (!collections.length) conversion.groups.push({ name: envs[0]?.name ?? 'Postman environments', environments: envs, profiles: [] });
  return conversion;
}
