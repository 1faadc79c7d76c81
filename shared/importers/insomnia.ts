import { WorkbenchError } from '../errors';
import type { Environment } from '../profile';
import { environmentOf, profileOfOAuth, type Conversion, type ImportedProfile, type OAuthFields } from './document';

/**
 * Insomnia exports: v4 JSON (`_type: "export"`, `__export_format: 4`, a flat `resources` list of
 * workspace / request_group / request / environment linked by parentId) and v5 YAML
 * (`type: collection.insomnia.rest/5.0`, nested `collection` items, `environments` with
 * `subEnvironments`). Nunjucks `{{ _.name }}` becomes `{{name}}`.
 */
interface InsomniaAuth {
  type?: string;
  grantType?: string;
  accessTokenUrl?: string;
  authorizationUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  audience?: string;
  resource?: string;
  redirectUrl?: string;
  username?: string;
  password?: string;
  credentialsInBody?: boolean;
  usePkce?: boolean;
  pkceMethod?: string;
  disabled?: boolean;
}

/** `{{ _.name }}` / `{{ name }}` → `{{name}}`; template tags (`{% … %}`) are reported. */
function tmpl(v: unknown, where: string, unmapped: string[]): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (/\{%/.test(v)) unmapped.push(`${where}: template tag in "${v}" is not supported`);
  return v.replace(/\{\{\s*_\.([A-Za-z0-9_.-]+)\s*\}\}/g, '{{$1}}').replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, '{{$1}}');
}

export const isInsomniaV4 = (doc: unknown): boolean => (doc as { _type?: unknown; __export_format?: unknown } | null)?._type === 'export' && Array.isArray((doc as { resources?: unknown }).resources);
export const isInsomniaV5 = (doc: unknown): boolean => typeof (doc as { type?: unknown } | null)?.type === 'string' && /^collection\.insomnia\.rest\/5/.test((doc as { type: string }).type);

function profileOf(a: InsomniaAuth, name: string, where: string, unmapped: string[]): ImportedProfile | undefined {
  const t = (v: unknown) => tmpl(v, where, unmapped);
  const f: OAuthFields = {
    name,
    grant: a.grantType,
    ...(t(a.accessTokenUrl) ? { tokenUrl: t(a.accessTokenUrl) as string } : {}),
    ...(t(a.authorizationUrl) ? { authUrl: t(a.authorizationUrl) as string } : {}),
    ...(t(a.clientId) !== undefined ? { clientId: t(a.clientId) as string } : {}),
    ...(a.clientSecret ? { clientSecret: a.clientSecret } : {}),
    ...(t(a.scope) !== undefined ? { scope: t(a.scope) as string } : {}),
    ...(t(a.audience) ? { audience: t(a.audience) as string } : {}),
    ...(t(a.resource) ? { resource: t(a.resource) as string } : {}),
    ...(t(a.redirectUrl) ? { redirectUrl: t(a.redirectUrl) as string } : {}),
    ...(t(a.username) ? { username: t(a.username) as string } : {}),
    ...(a.password ? { password: a.password } : {}),
    secretInBody: a.credentialsInBody === true,
    ...(a.grantType === 'authorization_code' ? { pkce: a.usePkce ? (a.pkceMethod === 'plain' ? 'plain' : 'S256') : false } : {}),
  };
  return profileOfOAuth(f, where, unmapped);
}

function envVars(data: unknown): Array<{ name: string; value: string; secret: boolean }> {
  if (!data || typeof data !== 'object') return [];
  return Object.entries(data as Record<string, unknown>).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value), secret: false }));
}

export function convertInsomnia(doc: unknown): Conversion {
  const conversion: Conversion = { format: 'insomnia', groups: [], unmapped: [] };
  const u = conversion.unmapped;
  if (isInsomniaV4(doc)) {
    const resources = (doc as { resources: Array<Record<string, unknown>> }).resources;
    for (const ws of resources.filter((r) => r._type === 'workspace')) {
      const byParent = new Map<string, Array<Record<string, unknown>>>();
      for (const r of resources) {
        const k = String(r.parentId ?? '');
        byParent.set(k, [...(byParent.get(k) ?? []), r]);
      }
      const profiles: ImportedProfile[] = [];
      const environments: Environment[] = [];
      const walk = (parentId: string, path: string[]) => {
        for (const r of byParent.get(parentId) ?? []) {
          const name = String(r.name ?? '(unnamed)');
          if (r._type === 'request_group' || r._type === 'request') {
            const a = r.authentication as InsomniaAuth | undefined;
            const where = [...path, name].join(' / ');
            if (a?.type === 'oauth2' && !a.disabled) {
              const p = profileOf(a, name, where, u);
              if (p) profiles.push(p);
            } else if (a?.type && a.type !== 'none') u.push(`${where}: auth type "${a.type}" is not OAuth 2.0`);
            if (r._type === 'request_group') walk(String(r._id), [...path, name]);
          } else if (r._type === 'environment') {
            const { env, skipped } = environmentOf(name, envVars(r.data));
            u.push(...skipped);
            if (env.variables.length) environments.push(env);
            walk(String(r._id), path);
          }
        }
      };
      walk(String(ws._id), []);
      conversion.groups.push({ name: String(ws.name ?? 'Insomnia'), environments, profiles });
    }
    if (!conversion.groups.length) throw new WorkbenchError('INVALID_INPUT', 'the Insomnia export has no workspace');
    return conversion;
  }
  if (isInsomniaV5(doc)) {
    const d = doc as { name?: string; collection?: Array<Record<string, unknown>>; environments?: { name?: string; data?: unknown; subEnvironments?: Array<{ name?: string; data?: unknown }> } };
    const profiles: ImportedProfile[] = [];
    const walk = (items: Array<Record<string, unknown>> | undefined, path: string[]) => {
      for (const it of items ?? []) {
        const name = String(it.name ?? '(unnamed)');
        const where = [...path, name].join(' / ');
        const a = it.authentication as InsomniaAuth | undefined;
        if (a?.type === 'oauth2' && !a.disabled) {
          const p = profileOf(a, name, where, u);
          if (p) profiles.push(p);
        } else if (a?.type && a.type !== 'none') u.push(`${where}: auth type "${a.type}" is not OAuth 2.0`);
        if (Array.isArray(it.children)) walk(it.children as Array<Record<string, unknown>>, [...path, name]);
      }
    };
    walk(d.collection, []);
    const environments: Environment[] = [];
    const base = envVars(d.environments?.data);
    for (const sub of d.environments?.subEnvironments ?? []) {
      const { env, skipped } = environmentOf(String(sub.name ?? 'Environment'), [...base.filter((b) => !envVars(sub.data).some((s) => s.name === b.name)), ...envVars(sub.data)]);
      u.push(...skipped);
      environments.push(env);
    }
    if (!environments.length && base.length) {
      const { env, skipped } = environmentOf(String(d.environments?.name ?? 'Base Environment'), base);
      u.push(...skipped);
      environments.push(env);
    }
    conversion.groups.push({ name: String(d.name ?? 'Insomnia'), environments, profiles });
    return conversion;
  }
  throw new WorkbenchError('INVALID_INPUT', 'not an Insomnia export (v4 JSON with _type "export", or v5 YAML with type collection.insomnia.rest/5.0)');
}
