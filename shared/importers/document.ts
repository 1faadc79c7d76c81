import type { ImportFormat } from '../ipc';
import { ConnectionProfileSchema, describeIssues, type ConnectionGroup, type ConnectionProfileInput, type Environment } from '../profile';

/**
 * What every importer (issue 13 §4) produces: groups, environments and profiles in this app's own
 * terms, plus what it could not map and the secrets it found and left out. `toConnectionsDocument`
 * writes it as a Token Workbench connections file, which the normal import path then takes — its
 * trust rules apply, and no secret value is ever in it (only the placeholders export uses).
 */
export interface ImportedProfile {
  profile: Omit<ConnectionProfileInput, 'id'>;
  /** Secrets the source holds for this profile (values never kept). */
  secrets: Array<'clientSecret' | 'password' | 'refreshToken'>;
}

export interface Conversion {
  format: ImportFormat;
  groups: Array<{ name: string; environments: Environment[]; profiles: ImportedProfile[] }>;
  unmapped: string[];
}

const placeholderFor = (name: string) => `<set ${name} in Token Workbench>`;

export function toConnectionsDocument(c: Conversion, newId: () => string = () => globalThis.crypto.randomUUID()): {
  json: string;
  groups: number;
  profiles: number;
  unmapped: string[];
  needsSecret: Array<{ profile: string; secret: string }>;
} {
  const groups: ConnectionGroup[] = [];
  const profiles: Array<Record<string, unknown>> = [];
  const needsSecret: Array<{ profile: string; secret: string }> = [];
  const unmapped = [...c.unmapped];
  for (const g of c.groups) {
    const groupId = newId();
    groups.push({ id: groupId, name: g.name.slice(0, 200) || 'Imported', defaults: {}, ...(g.environments.length ? { environments: g.environments, activeEnvironmentId: g.environments[0]?.id } : {}) });
    for (const ip of g.profiles) {
      const profile = { ...ip.profile, id: newId(), groupId, secretRefs: ip.secrets };
      const parsed = ConnectionProfileSchema.safeParse(profile);
      if (!parsed.success) {
        unmapped.push(`"${ip.profile.name}": ${describeIssues(parsed.error)}`);
        continue;
      }
      for (const s of ip.secrets) needsSecret.push({ profile: parsed.data.name, secret: s });
      const { createdAt: _c, updatedAt: _u, ...rest } = parsed.data;
      profiles.push({ ...rest, secrets: Object.fromEntries(ip.secrets.map((s) => [s, placeholderFor(s)])) });
    }
  }
  const doc = { format: 'tokenbench-connections', version: 1, exportedAt: new Date().toISOString(), groups, profiles };
  return { json: `${JSON.stringify(doc, null, 2)}\n`, groups: groups.length, profiles: profiles.length, unmapped, needsSecret };
}

/** An environment from name/value pairs; secret ones keep only their name. */
export function environmentOf(name: string, vars: Array<{ name: string; value: string; secret: boolean }>, newId: () => string = () => globalThis.crypto.randomUUID()): { env: Environment; skipped: string[] } {
  const skipped: string[] = [];
  const variables: Environment['variables'] = [];
  for (const v of vars) {
    const clean = v.name.trim();
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(clean)) {
      skipped.push(`environment "${name}": variable "${v.name}" has characters {{name}} cannot use`);
      continue;
    }
    variables.push(v.secret ? { name: clean, secret: true } : { name: clean, value: String(v.value ?? '').slice(0, 8192), secret: false });
  }
  return { env: { id: newId(), name: name.slice(0, 100) || 'Imported', variables, production: /\bprod/i.test(name) || undefined }, skipped };
}

/** The grants as other tools spell them. */
export function grantOf(value: string | undefined): ConnectionProfileInput['grantType'] | undefined {
  switch ((value ?? '').toLowerCase().replace(/[\s-]/g, '_')) {
    case 'authorization_code':
    case 'authorization_code_with_pkce':
    case 'code':
      return 'authorization_code';
    case 'client_credentials':
      return 'client_credentials';
    case 'password':
    case 'password_credentials':
    case 'resource_owner_password_credentials':
      return 'password';
    case 'implicit':
      return 'implicit';
    case 'refresh_token':
      return 'refresh_token';
    case 'urn:ietf:params:oauth:grant_type:jwt_bearer':
      return 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    case 'urn:ietf:params:oauth:grant_type:device_code':
    case 'device_code':
      return 'urn:ietf:params:oauth:grant-type:device_code';
    case 'urn:ietf:params:oauth:grant_type:token_exchange':
      return 'urn:ietf:params:oauth:grant-type:token-exchange';
    default:
      return undefined;
  }
}

/** The common OAuth fields every tool has, as a profile. */
export interface OAuthFields {
  name: string;
  grant?: string;
  tokenUrl?: string;
  authUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  audience?: string;
  resource?: string;
  redirectUrl?: string;
  username?: string;
  password?: string;
  /** Client secret in the body (post) or the Basic header. */
  secretInBody?: boolean;
  pkce?: boolean | 'S256' | 'plain';
  extraTokenParams?: Array<{ name: string; value: string }>;
  extraAuthParams?: Array<{ name: string; value: string }>;
}

export function profileOfOAuth(f: OAuthFields, where: string, unmapped: string[]): ImportedProfile | undefined {
  const grantType = grantOf(f.grant);
  if (!grantType) {
    unmapped.push(`${where}: grant type "${f.grant ?? '(none)'}" is not one this app speaks`);
    return undefined;
  }
  const secrets: ImportedProfile['secrets'] = [];
  const has = (v: string | undefined) => v !== undefined && v.trim() !== '';
  if (has(f.clientSecret)) secrets.push('clientSecret');
  if (has(f.password) && grantType === 'password') secrets.push('password');
  const method = !has(f.clientSecret) ? 'none' : f.secretInBody ? 'client_secret_post' : 'client_secret_basic';
  const endpoints: Record<string, string> = {};
  if (has(f.tokenUrl)) endpoints.token = (f.tokenUrl as string).trim();
  if (has(f.authUrl)) endpoints.authorization = (f.authUrl as string).trim();
  const pkce = f.pkce === 'plain' ? 'plain' : f.pkce === false ? 'off' : 'S256';
  return {
    profile: {
      name: f.name.slice(0, 200) || 'Imported',
      discovery: false,
      endpoints,
      grantType,
      clientId: (f.clientId ?? '').trim(),
      clientAuth: { method, assertionAudience: 'token_endpoint', assertionLifetime: 300, x5t: false },
      scopes: (f.scope ?? '').split(/[\s,]+/).filter(Boolean),
      pkce: grantType === 'authorization_code' ? pkce : 'S256',
      ...(has(f.redirectUrl) ? { redirect: { mode: 'fixed' as const, url: (f.redirectUrl as string).trim() } } : {}),
      ...(has(f.audience) ? { audience: (f.audience as string).trim() } : {}),
      resource: has(f.resource) ? [(f.resource as string).trim()] : [],
      ...(has(f.username) ? { username: (f.username as string).trim() } : {}),
      params: { authorization: f.extraAuthParams ?? [], token: f.extraTokenParams ?? [], refresh: [] },
      secretRefs: [],
    },
    secrets,
  };
}
