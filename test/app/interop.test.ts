import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { PER_ENDPOINT_CLIENT_ID } from '../../electron/sandbox/quirks';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';

/**
 * Interop settings through the app service (issue 13), called through `dispatch` as main and the browser bridge do:
 * the keystore kid operation, and introspection/revocation choosing their client authentication from metadata.
 */
let sandbox: SandboxHandle;
let service: AppService;
let dataDir: string;
const alias = `app-interop-${process.pid}`;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-app-interop-'));
  service = openAppService({ dataDir, mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
  const key = await call('generateKey', { alias, alg: 'ES256' });
  // The per-endpoint client trusts this keystore key at the token endpoint; introspection takes only basic and post.
  sandbox = await startSandbox({ clientJwks: { keys: [key.publicJwk] }, introspectionAuthMethods: ['client_secret_basic', 'client_secret_post'] });
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  await call('deleteKey', { alias }).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('keystore kid', () => {
  test('setKeyKid edits the kid and resets it to the thumbprint; an empty kid is refused', async () => {
    const before = (await call('listKeys', {})).find((k) => k.alias === alias)!;
    expect(before.kid).toBe(before.thumbprint);
    expect((await call('setKeyKid', { alias, kid: 'admin-console-3' })).kid).toBe('admin-console-3');
    const empty = (await dispatch(service.handlers, 'setKeyKid', { alias, kid: '' })) as Result<unknown>;
    expect(empty.ok).toBe(false);
    expect((await call('setKeyKid', { alias, reset: true })).kid).toBe(before.thumbprint);
  });
});

describe('client authentication per endpoint', () => {
  test('a private_key_jwt profile introspects and revokes with client_secret_basic, and the result says so', async () => {
    const profile = await call('saveProfile', {
      name: 'per endpoint',
      issuer: sandbox.issuer,
      grantType: 'client_credentials',
      clientId: PER_ENDPOINT_CLIENT_ID,
      clientAuth: { method: 'private_key_jwt', keyAlias: alias },
    });
    await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: profile.id });

    // Without the secret nothing fits the endpoint's list: a clear error before sending.
    await expect(call('introspect', { profileId: profile.id, which: 'access' })).rejects.toThrow(/accepts only client_secret_basic, client_secret_post.*add the client secret/);

    await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: sandbox.clients[PER_ENDPOINT_CLIENT_ID]!.client_secret! });
    const introspection = await call('introspect', { profileId: profile.id, which: 'access' });
    expect(introspection.active).toBe(true);
    expect(introspection.clientAuth).toEqual({ method: 'client_secret_basic', note: expect.stringContaining('does not list private_key_jwt') });
    expect(introspection.transcript.some((e) => e.kind === 'event' && (e.detail ?? '').includes('used client_secret_basic'))).toBe(true);

    const revoked = await call('revoke', { profileId: profile.id, which: 'access' });
    expect(revoked.status).toBe(200);
    expect(revoked.clientAuth?.method).toBe('client_secret_basic');
  });
});
