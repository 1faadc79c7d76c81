import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { dataNotices } from '../../electron/storage/damaged-files';
import { PreferencesStore } from '../../electron/storage/preferences-store';
import type { Result } from '../../shared/errors';

// The workbench's own preferences (the theme, issue 12): kept by the engine in the data directory.
describe('PreferencesStore', () => {
  let dir: string;
  const fresh = () => {
    dir = mkdtempSync(join(tmpdir(), 'tokenbench-prefs-'));
    return new PreferencesStore(dir);
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('no file: the defaults, and nothing is written by reading', () => {
    const store = fresh();
    expect(store.get()).toEqual({ theme: 'system' });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a change is kept, in a file only its owner can read', () => {
    const store = fresh();
    expect(store.set({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(new PreferencesStore(dir).get()).toEqual({ theme: 'dark' });
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ theme: 'dark' });
    if (process.platform !== 'win32') expect(statSync(store.path).mode & 0o777).toBe(0o600);
    // An empty change keeps what is there.
    expect(store.set({})).toEqual({ theme: 'dark' });
  });

  test('preferences a newer version wrote are dropped, the known ones kept', () => {
    const store = fresh();
    writeFileSync(store.path, JSON.stringify({ theme: 'light', fontSize: 14 }));
    expect(store.get()).toEqual({ theme: 'light' });
  });

  test.each([
    ['not JSON', '{"theme": "dark"', 'not JSON'],
    ['an unknown theme', '{"theme": "blue"}', 'not valid preferences'],
    ['an array', '[]', 'not valid preferences'],
    ['too large', `{"theme":"dark","x":"${'a'.repeat(70 * 1024)}"}`, 'larger than'],
  ])('ensure-damaged-preferences-file-(%s)-is-moved-aside-with-a-notice', (_what, text, reason) => {
    const store = fresh();
    writeFileSync(store.path, text);
    expect(store.get()).toEqual({ theme: 'system' });
    const backups = readdirSync(dir).filter((f) => f.startsWith('preferences.json.damaged-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe(text);
    const notice = dataNotices(dir).find((n) => n.file === store.path);
    expect(notice?.message).toContain(reason);
    // The next change writes a sound file.
    expect(store.set({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(new PreferencesStore(dir).get()).toEqual({ theme: 'dark' });
  });

  test('ensure-unreadable-preferences-path-fails-clearly-and-is-left-alone', () => {
    const store = fresh();
    mkdirSync(store.path);
    expect(() => store.get()).toThrow(/preferences\.json/);
    expect(() => store.set({ theme: 'dark' })).toThrow();
    expect(statSync(store.path).isDirectory()).toBe(true);
  });
});

describe('getPreferences / setPreferences through the IPC contract', () => {
  let dir: string;
  let service: AppService;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenbench-prefs-app-'));
    service = openAppService({ dataDir: join(dir, 'data'), mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
  });
  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the theme chosen is what the next start reads', async () => {
    expect(await dispatch(service.handlers, 'getPreferences', {})).toEqual({ ok: true, value: { theme: 'system' } });
    expect(await dispatch(service.handlers, 'setPreferences', { theme: 'light' })).toEqual({ ok: true, value: { theme: 'light' } });
    expect(new PreferencesStore(join(dir, 'data')).get()).toEqual({ theme: 'light' });
  });

  test.each([[{ theme: 'blue' }], [{ theme: 'dark', extra: 1 }], [{ theme: 42 }]])('ensure-invalid-preferences-change-%j-fails-and-changes-nothing', async (arg) => {
    await dispatch(service.handlers, 'setPreferences', { theme: 'dark' });
    const result = (await dispatch(service.handlers, 'setPreferences', arg)) as Result<unknown>;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
    expect(await dispatch(service.handlers, 'getPreferences', {})).toEqual({ ok: true, value: { theme: 'dark' } });
  });
});
