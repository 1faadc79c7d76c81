// The ProfileStore as it was before the benchmarks (conf: whole-file read + parse on every get,
// whole-file rewrite on every set), kept here only as the "before" contender of bench/profile-store.
import { randomUUID } from 'node:crypto';
import Conf from 'conf';
import { WorkbenchError } from '../../shared/errors';
import {
  ConnectionGroupSchema,
  ConnectionProfileSchema,
  describeIssues,
  type ConnectionGroup,
  type ConnectionProfile,
  type ConnectionProfileInput,
} from '../../shared/profile';

interface StoreShape {
  groups: ConnectionGroup[];
  profiles: ConnectionProfile[];
}

export type ProfileSaveInput = Omit<ConnectionProfileInput, 'id'> & { id?: string };
export type GroupSaveInput = Omit<import('zod').input<typeof ConnectionGroupSchema>, 'id'> & { id?: string };

/**
 * Groups and connection profiles in `profiles.json` under the data dir,
 * through `conf` — the store electron-store extends, so the desktop app and
 * the CLI read and write the same file. Profiles hold no secrets.
 */
export class ConfProfileStore {
  private readonly conf: Conf<StoreShape>;

  constructor(opts: { dataDir: string }) {
    this.conf = new Conf<StoreShape>({
      cwd: opts.dataDir,
      configName: 'profiles',
      defaults: { groups: [], profiles: [] },
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
    });
  }

  get path(): string {
    return this.conf.path;
  }

  listGroups(): ConnectionGroup[] {
    return this.conf.get('groups');
  }

  saveGroup(input: GroupSaveInput): ConnectionGroup {
    const parsed = ConnectionGroupSchema.safeParse({ ...input, id: input.id ?? randomUUID() });
    if (!parsed.success) throw new WorkbenchError('INVALID_INPUT', `invalid group: ${describeIssues(parsed.error)}`);
    const groups = this.listGroups();
    const index = groups.findIndex((g) => g.id === parsed.data.id);
    if (index >= 0) groups[index] = parsed.data;
    else groups.push(parsed.data);
    this.conf.set('groups', groups);
    return parsed.data;
  }

  /** Deletes a group; its profiles move out of it (they are never deleted implicitly). */
  deleteGroup(id: string): void {
    const groups = this.listGroups();
    if (!groups.some((g) => g.id === id)) throw new WorkbenchError('NOT_FOUND', `no group with id ${id}`);
    const profiles = this.listProfiles().map((p) => (p.groupId === id ? { ...p, groupId: undefined } : p));
    this.conf.store = { groups: groups.filter((g) => g.id !== id), profiles };
  }

  listProfiles(): ConnectionProfile[] {
    return this.conf.get('profiles');
  }

  /** Finds a profile by id, else by exact name. */
  getProfile(idOrName: string): ConnectionProfile | undefined {
    const profiles = this.listProfiles();
    return profiles.find((p) => p.id === idOrName) ?? profiles.find((p) => p.name === idOrName);
  }

  saveProfile(input: ProfileSaveInput): ConnectionProfile {
    const now = new Date().toISOString();
    const profiles = this.listProfiles();
    const id = input.id ?? randomUUID();
    const existing = profiles.findIndex((p) => p.id === id);
    const parsed = ConnectionProfileSchema.safeParse({
      ...input,
      id,
      createdAt: existing >= 0 ? profiles[existing]?.createdAt : (input.createdAt ?? now),
      updatedAt: now,
    });
    if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', `invalid profile: ${describeIssues(parsed.error)}`);
    const profile = parsed.data;
    if (profile.groupId && !this.listGroups().some((g) => g.id === profile.groupId))
      throw new WorkbenchError('INVALID_PROFILE', `invalid profile: group ${profile.groupId} does not exist`);
    if (profiles.some((p) => p.name === profile.name && p.id !== id && p.groupId === profile.groupId))
      throw new WorkbenchError('ALREADY_EXISTS', `a profile named "${profile.name}" already exists in that group`);
    if (existing >= 0) profiles[existing] = profile;
    else profiles.push(profile);
    this.conf.set('profiles', profiles);
    return profile;
  }

  deleteProfile(id: string): void {
    const profiles = this.listProfiles();
    if (!profiles.some((p) => p.id === id)) throw new WorkbenchError('NOT_FOUND', `no profile with id ${id}`);
    this.conf.set(
      'profiles',
      profiles.filter((p) => p.id !== id),
    );
  }
}
