import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { exchangeAsCurl } from '../../shared/commands';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { COGNITO_ALLOWED_SCOPES, PINGFEDERATE_ATM_ID } from '../../electron/sandbox/preset-quirks';
import { NETIQ_LIKE_CLIENT_ID, NETIQ_RESOURCE_SERVER } from '../../electron/sandbox/preset-rewrites';
import { SANDBOX_RESOURCE } from '../../electron/sandbox/resources';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import type { SecretStore } from '../../electron/secrets/secret-store';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import type { ConnectionProfile } from '../../shared/profile';

/**
 * Environments and variables (issue 13 §3) and provider presets run against sandbox clients that
 * behave like each provider's quirk (issue 13 §2): the app service's handlers, called through
 * dispatch as main calls them, the real sandbox, the real keychain.
 */
let sandbox: SandboxHandle;
let service: AppService;
let secrets: SecretStore;
let dataDir: string;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw Object.assign(new Error(`${name}: ${result.error.code} ${result.error.message}`), { info: result.error });
  return result.value;
}
async function failure<N extends OperationName>(name: N, arg: OperationArg<N>) {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (result.ok) throw new Error(`${name} succeeded but should have failed`);
  return result.error;
}
const runId = () => randomUUID().replace(/-/g, '');
const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;
/** A stored profile as saveProfile takes it back (the store sets the timestamps). */
const draft = ({ createdAt: _c, updatedAt: _u, ...p }: ConnectionProfile) => p;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-h13-'));
  secrets = openSecretStore({ dataDir, service: `tokenbench-test-${randomUUID()}` });
  service = openAppService({ dataDir, mode: 'web', version: 'test', secrets, openBrowser: async () => undefined });
  // The Salesforce-like client trusts this keystore key (as a connected app trusts its certificate).
  const key = await call('generateKey', { alias: 'sf-key', alg: 'RS256' });
  sandbox = await startSandbox({ clientJwks: { keys: [key.publicJwk as never] } });
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('environments and variables', () => {
  async function groupWithEnvironments() {
    const group = await call('saveGroup', {
      name: `Team ${randomUUID().slice(0, 6)}`,
      defaults: {},
      environments: [
        { id: 'dev', name: 'dev', variables: [{ name: 'issuer', value: sandbox.issuer, secret: false }, { name: 'client', value: 'sandbox-basic', secret: false }, { name: 'secret', secret: true }] },
        { id: 'prod', name: 'prod', production: true, variables: [{ name: 'issuer', value: sandbox.issuer, secret: false }, { name: 'client', value: 'sandbox-post', secret: false }, { name: 'secret', secret: true }] },
      ],
      activeEnvironmentId: 'dev',
    });
    const profile = await call('saveProfile', { name: 'templated', groupId: group.id, issuer: '{{issuer}}', grantType: 'client_credentials', clientId: '{{client}}', clientAuth: { method: 'client_secret_post' }, scopes: ['api:read'] });
    // The profile's client secret is itself a variable: a different secret per environment.
    await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: '{{secret}}' });
    return { group, profile };
  }

  test('a run fills {{variables}} from the active environment; secret variables come from the keychain and are redacted', async () => {
    const { group, profile } = await groupWithEnvironments();
    await call('setEnvironmentSecret', { groupId: group.id, envId: 'dev', name: 'secret', value: secretOf('sandbox-basic') });
    await call('setEnvironmentSecret', { groupId: group.id, envId: 'prod', name: 'secret', value: secretOf('sandbox-post') });
    const dev = await call('getToken', { runId: runId(), profileId: profile.id });
    expect(dev.tokens.access_token).toBeTruthy();
    const devJson = JSON.stringify(dev.transcript);
    expect(devJson).toContain('client_id=sandbox-basic');
    expect(devJson).not.toContain(secretOf('sandbox-basic'));

    // Switching the group's environment switches client and secret.
    await call('saveGroup', { ...(await call('listWorkspace', {})).groups.find((g) => g.id === group.id)!, activeEnvironmentId: 'prod' });
    const prod = await call('getToken', { runId: runId(), profileId: profile.id });
    expect(JSON.stringify(prod.transcript)).toContain('client_id=sandbox-post');
    expect(JSON.stringify(prod.transcript)).not.toContain(secretOf('sandbox-post'));

    // Never in the profile file.
    const file = readFileSync(join(dataDir, 'profiles.json'), 'utf8');
    expect(file).not.toContain(secretOf('sandbox-basic'));
    expect(file).not.toContain(secretOf('sandbox-post'));
    const status = await call('getEnvironmentSecrets', { groupId: group.id, envId: 'prod' });
    expect(status).toEqual([{ name: 'secret', set: true, masked: expect.stringMatching(/^•+/) }]);
  });

  test('ensure-unresolved-variable-fails-before-anything-is-sent, naming the variable and the field', async () => {
    const { group, profile } = await groupWithEnvironments();
    // The secret of "dev" is not set: {{secret}} cannot be filled.
    const err = await failure('getToken', { runId: runId(), profileId: profile.id });
    expect(err.code).toBe('MISSING_CONFIGURATION');
    expect(err.message).toContain('{{secret}}');
    expect(err.message).toContain('client secret');
    expect(err.message).toContain('"dev"');
    expect(err.details?.transcript).toBeUndefined();

    const other = await call('saveProfile', { name: 'typo', groupId: group.id, issuer: '{{isuer}}', grantType: 'client_credentials', clientId: 'x' });
    const typo = await failure('getToken', { runId: runId(), profileId: other.id });
    expect(typo.message).toMatch(/\{\{isuer\}\} in issuer is not defined in environment "dev"/);
  });

  test('ensure-secret-variable-with-a-value-in-the-profile-file-fails', async () => {
    const err = await failure('saveGroup', { name: 'leaky', defaults: {}, environments: [{ id: 'e', name: 'dev', variables: [{ name: 'pw', value: 'hunter2', secret: true }] }] });
    expect(err.code).toBe('INVALID_INPUT');
    expect(readFileSync(join(dataDir, 'profiles.json'), 'utf8')).not.toContain('hunter2');
  });

  test('export carries environments without secret values; import brings them back', async () => {
    const { group } = await groupWithEnvironments();
    await call('setEnvironmentSecret', { groupId: group.id, envId: 'dev', name: 'secret', value: 'env-secret-value-123' });
    const exported = await call('exportConnections', { groupIds: [group.id] });
    expect(exported.json).not.toContain('env-secret-value-123');
    const doc = JSON.parse(exported.json) as { groups: Array<{ environments: Array<{ name: string; variables: unknown[] }> }> };
    expect(doc.groups[0]!.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(doc.groups[0]!.environments[0]!.variables).toContainEqual({ name: 'secret', secret: true });
  });
});

describe('copy as curl of a recorded exchange (issue 12 item 12)', () => {
  test('the redacted token request, with -u "$CLIENT_ID:$CLIENT_SECRET", runs against the sandbox', async () => {
    const group = await call('saveGroup', { name: 'curl', defaults: {} });
    const p = await call('saveProfile', { name: 'basic', groupId: group.id, issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic', scopes: ['api:read'] });
    await call('setProfileSecret', { profileId: p.id, name: 'clientSecret', value: secretOf('sandbox-basic') });
    const run = await call('getToken', { runId: runId(), profileId: p.id });
    const exchange = run.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    if (exchange?.kind !== 'http') throw new Error('no token request recorded');
    const curl = exchangeAsCurl(exchange.request);
    expect(curl.text).toContain('-u "$CLIENT_ID:$CLIENT_SECRET"');
    expect(curl.text).not.toContain(secretOf('sandbox-basic'));
    const { stdout } = await promisify(execFile)('/bin/sh', ['-c', curl.text.replace(/^curl -i/, 'curl -sS')], { env: { ...process.env, CLIENT_ID: 'sandbox-basic', CLIENT_SECRET: secretOf('sandbox-basic') } });
    expect(JSON.parse(stdout)).toHaveProperty('access_token');
  });
});

describe('provider presets against sandbox clients with each provider\'s quirk', () => {
  /** A preset's profile, pointed at the sandbox (which stands in for the provider) with the quirk client's credentials. */
  async function fromPreset(presetId: string, inputs: Record<string, string>, clientId: string, pointAtSandbox = true): Promise<ConnectionProfile> {
    const { profile } = await call('profileFromPreset', { presetId, name: `${presetId} ${randomUUID().slice(0, 6)}`, inputs: { 'client-id': clientId, ...inputs } });
    const saved = pointAtSandbox ? await call('saveProfile', { ...draft(profile), issuer: sandbox.issuer, discovery: true, endpoints: {} }) : profile;
    if (sandbox.clients[clientId]?.client_secret) await call('setProfileSecret', { profileId: saved.id, name: 'clientSecret', value: secretOf(clientId) });
    return saved;
  }
  const run = (p: ConnectionProfile) => call('getToken', { runId: runId(), profileId: p.id });

  test('Entra ID: client credentials ask for {App ID URI}/.default, which the Entra-like client requires', async () => {
    const p = await fromPreset('entra', { tenant: 'contoso.onmicrosoft.com', grant: 'client_credentials', api: SANDBOX_RESOURCE }, 'sandbox-entra-like');
    expect(p.scopes).toEqual([`${SANDBOX_RESOURCE}/.default`]);
    const ok = await run(p);
    expect(ok.tokens.access_token).toBeTruthy();
    // Without the quirk the same client refuses, as Entra does.
    await call('saveProfile', { ...draft(p), scopes: ['api:read'] });
    const err = await failure('getToken', { runId: runId(), profileId: p.id });
    expect(err.message).toContain('AADSTS1002012');
  });

  test('Entra ID: issuer template, v1 resource and certificate credentials', async () => {
    const { profile } = await call('profileFromPreset', { presetId: 'entra', name: 'entra v1', inputs: { tenant: 'contoso', 'client-id': 'app', version: 'v1', api: 'https://api.contoso.com', credential: 'certificate', key: 'sf-key', grant: 'client_credentials' } });
    expect(profile.issuer).toBe('https://sts.windows.net/contoso/');
    expect(profile.endpoints.token).toBe('https://login.microsoftonline.com/contoso/oauth2/token');
    expect(profile.params.token).toContainEqual({ name: 'resource', value: 'https://api.contoso.com' });
    expect(profile.scopes).toEqual([]);
    expect(profile.clientAuth).toMatchObject({ method: 'private_key_jwt', keyAlias: 'sf-key', x5t: true });
    const v2 = await call('profileFromPreset', { presetId: 'entra', name: 'entra v2', inputs: { tenant: 'contoso', 'client-id': 'app' } });
    expect(v2.profile.issuer).toBe('https://login.microsoftonline.com/contoso/v2.0');
  });

  test('Entra ID certificate credentials: the assertion carries x5t, which the Entra-like certificate client requires', async () => {
    await call('generateCertificate', { alias: 'sf-key', subject: 'CN=entra-cert-like' });
    const p = await fromPreset('entra', { tenant: 'contoso', grant: 'client_credentials', api: SANDBOX_RESOURCE, credential: 'certificate', key: 'sf-key' }, 'sandbox-entra-cert-like');
    expect(p.clientAuth).toMatchObject({ method: 'private_key_jwt', x5t: true });
    const ok = await run(p);
    expect(ok.tokens.access_token).toBeTruthy();
    await call('saveProfile', { ...draft(p), clientAuth: { ...p.clientAuth, x5t: false } });
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('AADSTS700027');
  });

  test('Auth0: the API is named by audience, which the Auth0-like client requires', async () => {
    const p = await fromPreset('auth0', { domain: 'example.eu.auth0.com', grant: 'client_credentials', audience: SANDBOX_RESOURCE }, 'sandbox-auth0-like');
    expect(p.audience).toBe(SANDBOX_RESOURCE);
    const ok = await run(p);
    expect(JSON.stringify(ok.transcript)).toContain(`audience=${encodeURIComponent(SANDBOX_RESOURCE)}`);
    const { audience: _a, ...without } = draft(p);
    await call('saveProfile', without);
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('No audience parameter');
  });

  test('AD FS: the Web API is named by resource, which the AD FS-like client requires', async () => {
    const p = await fromPreset('adfs', { host: 'fs.example.com', grant: 'client_credentials', resource: SANDBOX_RESOURCE }, 'sandbox-adfs-like');
    expect(p.params.token).toContainEqual({ name: 'resource', value: SANDBOX_RESOURCE });
    const ok = await run(p);
    expect(ok.tokens.access_token.split('.')).toHaveLength(3); // a JWT for the resource
    await call('saveProfile', { ...draft(p), params: { ...p.params, token: [] } });
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('MSIS9602');
  });

  test('Salesforce: JWT bearer with aud = the login URL, which the Salesforce-like client requires', async () => {
    // The login URL input is the sandbox (standing in for https://login.salesforce.com): no override needed.
    const p = await fromPreset('salesforce', { 'login-url': sandbox.issuer, username: 'alice', key: 'sf-key' }, 'sandbox-salesforce-like', false);
    expect(p.grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(p.jwtBearerClaims).toEqual({ iss: 'sandbox-salesforce-like', sub: 'alice', aud: sandbox.issuer });
    const ok = await run(p);
    expect(ok.tokens.access_token).toBeTruthy();
    // The engine's default aud (the token endpoint) is what Salesforce refuses.
    await call('saveProfile', { ...draft(p), jwtBearerClaims: { iss: 'sandbox-salesforce-like', sub: 'alice' } });
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('audience is invalid');
  });

  test('PingFederate: the request names its access token manager (access_token_manager_id), which the PingFederate-like client requires', async () => {
    const p = await fromPreset('pingfederate', { 'base-url': 'https://sso.example.com:9031', grant: 'client_credentials', policy: PINGFEDERATE_ATM_ID }, 'sandbox-pingfederate-like');
    expect(p.params.token).toContainEqual({ name: 'access_token_manager_id', value: PINGFEDERATE_ATM_ID });
    expect(p.clientAuth.method).toBe('client_secret_basic');
    const ok = await run(p);
    expect(ok.tokens.access_token).toBeTruthy();
    expect(JSON.stringify(ok.transcript)).toContain(`access_token_manager_id=${PINGFEDERATE_ATM_ID}`);
    // Without it the server's default manager is chosen, which this client's ACL does not allow.
    await call('saveProfile', { ...draft(p), params: { ...p.params, token: [] } });
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('default access token manager is not available');
  });

  test('Amazon Cognito: client credentials ask for a resource server\'s custom scope, which the Cognito-like client requires', async () => {
    const scope = COGNITO_ALLOWED_SCOPES[0]!;
    const p = await fromPreset('cognito', { region: 'eu-west-1', 'user-pool-id': 'eu-west-1_AbC123', grant: 'client_credentials', scope }, 'sandbox-cognito-like');
    expect(p.scopes).toEqual([scope]);
    expect((await run(p)).tokens.access_token).toBeTruthy();
    // An ordinary scope is a bare invalid_scope, as Cognito answers it (no description).
    await call('saveProfile', { ...draft(p), scopes: ['api:read'] });
    const err = await failure('getToken', { runId: runId(), profileId: p.id });
    expect(err.details?.error).toBe('invalid_scope');
    expect(err.details?.error_description).toBeUndefined();
  });

  test('NetIQ Access Manager: resourceServer gets the token the resource server can verify (a JWT for it); without, a token only the server reads', async () => {
    const p = await fromPreset('netiq', { host: 'login.example.com', grant: 'client_credentials', 'resource-server': NETIQ_RESOURCE_SERVER }, NETIQ_LIKE_CLIENT_ID);
    expect(p.issuer).toBe(sandbox.issuer);
    expect(p.params.token).toContainEqual({ name: 'resourceServer', value: NETIQ_RESOURCE_SERVER });
    expect(p.clientAuth.method).toBe('client_secret_post');
    const ok = await run(p);
    const [, payload] = ok.tokens.access_token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toMatchObject({ aud: SANDBOX_RESOURCE, client_id: NETIQ_LIKE_CLIENT_ID });
    await call('saveProfile', { ...draft(p), params: { ...p.params, token: [] } });
    const opaque = await run(p);
    expect(opaque.tokens.access_token.split('.')).toHaveLength(1);
    // A resource server the Identity Server does not know is refused.
    await call('saveProfile', { ...draft(p), params: { ...p.params, token: [{ name: 'resourceServer', value: 'nobody' }] } });
    expect((await failure('getToken', { runId: runId(), profileId: p.id })).message).toContain('resource server nobody is not configured');
  });

  test('every other preset runs its default flow against the sandbox standing in for the provider', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['okta', { domain: 'example.okta.com', grant: 'client_credentials', scope: 'api:read' }],
      ['keycloak', { 'base-url': 'https://sso.example.com/', realm: 'demo', grant: 'client_credentials' }],
      ['pingfederate', { 'base-url': 'https://sso.example.com:9031', grant: 'client_credentials' }],
      ['cognito', { region: 'eu-west-1', 'user-pool-id': 'eu-west-1_AbC123', grant: 'client_credentials', scope: 'api:read' }],
      ['duende', { 'base-url': 'https://demo.duendesoftware.com', grant: 'client_credentials', scope: 'api:read' }],
      ['netiq', { host: 'login.example.com', grant: 'client_credentials' }],
      ['generic', { issuer: 'https://idp.example.com', grant: 'client_credentials' }],
    ];
    for (const [id, inputs] of cases) {
      const p = await fromPreset(id, inputs, 'sandbox-basic');
      const ok = await run(p);
      expect(ok.tokens.access_token, id).toBeTruthy();
    }
  });

  test('ensure-preset-with-missing-input-fails naming the input', async () => {
    const err = await failure('profileFromPreset', { presetId: 'entra', name: 'x', inputs: { 'client-id': 'a' } });
    expect(err.message).toContain('--tenant');
    const bad = await failure('profileFromPreset', { presetId: 'okta', name: 'x', inputs: { 'client-id': 'a', domain: 'evil.com/../x' } });
    expect(bad.code).toBe('INVALID_INPUT');
  });
});
