import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import { authorizeAsUser } from '../support/scripted-user';

/** "Call API" refreshes an expired access token first when a refresh token exists. */
let sandbox: SandboxHandle;
let service: AppService;
let dataDir: string;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  // Access tokens live one second, so the test can wait for expiry instead of faking time.
  sandbox = await startSandbox({ accessTokenTtl: 1 });
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-api-'));
  service = openAppService({
    dataDir,
    mode: 'web',
    version: 'test',
    keychainService: `tokenbench-test-${randomUUID()}`,
    openBrowser: async (url) => void authorizeAsUser(sandbox, url).catch(() => undefined),
  });
});
afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an expired access token is refreshed before the API call', async () => {
  const profile = await call('saveProfile', {
    name: 'api',
    issuer: sandbox.issuer,
    grantType: 'authorization_code',
    clientId: 'sandbox-public',
    clientAuth: { method: 'none' },
    scopes: ['openid', 'offline_access'],
    params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] },
  });
  const first = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: profile.id });
  expect(first.tokens.refresh_token).toBeTruthy();
  const expiresAt = Date.parse(first.history.expiresAt!);
  while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, 100));

  const result = await call('callApi', { profileId: profile.id, method: 'GET', url: `${sandbox.issuer}/me`, headers: [] });
  expect(result.refreshed).toBeDefined();
  expect(result.refreshed?.id).not.toBe(first.history.id);
  expect(result.status).toBe(200);
  expect(JSON.parse(result.body)).toMatchObject({ sub: sandbox.user.username });
});
