import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CustomSchemeRegistry, type ProtocolClientApp } from '../../electron/shell/scheme-registry';
import { createAppService } from '../../electron/app/service';
import type { SecretStore } from '../../electron/secrets/secret-store';

/**
 * The OS side of a protocol registration, recorded: what is under test is which schemes the
 * shell claims and releases, not the OS. Handlers set by other programs are modelled too.
 */
function recordingOs(othersOwn: string[] = []) {
  const handlers = new Map<string, string>(othersOwn.map((s) => [s, 'other-app']));
  const calls: string[] = [];
  const app: ProtocolClientApp = {
    isDefaultProtocolClient: (s) => handlers.get(s) === 'us',
    setAsDefaultProtocolClient: (s) => {
      calls.push(`set ${s}`);
      handlers.set(s, 'us');
      return true;
    },
    removeAsDefaultProtocolClient: (s) => {
      calls.push(`remove ${s}`);
      if (handlers.get(s) === 'us') handlers.delete(s);
      return true;
    },
  };
  return { app, handlers, calls };
}

describe('private-use scheme registration follows the user', () => {
  test('claims a scheme when asked and releases it when no profile uses it', () => {
    const os = recordingOs();
    const stateFile = join(mkdtempSync(join(tmpdir(), 'tokenbench-schemes-')), 'registered-schemes.json');
    const registry = new CustomSchemeRegistry(os.app, { stateFile, permanent: ['dev.tokenworkbench'] });
    expect(registry.reconcile(['com.example.app', 'dev.tokenworkbench'])).toEqual({ registered: ['com.example.app'], released: [] });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual(['com.example.app']);
    // Idempotent: nothing to do the second time.
    expect(registry.reconcile(['com.example.app'])).toEqual({ registered: [], released: [] });
    expect(registry.reconcile([])).toEqual({ registered: [], released: ['com.example.app'] });
    expect(os.handlers.has('com.example.app')).toBe(false);
    // The installer's scheme is never touched.
    expect(os.calls.filter((c) => c.includes('dev.tokenworkbench'))).toEqual([]);
  });

  test('ensure-scheme-taken-over-by-another-program-is-not-removed', () => {
    const os = recordingOs();
    const stateFile = join(mkdtempSync(join(tmpdir(), 'tokenbench-schemes-')), 'registered-schemes.json');
    const registry = new CustomSchemeRegistry(os.app, { stateFile });
    registry.reconcile(['com.example.app']);
    os.handlers.set('com.example.app', 'other-app');
    registry.reconcile([]);
    expect(os.handlers.get('com.example.app')).toBe('other-app');
    expect(os.calls).toEqual(['set com.example.app']);
  });

  test('ensure-damaged-state-file-releases-nothing', () => {
    const os = recordingOs(['com.other.app']);
    const stateFile = join(mkdtempSync(join(tmpdir(), 'tokenbench-schemes-')), 'registered-schemes.json');
    writeFileSync(stateFile, '["com.other.app", 42, "http"');
    new CustomSchemeRegistry(os.app, { stateFile }).reconcile([]);
    expect(os.calls).toEqual([]);
  });

  test('ensure-a-profile-naming-a-scheme-claims-nothing-until-the-user-turns-it-on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-schemes-'));
    const unused: SecretStore = { get: async () => undefined, set: async () => undefined, delete: async () => false, list: async () => [] };
    const service = createAppService({ dataDir, mode: 'electron', version: 'test', openBrowser: async () => undefined, secrets: unused });
    type Draft = Parameters<typeof service.handlers.saveProfile>[0];
    const saved = await service.handlers.saveProfile({ name: 'p', grantType: 'authorization_code', clientId: 'c', redirect: { mode: 'fixed', url: 'com.example.app:/cb' } } as Draft);
    expect(service.customRedirectSchemes()).toEqual([]);
    await service.handlers.saveProfile({ ...saved, redirect: { mode: 'fixed', url: 'com.example.app:/cb', registerScheme: true } } as Draft);
    expect(service.customRedirectSchemes()).toEqual(['com.example.app']);
  });
});
