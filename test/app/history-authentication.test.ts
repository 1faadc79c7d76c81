import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { HISTORY_FILE_NAME } from '../../electron/app/history';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { AUTHN_QUIRK_CLIENT_ID, QUIRK_ACR } from '../../electron/sandbox/quirks';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import type { VerificationCheck } from '../../shared/token/report';
import { authorizeAsUser } from '../support/scripted-user';

/**
 * An ID token inspected later from history (the token view) is judged by what its run's authorization request
 * asked: auth_time against max_age, acr against the requested values (issue 13 §1), as the run itself judged it;
 * "not checked" when the entry did not record what was asked.
 */
let sandbox: SandboxHandle;
let service: AppService;
let dataDir: string;
const keychainService = `tokenbench-test-${randomUUID()}`;

const open = () => openAppService({ dataDir, mode: 'web', version: 'test', keychainService, openBrowser: async (url) => void authorizeAsUser(sandbox, url).catch(() => undefined) });
async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-history-authn-'));
  service = open();
});
afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function runAndInspect(clientId: string, authorization: Array<{ name: string; value: string }>) {
  const profile = await call('saveProfile', {
    name: `${clientId} ${randomUUID().slice(0, 6)}`,
    issuer: sandbox.issuer,
    grantType: 'authorization_code',
    clientId,
    clientAuth: { method: 'none' },
    scopes: ['openid'],
    params: { authorization, token: [], refresh: [] },
  });
  const run = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: profile.id });
  return { profile, run, inspect: () => inspectId(profile.id, run.history.id, run.tokens.id_token!) };
}
async function inspectId(profileId: string, historyId: string, token: string): Promise<Record<string, VerificationCheck | undefined>> {
  const inspection = await call('inspectToken', { profileId, historyId, token, kind: 'id' });
  const checks = inspection.format === 'jwt' ? (inspection.report?.checks ?? []) : [];
  return { auth_time: checks.find((c) => c.id === 'auth_time'), acr: checks.find((c) => c.id === 'acr') };
}

describe('auth_time and acr of an ID token from history', () => {
  test('checked with the max_age and acr_values the run sent, as the run checked them', async () => {
    const { inspect } = await runAndInspect('sandbox-public', [{ name: 'max_age', value: '300' }]);
    const checks = await inspect();
    expect(checks.auth_time).toMatchObject({ status: 'passed', reason: expect.stringContaining('within max_age=300 s') });
    expect(checks.acr).toBeUndefined(); // no acr was asked for

    // A server that ignores the voluntary acr_values: the later report names what was requested.
    const voluntary = await runAndInspect(AUTHN_QUIRK_CLIENT_ID, [{ name: 'acr_values', value: 'urn:sandbox:loa:2' }]);
    const acr = (await voluntary.inspect()).acr;
    expect(acr).toMatchObject({ status: 'not_checked', reason: expect.stringContaining(`"acr" is "${QUIRK_ACR}", not one of the voluntary acr_values "urn:sandbox:loa:2"`) });
  });

  test('"not checked", saying why, for an entry that did not record what was asked (written before it was kept)', async () => {
    const { profile, run } = await runAndInspect('sandbox-public', [{ name: 'max_age', value: '300' }]);
    await service.close();
    const file = join(dataDir, HISTORY_FILE_NAME);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.some((l) => (JSON.parse(l) as { add?: { authentication?: unknown } }).add?.authentication !== undefined)).toBe(true);
    const older = lines.map((l) => {
      const line = JSON.parse(l) as { add?: Record<string, unknown> };
      if (line.add) delete line.add.authentication;
      return JSON.stringify(line);
    });
    writeFileSync(file, `${older.join('\n')}\n`);
    service = open();
    const checks = await inspectId(profile.id, run.history.id, run.tokens.id_token!);
    expect(checks.auth_time).toMatchObject({ status: 'not_checked', reason: expect.stringMatching(/^"auth_time" is \d+; what the authorization request asked is not known/) });
    expect(checks.acr).toMatchObject({ status: 'not_checked', reason: expect.stringContaining('is not known for this token') });

    // ensure-malformed-authentication-in-the-history-file-is-not-taken-as-a-request: a value this code never writes.
    await service.close();
    const tampered = older.map((l) => {
      const line = JSON.parse(l) as { add?: Record<string, unknown> };
      if (line.add) line.add.authentication = { maxAge: -5, acr: { values: [1], essential: 'yes' } };
      return JSON.stringify(line);
    });
    writeFileSync(file, `${tampered.join('\n')}\n`);
    service = open();
    expect((await inspectId(profile.id, run.history.id, run.tokens.id_token!)).auth_time?.status).toBe('not_checked');
  });
});
