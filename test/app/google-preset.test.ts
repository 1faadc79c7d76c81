import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { GOOGLE_LIKE_CLIENT_ID } from '../../electron/sandbox/preset-rewrites';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import type { ConnectionProfile } from '../../shared/profile';
import { authorizeAsUser } from '../support/scripted-user';

/**
 * The Google preset (issue 13 §2) against a sandbox client that behaves like Google: a refresh token only for
 * an authorization request with access_type=offline (and prompt=consent), no offline_access scope.
 */
let sandbox: SandboxHandle;
let service: AppService;
let dataDir: string;
const keychainService = `tokenbench-test-${randomUUID()}`;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
const draft = ({ createdAt: _c, updatedAt: _u, ...p }: ConnectionProfile) => p;

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-google-'));
  service = openAppService({ dataDir, mode: 'web', version: 'test', keychainService, openBrowser: async (url) => void authorizeAsUser(sandbox, url).catch(() => undefined) });
});
afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Google preset against the Google-like sandbox client', () => {
  test('access_type=offline and prompt=consent from the preset get a refresh token; without access_type none is issued', async () => {
    const { profile } = await call('profileFromPreset', { presetId: 'google', name: 'Google', inputs: { 'client-id': GOOGLE_LIKE_CLIENT_ID } });
    expect(profile.scopes).not.toContain('offline_access');
    expect(profile.params.authorization).toEqual(expect.arrayContaining([{ name: 'access_type', value: 'offline' }, { name: 'prompt', value: 'consent' }]));
    const saved = await call('saveProfile', { ...draft(profile), issuer: sandbox.issuer, discovery: true, endpoints: {} });
    await call('setProfileSecret', { profileId: saved.id, name: 'clientSecret', value: sandbox.clients[GOOGLE_LIKE_CLIENT_ID]!.client_secret! });

    const offline = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: saved.id });
    expect(offline.tokens.access_token).toBeTruthy();
    expect(offline.tokens.refresh_token, 'access_type=offline gets a refresh token').toBeTruthy();

    // The same profile without access_type: a token, but no refresh token — what users meet when they forget it.
    const online = await call('saveProfile', { ...draft(saved), params: { ...saved.params, authorization: saved.params.authorization.filter((p) => p.name !== 'access_type') } });
    const run = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: online.id });
    expect(run.tokens.access_token).toBeTruthy();
    expect(run.tokens.refresh_token).toBeUndefined();

    // And, like Google, no offline_access scope stands in for it.
    const scoped = await call('saveProfile', { ...draft(online), scopes: [...online.scopes, 'offline_access'] });
    const scopedRun = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: scoped.id });
    expect(scopedRun.tokens.refresh_token).toBeUndefined();
  });
});
