import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import type { ErrorInfo, Result } from '../../shared/errors';
import { fieldLabel } from '../../shared/field-labels';
import { InteropSchema } from '../../shared/interop';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';

/**
 * Interop settings (issue 13) in validation errors are named as the request panel names them, never by their
 * schema path (issue 12 item 11: no "interop.kidHeader" shown to users).
 */
let service: AppService;
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-interop-labels-'));
  service = openAppService({ dataDir, mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
});
afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function refused<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<ErrorInfo> {
  const r = (await dispatch(service.handlers, name, arg as never)) as Result<OperationResult<N>>;
  if (r.ok) throw new Error(`${name} succeeded but should have failed`);
  return r.error;
}

describe('interop fields in validation errors', () => {
  test('every interop setting has a label of its own, none is its schema path', () => {
    for (const key of Object.keys(InteropSchema.def.shape)) {
      const label = fieldLabel(['interop', key]);
      expect(label, key).not.toMatch(/interop|\./);
      expect(label, key).not.toBe('Interop settings');
    }
  });

  test('ensure-invalid-interop-setting-message-names-the-field-not-the-schema', async () => {
    const profile = { name: 'labels', grantType: 'client_credentials' as const, clientId: 'x' };
    const kid = await refused('saveProfile', { ...profile, interop: { kid: 'sometimes' } } as never);
    expect(kid.code).toBe('INVALID_INPUT');
    expect(kid.message).toMatch(/^kid in the assertion header: /);
    expect(kid.details?.fields).toEqual([expect.objectContaining({ path: 'interop.kid', label: 'kid in the assertion header' })]);

    const encoding = await refused('saveProfile', { ...profile, interop: { basicEncoding: 'base64' } } as never);
    expect(encoding.message).toMatch(/^Basic credentials encoding: /);

    const custom = await refused('saveProfile', { ...profile, interop: { kid: 'custom', customKid: '' } } as never);
    expect(custom.message).toMatch(/^Custom kid: /);

    // An unknown member of the settings names the group, not "interop".
    const unknown = await refused('saveProfile', { ...profile, interop: { kidHeader: 'x' } } as never);
    expect(unknown.message).toMatch(/^Interop settings: /);
    for (const e of [kid, encoding, custom, unknown]) expect(e.message).not.toMatch(/interop\.|saveProfile/);
  });
});
