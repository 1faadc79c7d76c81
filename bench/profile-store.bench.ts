// (3, store side) 10,000 profiles in 500 groups: load (open the store, list
// groups and profiles, as the app's listWorkspace does) and one save, the
// current ProfileStore next to the conf-based one it replaced.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from '../electron/storage/profile-store';
import { ConnectionGroupSchema, ConnectionProfileSchema } from '../shared/profile';
import { absBar, alternate, flush, quick, record } from './lib/measure';
import { ConfProfileStore } from './support/conf-profile-store';

export const PROFILES = 10_000;
export const GROUPS = 500;

/** A realistic workspace file: every profile fully populated by the schema's defaults. */
export function workspaceJson(): string {
  const groups = Array.from({ length: GROUPS }, (_, i) => ConnectionGroupSchema.parse({ id: randomUUID(), name: `Team ${String(i).padStart(3, '0')}`, defaults: { issuer: `https://idp${i}.example.com` } }));
  const now = new Date().toISOString();
  const grants = ['client_credentials', 'authorization_code', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:device_code'] as const;
  const profiles = Array.from({ length: PROFILES }, (_, i) =>
    ConnectionProfileSchema.parse({
      id: randomUUID(),
      name: `service-${i} ${['staging', 'production', 'dev', 'qa'][i % 4]}`,
      groupId: groups[i % GROUPS]!.id,
      issuer: `https://idp${i % GROUPS}.example.com/oauth2/default`,
      grantType: grants[i % grants.length],
      clientId: `client-${i}-${randomUUID().slice(0, 8)}`,
      clientAuth: { method: i % 3 ? 'client_secret_basic' : 'private_key_jwt', ...(i % 3 ? {} : { keyAlias: `key-${i % 20}` }) },
      scopes: ['openid', 'profile', `api.read.${i % 7}`],
      createdAt: now,
      updatedAt: now,
    }),
  );
  return JSON.stringify({ groups, profiles }, undefined, '\t');
}

const isMain = process.argv[1]?.endsWith('profile-store.bench.js');
if (isMain) {
  const root = mkdtempSync(join(tmpdir(), 'tokenbench-bench-store-'));
  const text = workspaceJson();
  const dirs = { current: join(root, 'current'), conf: join(root, 'conf') };
  for (const d of Object.values(dirs)) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'profiles.json'), text, { mode: 0o600 });
  }
  process.stderr.write(`profile-store: ${PROFILES} profiles in ${GROUPS} groups, ${(text.length / 1024 / 1024).toFixed(1)} MB\n`);
  const rounds = quick ? 6 : 20;

  const load = (make: () => { listGroups(): unknown[]; listProfiles(): unknown[] }) => () => {
    const store = make();
    if (store.listProfiles().length !== PROFILES || store.listGroups().length !== GROUPS) throw new Error('wrong count');
  };
  const loads = await alternate(
    [
      { name: 'current', run: load(() => new ProfileStore({ dataDir: dirs.current })) },
      { name: 'conf', run: load(() => new ConfProfileStore({ dataDir: dirs.conf })) },
    ],
    { warmup: 2, rounds },
  );
  record({ suite: 'profile-store', metric: `load ${PROFILES} profiles / ${GROUPS} groups (open store, list groups and profiles)`, unit: 'ms', stats: loads.current!, bar: absBar(loads.current!.median, 200, 'ms') });
  record({ suite: 'profile-store', metric: `load, conf-based store it replaced`, unit: 'ms', stats: loads.conf! });

  // One save: rename a profile in a store that is open (as the app's is).
  const current = new ProfileStore({ dataDir: dirs.current });
  const conf = new ConfProfileStore({ dataDir: dirs.conf });
  let n = 0;
  const save = (store: ProfileStore | ConfProfileStore) => () => {
    const profiles = store.listProfiles();
    const p = profiles[(n * 7919) % profiles.length]!;
    store.saveProfile({ ...p, name: `${p.name.split(' #')[0]} #${n++}` });
  };
  // Timed: the save alone, not the lookup of which profile to edit.
  const timedSave = (store: ProfileStore | ConfProfileStore) => {
    const step = save(store);
    return async () => {
      const t0 = performance.now();
      step();
      return performance.now() - t0;
    };
  };
  const saves = await alternate(
    [
      { name: 'current', run: timedSave(current) },
      { name: 'conf', run: timedSave(conf) },
    ],
    { warmup: 2, rounds },
  );
  record({ suite: 'profile-store', metric: 'one save (edit one profile of 10,000; atomic write of the file)', unit: 'ms', stats: saves.current!, bar: absBar(saves.current!.median, 50, 'ms') });
  record({ suite: 'profile-store', metric: 'one save, conf-based store it replaced', unit: 'ms', stats: saves.conf! });

  // The first save after opening: nothing serialized yet in this process.
  const firstSave = (make: () => ProfileStore | ConfProfileStore) => async () => {
    const store = make();
    const p = store.listProfiles()[n % PROFILES]!;
    const t0 = performance.now();
    store.saveProfile({ ...p, name: `${p.name.split(' #')[0]} #${n++}` });
    return performance.now() - t0;
  };
  const firsts = await alternate(
    [
      { name: 'current', run: firstSave(() => new ProfileStore({ dataDir: dirs.current })) },
      { name: 'conf', run: firstSave(() => new ConfProfileStore({ dataDir: dirs.conf })) },
    ],
    { warmup: 1, rounds: quick ? 4 : 10 },
  );
  record({ suite: 'profile-store', metric: 'first save after opening the store', unit: 'ms', stats: firsts.current!, bar: absBar(firsts.current!.median, 50, 'ms') });
  record({ suite: 'profile-store', metric: 'first save after opening, conf-based store it replaced', unit: 'ms', stats: firsts.conf! });

  flush();
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
}
