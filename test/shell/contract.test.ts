import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createAppService } from '../../electron/app/service';
import type { SecretStore } from '../../electron/secrets/secret-store';
import { OPERATION_NAMES, operations, parseArg } from '../../shared/ipc';
import { channelOf } from '../../shared/ipc-names';

describe('IPC contract', () => {
  test('the schema table has exactly the operation names', () => {
    expect(Object.keys(operations).sort()).toEqual([...OPERATION_NAMES].sort());
    expect(new Set(OPERATION_NAMES).size).toBe(OPERATION_NAMES.length);
  });

  test('the service handler table covers exactly the contract', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-contract-'));
    // Only the table's keys are under test; no handler runs, so nothing touches this store.
    const unused: SecretStore = { get: async () => undefined, set: async () => undefined, delete: async () => false, list: async () => [] };
    try {
      const service = createAppService({ dataDir, mode: 'web', version: 'test', openBrowser: async () => undefined, secrets: unused });
      expect(Object.keys(service.handlers).sort()).toEqual([...OPERATION_NAMES].sort());
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('ensure-every-operation-rejects-unknown-argument-members', () => {
    for (const name of OPERATION_NAMES) {
      const result = parseArg(name, { __proto_pollution__: 1 });
      expect(result.success, name).toBe(false);
    }
  });

  test('ensure-every-operation-rejects-non-object-arguments', () => {
    for (const name of OPERATION_NAMES) {
      for (const bad of [null, 'x', 42, [], undefined]) expect(parseArg(name, bad).success, `${name} ${String(bad)}`).toBe(false);
    }
  });

  test('channels are one per operation and namespaced', () => {
    const channels = OPERATION_NAMES.map(channelOf);
    expect(new Set(channels).size).toBe(channels.length);
    for (const c of channels) expect(c).toMatch(/^tokenbench:[A-Za-z]+$/);
  });
});
