import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import { convertImportFiles, type ImportFile } from '../../shared/importers';
import { shellWords } from '../../shared/importers/curl';
import { parseBru } from '../../shared/importers/bruno';

/** Importers (issue 13 §4) on files shaped like what Postman, Insomnia and Bruno write (test/fixtures/imports). */
const dir = join(__dirname, '../fixtures/imports');
const file = (name: string): ImportFile => ({ name, text: readFileSync(join(dir, name), 'utf8') });
const folder = (name: string): ImportFile[] => {
  const out: ImportFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ name: relative(join(dir, name), full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(dir, name));
  return out;
};
const convert = (files: ImportFile[], format?: 'postman' | 'insomnia' | 'bruno' | 'curl') => convertImportFiles(files, format, (t) => parseYaml(t));
type Doc = { format: string; groups: Array<{ name: string; environments?: Array<{ name: string; variables: Array<{ name: string; value?: string; secret: boolean }> }> }>; profiles: Array<Record<string, any>> };
const docOf = (json: string) => JSON.parse(json) as Doc;

describe('Postman collection v2.1 and environment', () => {
  const result = convert([file('postman-collection.json'), file('postman-environment.json')]);
  const doc = docOf(result.json);

  test('detects the format and maps collection and folder auth to profiles; inheriting requests add none', () => {
    expect(result.format).toBe('postman');
    expect(doc.format).toBe('tokenbench-connections');
    expect(doc.groups.map((g) => g.name)).toEqual(['Partner API']);
    expect(doc.profiles.map((p) => p.name)).toEqual(['Partner API', 'As a user']);
    const [cc, code] = doc.profiles as [Record<string, any>, Record<string, any>];
    expect(cc).toMatchObject({ grantType: 'client_credentials', clientId: '{{clientId}}', endpoints: { token: '{{baseUrl}}/token' }, scopes: ['api:read'], clientAuth: { method: 'client_secret_post' }, discovery: false });
    expect(code).toMatchObject({ grantType: 'authorization_code', pkce: 'S256', clientId: 'sandbox-public', redirect: { mode: 'fixed', url: 'http://localhost:8080/callback' }, scopes: ['openid', 'offline_access'], clientAuth: { method: 'none' } });
  });

  test('never takes a secret: the collection\'s client secret and the secret variable are listed, not kept', () => {
    expect(result.json).not.toContain('s3cr3t-in-the-collection');
    expect(result.json).not.toContain('env-secret-do-not-import');
    expect(result.needsSecret).toEqual([{ profile: 'Partner API', secret: 'clientSecret' }]);
    expect(doc.profiles[0]!.secrets).toEqual({ clientSecret: '<set clientSecret in Token Workbench>' });
  });

  test('environment with collection variables underneath; disabled values left out; secret variables by name only', () => {
    const env = doc.groups[0]!.environments![0]!;
    expect(env.name).toBe('dev');
    expect(env.variables).toEqual([
      { name: 'clientId', value: 'sandbox-post', secret: false },
      { name: 'baseUrl', value: 'http://127.0.0.1:9', secret: false },
      { name: 'apiKey', secret: true },
    ]);
  });

  test('lists what it could not map', () => {
    expect(result.unmapped.join('\n')).toContain('Legacy: auth type "apikey" is not OAuth 2.0');
  });
});

describe('Insomnia', () => {
  test('v4 JSON: folder and request auth, {{ _.x }} templates, sub-environments', () => {
    const r = convert([file('insomnia-v4.json')]);
    expect(r.format).toBe('insomnia');
    const doc = docOf(r.json);
    expect(doc.profiles.map((p) => p.name)).toEqual(['Machine to machine', 'Sign in']);
    expect(doc.profiles[0]).toMatchObject({ clientId: '{{client_id}}', endpoints: { token: '{{base_url}}/token' }, clientAuth: { method: 'client_secret_basic' } });
    expect(doc.profiles[1]).toMatchObject({ grantType: 'authorization_code', pkce: 'S256', endpoints: { authorization: '{{base_url}}/auth' } });
    expect(doc.groups[0]!.environments!.map((e) => e.name)).toEqual(['dev']);
    expect(r.json).not.toContain('insomnia-secret');
    expect(r.needsSecret).toEqual([{ profile: 'Machine to machine', secret: 'clientSecret' }]);
    expect(r.unmapped.join('\n')).toContain('Basic: auth type "basic" is not OAuth 2.0');
  });

  test('v5 YAML: nested collection and environments', () => {
    const r = convert([file('insomnia-v5.yaml')]);
    expect(r.format).toBe('insomnia');
    const doc = docOf(r.json);
    expect(doc.groups[0]!.name).toBe('Insomnia v5 Partner');
    expect(doc.profiles).toHaveLength(1);
    expect(doc.profiles[0]).toMatchObject({ name: 'Machine to machine', clientAuth: { method: 'client_secret_post' }, clientId: '{{client_id}}' });
    expect(doc.groups[0]!.environments![0]).toMatchObject({ name: 'staging' });
    expect(doc.groups[0]!.environments![0]!.variables).toEqual(expect.arrayContaining([{ name: 'base_url', value: 'http://127.0.0.1:9', secret: false }, { name: 'client_id', value: 'sandbox-post', secret: false }]));
    expect(r.json).not.toContain('v5-secret');
  });
});

describe('Bruno collection folder', () => {
  test('collection.bru and request .bru auth:oauth2 blocks, environments with vars:secret', () => {
    const r = convert(folder('bruno-collection'));
    expect(r.format).toBe('bruno');
    const doc = docOf(r.json);
    expect(doc.groups[0]!.name).toBe('Bruno Partner');
    const byName = Object.fromEntries(doc.profiles.map((p) => [p.name, p]));
    expect(byName['Bruno Partner']).toMatchObject({ grantType: 'client_credentials', clientId: '{{clientId}}', clientAuth: { method: 'client_secret_basic' }, endpoints: { token: '{{baseUrl}}/token' } });
    expect(byName['Password grant']).toMatchObject({ grantType: 'password', username: 'alice', clientAuth: { method: 'none' }, params: { token: [{ name: 'audience', value: 'https://api.sandbox.test' }] } });
    expect(r.json).not.toContain('bruno-password');
    expect(r.needsSecret).toEqual(expect.arrayContaining([{ profile: 'Bruno Partner', secret: 'clientSecret' }, { profile: 'Password grant', secret: 'password' }]));
    expect(doc.groups[0]!.environments![0]).toMatchObject({ name: 'dev', variables: [{ name: 'baseUrl', value: 'http://127.0.0.1:9', secret: false }, { name: 'clientId', value: 'sandbox-basic', secret: false }, { name: 'clientSecret', secret: true }] });
    expect(r.unmapped.join('\n')).toContain('auth mode "digest"');
  });

  test('bru blocks: dictionaries, lists, disabled (~) pairs', () => {
    const blocks = parseBru('meta {\n  name: x\n  ~seq: 1\n}\nvars:secret [\n  a,\n  b\n]\n');
    expect(blocks.get('meta')).toEqual({ kind: 'dict', entries: [['name', 'x', false], ['seq', '1', true]] });
    expect(blocks.get('vars:secret')).toEqual({ kind: 'list', items: ['a', 'b'] });
  });
});

describe('a pasted curl command', () => {
  test('-u client credentials with a form body: the secret is reported, never kept', () => {
    const r = convert([file('curl-client-credentials.txt')]);
    expect(r.format).toBe('curl');
    const doc = docOf(r.json);
    expect(doc.profiles[0]).toMatchObject({
      grantType: 'client_credentials',
      clientId: 'my-app',
      clientAuth: { method: 'client_secret_basic' },
      endpoints: { token: 'https://login.example.com/oauth2/v2.0/token' },
      scopes: ['https://graph.microsoft.com/.default'],
      resource: ['https://api.example.com'],
    });
    expect(r.json).not.toContain('curl-secret-value');
    expect(r.needsSecret).toEqual([{ profile: doc.profiles[0]!.name, secret: 'clientSecret' }]);
  });

  test('a JSON body (Auth0 style) and a Basic header', () => {
    const r = convert([{ name: 'paste', text: `curl --request POST --url https://tenant.auth0.com/oauth/token --header 'content-type: application/json' --header "Authorization: Basic ${btoa('id%3Ax:sec')}" --data '{"grant_type":"client_credentials","audience":"https://api.example.com"}'` }]);
    const p = docOf(r.json).profiles[0]!;
    expect(p).toMatchObject({ clientId: 'id:x', audience: 'https://api.example.com', clientAuth: { method: 'client_secret_basic' } });
    expect(r.json).not.toContain('sec"');
  });

  test('ensure-curl-without-grant-type-fails', () => {
    expect(() => convert([{ name: 'p', text: 'curl https://api.example.com/orders -H "Authorization: Bearer x"' }], 'curl')).toThrow(/no grant_type/);
  });

  test('shell words: quotes, escapes, continuations', () => {
    expect(shellWords(`curl -d 'a b' "c \\"d\\"" e\\ f \\\n -x`)).toEqual(['curl', '-d', 'a b', 'c "d"', 'e f', '-x']);
  });
});

test('ensure-unknown-format-fails with the --from hint', () => {
  expect(() => convert([{ name: 'x.json', text: '{"hello":1}' }])).toThrow(/--from postman\|insomnia\|bruno\|curl/);
});
