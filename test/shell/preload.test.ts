import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, test } from 'vitest';
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf } from '../../shared/ipc-names';

/**
 * Builds the preload exactly as scripts/build-app.mjs does (CJS, everything
 * but `electron` bundled) and runs the bundle in a fresh VM context whose
 * `require('electron')` records what the preload hands to contextBridge.
 */
let bundle: string;
beforeAll(async () => {
  const out = await build({ entryPoints: ['electron/shell/preload.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, external: ['electron'], logLevel: 'silent' });
  bundle = out.outputFiles[0]!.text;
});

function runPreload() {
  const exposed = new Map<string, Record<string, unknown>>();
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Array<(...a: unknown[]) => void>>();
  const requires: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, arg: unknown) => {
        invoked.push([channel, arg]);
        return { ok: true, value: null };
      },
      on: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
    },
  };
  const module = { exports: {} };
  runInNewContext(bundle, {
    module,
    exports: module.exports,
    require: (name: string) => {
      requires.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
  });
  return { exposed, invoked, listeners, requires, electron };
}

describe('preload', () => {
  test('is a CommonJS bundle requiring nothing but electron', () => {
    expect(bundle).not.toMatch(/^\s*(import|export)\s/m);
    expect(runPreload().requires).toEqual(['electron']);
  });

  test('exposes exactly one function per operation plus onEvent, as window.tokenbench', () => {
    const { exposed } = runPreload();
    expect([...exposed.keys()]).toEqual(['tokenbench']);
    const api = exposed.get('tokenbench')!;
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'onEvent'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  test('ensure-ipcRenderer-itself-is-never-exposed', () => {
    const { exposed, electron } = runPreload();
    const api = exposed.get('tokenbench')!;
    for (const value of Object.values(api)) {
      expect(value).not.toBe(electron.ipcRenderer);
      expect(value).not.toBe(electron.ipcRenderer.invoke);
    }
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('send');
  });

  test('each function invokes its own channel with its one argument', async () => {
    const { exposed, invoked } = runPreload();
    const api = exposed.get('tokenbench') as Record<string, (a: unknown) => Promise<unknown>>;
    await api.listWorkspace!({});
    await (api.getToken as (...a: unknown[]) => Promise<unknown>)({ runId: 'abcdefgh', profileId: 'p' }, 'ignored extra');
    expect(invoked).toEqual([
      [channelOf('listWorkspace'), {}],
      [channelOf('getToken'), { runId: 'abcdefgh', profileId: 'p' }],
    ]);
  });

  test('onEvent passes the payload only, never the IPC event (whose sender is ipcRenderer)', () => {
    const { exposed, listeners } = runPreload();
    const api = exposed.get('tokenbench') as { onEvent: (l: (e: unknown) => void) => () => void };
    const got: unknown[] = [];
    const off = api.onEvent((e) => got.push(e));
    const ipcEvent = { sender: 'ipcRenderer!' };
    for (const l of listeners.get(EVENT_CHANNEL) ?? []) l(ipcEvent, { type: 'workspace.changed' });
    expect(got).toEqual([{ type: 'workspace.changed' }]);
    off();
    expect(listeners.get(EVENT_CHANNEL)).toEqual([]);
  });
});
