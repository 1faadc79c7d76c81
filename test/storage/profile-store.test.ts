import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../electron/storage/profile-store';

const profile = (name: string, groupId?: string) => ({ name, grantType: 'client_credentials' as const, clientId: `id-${name}`, scopes: ['a', 'b'], ...(groupId ? { groupId } : {}) });
const confOf = (dir: string) => new Conf<Record<string, unknown>>({ cwd: dir, configName: 'profiles', accessPropertiesByDotNotation: false });
const confText = (dir: string) => JSON.stringify(confOf(dir).store, undefined, '\t');

describe('ProfileStore keeps conf’s file format while caching', () => {
  it('creates the file with its defaults, and writes exactly what conf would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-store-'));
    const store = new ProfileStore({ dataDir: dir });
    expect(readFileSync(store.path, 'utf8')).toBe('{\n\t"groups": [],\n\t"profiles": []\n}');
    const g = store.saveGroup({ name: 'G', defaults: { issuer: 'https://as.example' } });
    for (let i = 0; i < 5; i++) store.saveProfile(profile(`p${i}`, i % 2 ? g.id : undefined));
    expect(readFileSync(store.path, 'utf8')).toBe(confText(dir));
    store.deleteGroup(g.id);
    expect(readFileSync(store.path, 'utf8')).toBe(confText(dir));
    expect(store.listProfiles().every((p) => p.groupId === undefined)).toBe(true);
  });

  it('sees writes by another process (conf, the other app) and keeps members it does not know', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-store-'));
    const store = new ProfileStore({ dataDir: dir });
    store.saveProfile(profile('mine'));
    const conf = confOf(dir);
    conf.set('profiles', [...(conf.get('profiles') as unknown[]), { ...store.listProfiles()[0], id: 'other', name: 'theirs' }]);
    const raw = JSON.parse(readFileSync(store.path, 'utf8'));
    writeFileSync(store.path, JSON.stringify({ ...raw, __internal__: { migrations: { version: '1.0.0' } } }, undefined, '\t'));
    expect(store.listProfiles().map((p) => p.name)).toEqual(['mine', 'theirs']);
    store.saveProfile(profile('third'));
    expect(JSON.parse(readFileSync(store.path, 'utf8')).__internal__).toEqual({ migrations: { version: '1.0.0' } });
    expect(readFileSync(store.path, 'utf8')).toBe(confText(dir));
  });

  it('the first save after opening reuses the file’s bytes for untouched entries, and a differently indented file still round-trips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-store-'));
    const first = new ProfileStore({ dataDir: dir });
    for (let i = 0; i < 20; i++) first.saveProfile(profile(`p${i}`));
    const reopened = new ProfileStore({ dataDir: dir });
    const p = reopened.getProfile('p7')!;
    reopened.saveProfile({ ...p, name: 'renamed' });
    expect(readFileSync(reopened.path, 'utf8')).toBe(confText(dir));
    expect(new ProfileStore({ dataDir: dir }).getProfile(p.id)?.name).toBe('renamed');

    // Two-space indentation (a hand edit): entries are stringified instead of sliced.
    const data = JSON.parse(readFileSync(reopened.path, 'utf8'));
    writeFileSync(reopened.path, JSON.stringify(data, undefined, 2));
    const edited = new ProfileStore({ dataDir: dir });
    edited.saveProfile({ ...edited.getProfile('p3')!, name: 'p3b' });
    expect(readFileSync(edited.path, 'utf8')).toBe(confText(dir));
    expect(edited.listProfiles()).toHaveLength(20);
  });

  it('listing returns fresh arrays: changing one does not change the store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-store-'));
    const store = new ProfileStore({ dataDir: dir });
    store.saveProfile(profile('a'));
    store.listProfiles().pop();
    expect(store.listProfiles()).toHaveLength(1);
  });
});
