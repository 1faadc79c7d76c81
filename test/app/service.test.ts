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
import type { OperationArg, OperationName, OperationResult, RunSummary, WorkbenchEvent } from '../../shared/ipc';
import { authorizeAsUser, enterDeviceCode } from '../support/scripted-user';

/**
 * The application service's handlers, called through `dispatch` exactly as
 * Electron main and the browser bridge call them, against the real sandbox
 * authorization server and the real keychain (a throwaway service name).
 */
let sandbox: SandboxHandle;
let service: AppService;
let secrets: SecretStore;
let dataDir: string;
const events: WorkbenchEvent[] = [];
/** Off: nobody signs in, so a run waits until cancelled. */
let playUser = true;
const opened: string[] = [];

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
const raw = (name: string, arg: unknown) => dispatch(service.handlers, name, arg);
const runId = () => randomUUID().replace(/-/g, '');

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-app-'));
  const keychainService = `tokenbench-test-${randomUUID()}`;
  secrets = openSecretStore({ dataDir, service: keychainService });
  service = openAppService({
    dataDir,
    mode: 'web',
    version: 'test',
    secrets,
    // The scripted user plays the browser: it signs in at the sandbox and follows the redirect to the loopback listener.
    openBrowser: async (url) => {
      opened.push(url);
      if (url.startsWith(`${sandbox.issuer}/auth`) && playUser) void authorizeAsUser(sandbox, url).catch(() => undefined);
    },
  });
  service.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function clientCredentialsProfile(name: string, secret = sandbox.clients['sandbox-basic']!.client_secret!) {
  const group = await call('saveGroup', { name: `Sandbox ${name}`, defaults: { issuer: sandbox.issuer } });
  const profile = await call('saveProfile', { name, groupId: group.id, grantType: 'client_credentials', clientId: 'sandbox-basic', scopes: ['api:read'] });
  await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: secret });
  return { group, profile };
}

describe('profiles and groups', () => {
  test('create, duplicate, move and delete keep secrets in the keychain and out of results', async () => {
    const { group, profile } = await clientCredentialsProfile('crud');
    const workspace = await call('listWorkspace', {});
    expect(workspace.groups.map((g) => g.id)).toContain(group.id);
    expect(JSON.stringify(workspace)).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);

    const status = await call('getProfileSecrets', { profileId: profile.id });
    const clientSecret = status.find((s) => s.name === 'clientSecret')!;
    expect(clientSecret.set).toBe(true);
    expect(clientSecret.masked).toMatch(/^•+/);
    expect(clientSecret.masked).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!.slice(0, 6));

    const copy = await call('duplicateProfile', { profileId: profile.id });
    expect(copy.name).toBe('crud (copy)');
    expect(copy.id).not.toBe(profile.id);
    expect((await call('getProfileSecrets', { profileId: copy.id })).find((s) => s.name === 'clientSecret')!.set).toBe(true);

    const moved = await call('moveProfile', { profileId: copy.id, groupId: null });
    expect(moved.groupId).toBeUndefined();

    await call('deleteProfile', { profileId: copy.id });
    expect((await call('listWorkspace', {})).profiles.some((p) => p.id === copy.id)).toBe(false);
    expect(await secrets.get(`profile:${copy.id}:clientSecret`)).toBeUndefined();
  });

  test('ensure-invalid-profile-argument-is-rejected-and-changes-nothing', async () => {
    const before = await call('listWorkspace', {});
    const result = await raw('saveProfile', { name: 'x', grantType: 'not-a-grant', clientId: 'c' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
    const extra = await raw('saveProfile', { name: 'x', grantType: 'client_credentials', evil: true });
    expect(extra.ok).toBe(false);
    expect(await call('listWorkspace', {})).toEqual(before);
  });

  test('ensure-unknown-operation-is-refused', async () => {
    const result = await raw('__proto__', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('export leaves secrets out as placeholders; import restores profiles and reports missing secrets', async () => {
    const { group, profile } = await clientCredentialsProfile('export-me');
    const exported = await call('exportConnections', { groupIds: [group.id] });
    expect(exported.profiles).toBe(1);
    expect(exported.json).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);
    expect(exported.json).toContain('<set clientSecret in Token Workbench>');

    await call('deleteProfile', { profileId: profile.id });
    await call('deleteGroup', { groupId: group.id });
    const report = await call('importConnections', { json: exported.json });
    // Imports get new ids (issue 11): the file's ids name nothing here any more.
    const created = report.created.find((c) => c.kind === 'profile')!;
    const createdGroup = report.created.find((c) => c.kind === 'group')!;
    expect(created.fileId).toBe(profile.id);
    expect(report).toMatchObject({ groups: 1, profiles: 1, needSecrets: [{ profileId: created.id, secrets: ['clientSecret'] }] });
    expect((await call('listWorkspace', {})).profiles.find((p) => p.id === created.id)?.groupId).toBe(createdGroup.id);
  });

  test('ensure-malformed-import-changes-nothing', async () => {
    const before = await call('listWorkspace', {});
    const bad = JSON.stringify({ format: 'tokenbench-connections', version: 1, groups: [], profiles: [{ id: 'p', name: 'x', grantType: 'nope' }] });
    const result = await raw('importConnections', { json: bad });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('listWorkspace', {})).toEqual(before);
  });
});

describe('tokens against the sandbox', () => {
  let run: RunSummary;
  let profileId: string;

  test('discover shows what the server supports', async () => {
    const { metadata } = await call('discover', { issuer: sandbox.issuer });
    expect(metadata.token_endpoint).toBe(`${sandbox.issuer}/token`);
    expect(metadata.grant_types_supported).toContain('client_credentials');
  });

  test('client credentials: token, history, inspection with a passing report', async () => {
    const { profile } = await clientCredentialsProfile('cc');
    profileId = profile.id;
    const id = runId();
    run = await call('getToken', { runId: id, profileId });
    expect(run.tokens.access_token).toBeTruthy();
    expect(run.history.has.access).toBe(true);
    expect(JSON.stringify(run.transcript)).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);
    const history = await call('listHistory', { profileId });
    expect(history[0]?.id).toBe(run.history.id);
    expect(await call('getHistoryTokens', { historyId: run.history.id })).toMatchObject({ access_token: run.tokens.access_token });

    const inspection = await call('inspectToken', { profileId, historyId: run.history.id, token: run.tokens.access_token, kind: 'access' });
    if (inspection.format === 'jwt') {
      expect(inspection.payload?.client_id).toBe('sandbox-basic');
      expect(inspection.report?.ok, JSON.stringify(inspection.report)).toBe(true);
    } else {
      expect(inspection.format).toBe('opaque');
    }
  });

  test('introspect then revoke the access token', async () => {
    const before = await call('introspect', { profileId, which: 'access' });
    expect(before.active).toBe(true);
    const revoked = await call('revoke', { profileId, which: 'access' });
    expect(revoked.status).toBe(200);
    expect((await call('introspect', { profileId, which: 'access' })).active).toBe(false);
  });

  test('a wrong client secret comes back with the server error', async () => {
    const { profile } = await clientCredentialsProfile('wrong-secret', 'definitely-not-the-secret');
    const result = await raw('getToken', { runId: runId(), profileId: profile.id });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('OAUTH_ERROR');
      expect(result.error.details?.error).toBe('invalid_client');
      // The failed run's exchanges come along, redacted, for the exchange view.
      const transcript = result.error.details?.transcript as Array<{ kind: string; label: string; response?: { status: number } }>;
      expect(transcript.find((e) => e.label === 'token request')?.response?.status).toBe(401);
      expect(JSON.stringify(transcript)).not.toContain('definitely-not-the-secret');
    }
  });

  test('authorization code flow with the scripted user, then refresh, userinfo and call API', async () => {
    const profile = await call('saveProfile', {
      name: 'code',
      issuer: sandbox.issuer,
      grantType: 'authorization_code',
      clientId: 'sandbox-basic',
      scopes: ['openid', 'profile', 'offline_access'],
      params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] },
    });
    await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: sandbox.clients['sandbox-basic']!.client_secret! });
    const id = runId();
    const code = await call('getToken', { runId: id, profileId: profile.id });
    expect(code.tokens.id_token).toBeTruthy();
    expect(code.tokens.refresh_token).toBeTruthy();
    expect(events.some((e) => e.type === 'run.progress' && e.runId === id && e.progress.kind === 'waiting_for_redirect')).toBe(true);

    const idReport = await call('inspectToken', { profileId: profile.id, historyId: code.history.id, token: code.tokens.id_token!, kind: 'id' });
    expect(idReport.report?.ok, JSON.stringify(idReport.report?.checks)).toBe(true);

    const refreshed = await call('refresh', { runId: runId(), profileId: profile.id });
    expect(refreshed.tokens.access_token).not.toBe(code.tokens.access_token);

    const me = await call('userinfo', { profileId: profile.id });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ sub: 'alice' });

    const api = await call('callApi', { profileId: profile.id, method: 'GET', url: `${sandbox.issuer}/me`, headers: [] });
    expect(api.status).toBe(200);

    const logout = await call('logout', { profileId: profile.id });
    expect(logout.url.startsWith(`${sandbox.issuer}/`)).toBe(true);
    expect(opened).toContain(logout.url);
  });

  test('a waiting authorization run can be cancelled', async () => {
    const profile = await call('saveProfile', { name: 'cancel me', issuer: sandbox.issuer, grantType: 'authorization_code', clientId: 'sandbox-public', clientAuth: { method: 'none' }, scopes: ['openid'] });
    playUser = false;
    try {
      const id = runId();
      const pending = raw('getToken', { runId: id, profileId: profile.id });
      while (!events.some((e) => e.type === 'run.progress' && e.runId === id && e.progress.kind === 'waiting_for_redirect')) await new Promise((r) => setTimeout(r, 20));
      expect(await call('cancelRun', { runId: id })).toEqual({ cancelled: true });
      expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(await call('cancelRun', { runId: id })).toEqual({ cancelled: false });
    } finally {
      playUser = true;
    }
  });

  test('ensure-a-run-id-in-use-cannot-be-started-twice', async () => {
    const profile = await call('saveProfile', { name: 'twice', issuer: sandbox.issuer, grantType: 'authorization_code', clientId: 'sandbox-public', clientAuth: { method: 'none' }, scopes: ['openid'] });
    playUser = false;
    try {
      const id = runId();
      const first = raw('getToken', { runId: id, profileId: profile.id });
      while (!events.some((e) => e.type === 'run.progress' && e.runId === id)) await new Promise((r) => setTimeout(r, 20));
      expect(await raw('getToken', { runId: id, profileId: profile.id })).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
      await call('cancelRun', { runId: id });
      await first;
    } finally {
      playUser = true;
    }
  });

  test('device code: the user code comes as a progress event, the user enters it, the run completes', async () => {
    const profile = await call('saveProfile', {
      name: 'device',
      issuer: sandbox.issuer,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      clientId: 'sandbox-public',
      clientAuth: { method: 'none' },
      scopes: ['openid'],
    });
    const id = runId();
    const pending = call('getToken', { runId: id, profileId: profile.id });
    let code: Extract<WorkbenchEvent, { type: 'run.progress' }>['progress'] | undefined;
    while (!code) {
      const e = events.find((x) => x.type === 'run.progress' && x.runId === id && x.progress.kind === 'device_code');
      code = e?.type === 'run.progress' ? e.progress : undefined;
      if (!code) await new Promise((r) => setTimeout(r, 20));
    }
    if (code.kind !== 'device_code') throw new Error('unreachable');
    expect(code.userCode).toBeTruthy();
    expect(Date.parse(code.expiresAt)).toBeGreaterThan(Date.now());
    await enterDeviceCode(sandbox, { verificationUri: code.verificationUri, userCode: code.userCode });
    const result = await pending;
    expect(result.tokens.id_token).toBeTruthy();
    expect(events.some((e) => e.type === 'run.progress' && e.runId === id && e.progress.kind === 'polling')).toBe(true);
  });

  test('clearing history removes the stored tokens from the keychain', async () => {
    const entries = await call('listHistory', {});
    expect(entries.length).toBeGreaterThan(0);
    const { removed } = await call('clearHistory', {});
    expect(removed).toBe(entries.length);
    for (const e of entries) expect(await secrets.get(`history:${e.id}`)).toBeUndefined();
    expect(await raw('getHistoryTokens', { historyId: entries[0]!.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
