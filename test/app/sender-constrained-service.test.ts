import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import type { SecretStore } from '../../electron/secrets/secret-store';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import { authorizeAsUser } from '../support/scripted-user';

/**
 * Issue 14 (token side) through the app service, as the UI calls it: a DPoP profile gets a keystore key of
 * its own, userinfo and the API panel prove it (a resource server nonce retried), introspection shows cnf
 * and the binding; dynamic registration saves a profile with its secrets in the keychain only.
 */
let sandbox: SandboxHandle;
let service: AppService;
let secrets: SecretStore;
let dataDir: string;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
const runId = () => randomUUID().replace(/-/g, '');

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-app-'));
  secrets = openSecretStore({ dataDir, service: `tokenbench-test-${randomUUID()}` });
  service = openAppService({
    dataDir,
    mode: 'web',
    version: 'test',
    secrets,
    openBrowser: async (url) => {
      if (url.startsWith(`${sandbox.issuer}/auth`)) void authorizeAsUser(sandbox, url).catch(() => undefined);
    },
  });
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DPoP in the app', () => {
  test('the profile gets its own keystore key; userinfo and the API call prove it, retrying the resource server nonce', async () => {
    const profile = await call('saveProfile', {
      name: 'dpop',
      issuer: sandbox.issuer,
      grantType: 'authorization_code',
      clientId: 'sandbox-dpop',
      clientAuth: { method: 'none' },
      scopes: ['openid', 'profile', 'offline_access'],
      params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] },
      dpop: { enabled: true },
    });
    const run = await call('getToken', { runId: runId(), profileId: profile.id });
    expect(run.tokens.token_type).toBe('DPoP');
    // The generated key lives in the keystore (private half in the keychain), the profile names it.
    const saved = (await call('listWorkspace', {})).profiles.find((p) => p.id === profile.id)!;
    expect(saved.dpop?.keyAlias).toBe(`dpop-${profile.id}`);
    const key = (await call('listKeys', {})).find((k) => k.alias === saved.dpop?.keyAlias)!;
    expect(key.alg).toBe('ES256');
    expect(JSON.stringify(saved)).not.toContain('"d"');

    const info = await call('userinfo', { profileId: profile.id });
    expect(info.status).toBe(200);
    const labels = info.transcript.filter((e) => e.kind === 'http').map((e) => e.label);
    expect(labels).toEqual(['userinfo', 'userinfo (DPoP nonce)']);
    const first = info.transcript.find((e) => e.kind === 'http' && e.label === 'userinfo');
    expect(first?.kind === 'http' && first.response?.status).toBe(401);
    expect(first?.kind === 'http' && first.response?.headers['www-authenticate']).toMatch(/DPoP.*use_dpop_nonce/);

    // The API panel against the sandbox's resource (its userinfo): Authorization DPoP plus a proof with ath.
    const api = await call('callApi', { profileId: profile.id, method: 'GET', url: `${sandbox.issuer}/me`, headers: [] });
    expect(api.status).toBe(200);
    const sent = api.transcript.filter((e) => e.kind === 'http').at(-1);
    expect(sent?.kind === 'http' && sent.request.headers.authorization).toMatch(/^DPoP /);
    const proof = sent?.kind === 'http' ? sent.request.headers.dpop! : '';
    expect(JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()).ath).toMatch(/^[\w-]{43}$/);

    // Refresh keeps the binding (same key from the keystore).
    const refreshed = await call('refresh', { runId: runId(), profileId: profile.id });
    expect(refreshed.tokens.token_type).toBe('DPoP');
  });

  test('an opaque token: the run cannot read cnf, introspection shows cnf.jkt and the binding holds', async () => {
    const profile = await call('saveProfile', {
      name: 'dpop-cc',
      issuer: sandbox.issuer,
      grantType: 'client_credentials',
      clientId: 'sandbox-dpop-nonce',
      dpop: { enabled: true },
    });
    await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: sandbox.clients['sandbox-dpop-nonce']!.client_secret! });
    const run = await call('getToken', { runId: runId(), profileId: profile.id });
    expect(run.history.bindings?.[0]).toMatchObject({ kind: 'dpop', status: 'unknown', tokenType: 'DPoP' });
    const intro = await call('introspect', { profileId: profile.id, which: 'access' });
    expect(intro.active).toBe(true);
    expect(intro.bindings?.[0]).toMatchObject({ kind: 'dpop', status: 'bound', source: 'introspection' });
  });
});

describe('dynamic client registration in the app', () => {
  test('registers, saves a profile with the secrets in the keychain only, reads, updates, deletes', async () => {
    const reg = await call('registerClient', {
      issuer: sandbox.issuer,
      initialAccessToken: sandbox.registration.initialAccessToken,
      grantTypes: ['client_credentials'],
      profileName: 'registered in the app',
    });
    expect(reg.response?.client_secret).toBe('[keychain]');
    const profile = reg.profile!;
    expect(profile.secretRefs.sort()).toEqual(['clientSecret', 'registrationAccessToken']);
    expect(JSON.stringify(await call('listWorkspace', {}))).not.toMatch(/registration_access_token|"client_secret"/);
    const statuses = await call('getProfileSecrets', { profileId: profile.id });
    expect(statuses.find((s) => s.name === 'registrationAccessToken')?.set).toBe(true);

    const run = await call('getToken', { runId: runId(), profileId: profile.id });
    expect(run.tokens.access_token).toBeTruthy();
    const read = await call('manageRegistration', { profileId: profile.id, operation: 'read' });
    expect(read.response?.client_id).toBe(profile.clientId);
    const updated = await call('manageRegistration', { profileId: profile.id, operation: 'update', metadata: { client_name: 'renamed in the app' } });
    expect(updated.response?.client_name).toBe('renamed in the app');
    const deleted = await call('manageRegistration', { profileId: profile.id, operation: 'delete' });
    expect(deleted.profile?.registration).toBeUndefined();
    expect(deleted.profile?.secretRefs).toEqual(['clientSecret']);
  });

  test('ensure-registration-refused-saves-nothing', async () => {
    const result = (await dispatch(service.handlers, 'registerClient', { issuer: sandbox.issuer, initialAccessToken: 'wrong', profileName: 'refused' })) as Result<unknown>;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('OAUTH_ERROR');
    expect((await call('listWorkspace', {})).profiles.map((p) => p.name)).not.toContain('refused');
  });
});
