import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/errors';
import { fieldErrors } from '../../shared/field-labels';
import {
  ConnectionGroupSchema,
  ConnectionProfileSchema,
  describeIssues,
  type ConnectionGroup,
  type ConnectionProfile,
  type ConnectionProfileInput,
} from '../../shared/profile';
import { moveAsideDamaged } from './damaged-files';
import { withFileLockSync, writeFileAtomic } from './locked-file';

export interface StoreShape {
  groups: ConnectionGroup[];
  profiles: ConnectionProfile[];
  /** Members other versions or tools wrote (conf's `__internal__`, …): kept as they are. */
  [other: string]: unknown;
}

export type ProfileSaveInput = Omit<ConnectionProfileInput, 'id'> & { id?: string };
export type GroupSaveInput = Omit<import('zod').input<typeof ConnectionGroupSchema>, 'id'> & { id?: string };

/**
 * Several changes to the workspace applied together: what `update()` hands
 * its callback. Each call validates as the store's own methods do and changes
 * only a working copy; the file is written once, after the callback returns,
 * and not at all when it throws.
 */
export class WorkspaceChanges {
  /** @internal */
  constructor(public data: StoreShape) {}

  listGroups(): ConnectionGroup[] {
    return [...this.data.groups];
  }

  listProfiles(): ConnectionProfile[] {
    return [...this.data.profiles];
  }

  getProfile(idOrName: string): ConnectionProfile | undefined {
    const profiles = this.data.profiles;
    return profiles.find((p) => p.id === idOrName) ?? profiles.find((p) => p.name === idOrName);
  }

  saveGroup(input: GroupSaveInput): ConnectionGroup {
    const parsed = ConnectionGroupSchema.safeParse({ ...input, id: input.id ?? crypto.randomUUID() });
    if (!parsed.success) throw new WorkbenchError('INVALID_INPUT', `The group cannot be saved: ${describeIssues(parsed.error)}`, { details: { fields: fieldErrors(parsed.error.issues) } });
    const groups = [...this.data.groups];
    const index = groups.findIndex((g) => g.id === parsed.data.id);
    if (index >= 0) groups[index] = parsed.data;
    else groups.push(parsed.data);
    this.data = { ...this.data, groups };
    return parsed.data;
  }

  /** Deletes a group; its profiles move out of it (they are never deleted implicitly). */
  deleteGroup(id: string): void {
    const data = this.data;
    if (!data.groups.some((g) => g.id === id)) throw new WorkbenchError('NOT_FOUND', `no group with id ${id}`);
    const profiles = data.profiles.map((p) => (p.groupId === id ? { ...p, groupId: undefined } : p));
    this.data = { ...data, groups: data.groups.filter((g) => g.id !== id), profiles };
  }

  saveProfile(input: ProfileSaveInput): ConnectionProfile {
    const now = new Date().toISOString();
    const data = this.data;
    const id = input.id ?? crypto.randomUUID();
    const existing = data.profiles.findIndex((p) => p.id === id);
    const parsed = ConnectionProfileSchema.safeParse({
      ...input,
      id,
      createdAt: existing >= 0 ? data.profiles[existing]?.createdAt : (input.createdAt ?? now),
      updatedAt: now,
    });
    if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', `The profile cannot be saved: ${describeIssues(parsed.error)}`, { details: { fields: fieldErrors(parsed.error.issues) } });
    const profile = parsed.data;
    if (profile.groupId && !data.groups.some((g) => g.id === profile.groupId))
      throw new WorkbenchError('INVALID_PROFILE', `invalid profile: group ${profile.groupId} does not exist`);
    if (data.profiles.some((p) => p.name === profile.name && p.id !== id && p.groupId === profile.groupId))
      throw new WorkbenchError('ALREADY_EXISTS', `a profile named "${profile.name}" already exists in that group`, { details: { fields: [{ path: 'name', label: 'Name', message: 'another profile in this group has this name' }] } });
    const profiles = [...data.profiles];
    if (existing >= 0) profiles[existing] = profile;
    else profiles.push(profile);
    this.data = { ...data, profiles };
    return profile;
  }

  deleteProfile(id: string): void {
    const data = this.data;
    if (!data.profiles.some((p) => p.id === id)) throw new WorkbenchError('NOT_FOUND', `no profile with id ${id}`);
    this.data = { ...data, profiles: data.profiles.filter((p) => p.id !== id) };
  }
}

/**
 * Groups and connection profiles in `profiles.json` under the data dir, in
 * the file format of `conf` (the store electron-store extends: one JSON
 * object, tab-indented) so files written by either stay readable by both.
 *
 * Unlike conf, which reads and parses the whole file on every get and
 * re-serializes all of it on every set, this keeps the parsed file in memory
 * while the file on disk is unchanged (checked by a stat per access, so the
 * CLI and the desktop app still see each other's writes), and remembers each
 * entry's serialized text, so saving one profile among 10,000 serializes one
 * profile. Profiles hold no secrets. Returned objects are shared with the
 * cache: treat them as read-only.
 *
 * Every change is a read-modify-write under a cross-process lock
 * (locked-file.ts): the file is re-read (stat, then parse if it changed) under
 * the lock, changed, and replaced atomically (temporary file, fsync, rename,
 * fsync of the directory), so parallel saves from the CLI and the app never
 * lose one another's. A file that is not JSON is moved aside with a notice
 * (damaged-files.ts), and the store starts empty.
 * IDs come from the global Web Crypto `crypto.randomUUID()` (node:crypto's generator, loaded when
 * an ID is made), so opening the store to read one profile does not load the crypto module first.
 */
export class ProfileStore {
  readonly path: string;
  private cache?: { data: StoreShape; stamp: string; /** The file itself has both arrays. */ complete: boolean };
  /** Serialized bytes of each stored entry, indented for its place in the file (slices of the file as read, or stringified once). */
  private readonly serialized = new WeakMap<object, Buffer>();

  constructor(opts: { dataDir: string }) {
    this.path = join(opts.dataDir, 'profiles.json');
    // Like conf: the file exists, with its defaults, once the store is opened.
    this.load();
    if (!this.cache?.complete) this.update(() => undefined);
  }

  /**
   * Applies several changes (groups and profiles) in one locked, atomic
   * write: either all of them land or, when `change` throws, none.
   */
  update<R>(change: (tx: WorkspaceChanges) => R): R {
    return withFileLockSync(this.path, () => {
      const tx = new WorkspaceChanges(this.load(true));
      const result = change(tx);
      this.write(tx.data);
      return result;
    });
  }

  /**
   * Import trust (issue 11): an import's groups and profiles — new ones and
   * replacements, matched by id — in one locked, atomic write, so an import
   * lands whole or not at all. `unchanged` are the entries the import was
   * planned on: if another process changed one meanwhile, nothing is written.
   */
  applyImport(changes: {
    groups: Array<GroupSaveInput & { id: string }>;
    profiles: Array<ProfileSaveInput & { id: string }>;
    unchanged?: { groups: ConnectionGroup[]; profiles: ConnectionProfile[] };
  }): { groups: ConnectionGroup[]; profiles: ConnectionProfile[] } {
    return this.update((tx) => {
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      for (const g of changes.unchanged?.groups ?? [])
        if (!same(tx.listGroups().find((x) => x.id === g.id), g)) throw new WorkbenchError('IMPORT_PLAN_CHANGED', `group "${g.name}" changed while importing: nothing was imported`);
      for (const p of changes.unchanged?.profiles ?? [])
        if (!same(tx.listProfiles().find((x) => x.id === p.id), p)) throw new WorkbenchError('IMPORT_PLAN_CHANGED', `profile "${p.name}" changed while importing: nothing was imported`);
      const groups = changes.groups.map((g) => tx.saveGroup(g));
      // Replacements first: a new entry may take a name a replaced one gives up.
      const existing = new Set(tx.listProfiles().map((p) => p.id));
      const ordered = [...changes.profiles.filter((p) => existing.has(p.id)), ...changes.profiles.filter((p) => !existing.has(p.id))];
      const profiles = ordered.map((p) => tx.saveProfile(p));
      return { groups, profiles };
    });
  }

  /** Which version of the file is on disk now (changes with every write, by any process). */
  revision(): string {
    const st = statOrUndefined(this.path);
    return st ? stampOf(st) : 'none';
  }

  listGroups(): ConnectionGroup[] {
    return [...this.load().groups];
  }

  saveGroup(input: GroupSaveInput): ConnectionGroup {
    return this.update((tx) => tx.saveGroup(input));
  }

  /** Deletes a group; its profiles move out of it (they are never deleted implicitly). */
  deleteGroup(id: string): void {
    this.update((tx) => tx.deleteGroup(id));
  }

  listProfiles(): ConnectionProfile[] {
    return [...this.load().profiles];
  }

  /** Finds a profile by id, else by exact name. */
  getProfile(idOrName: string): ConnectionProfile | undefined {
    const profiles = this.load().profiles;
    return profiles.find((p) => p.id === idOrName) ?? profiles.find((p) => p.name === idOrName);
  }

  saveProfile(input: ProfileSaveInput): ConnectionProfile {
    return this.update((tx) => tx.saveProfile(input));
  }

  deleteProfile(id: string): void {
    this.update((tx) => tx.deleteProfile(id));
  }

  /** The file's contents, parsed again only when the file changed since the last read or write. */
  private load(locked = false): StoreShape {
    const st = statOrUndefined(this.path);
    if (!st) {
      this.cache = undefined;
      return { groups: [], profiles: [] };
    }
    const stamp = stampOf(st);
    if (this.cache?.stamp === stamp) return this.cache.data;
    const bytes = readFileSync(this.path);
    const text = bytes.toString('utf8');
    let parsed: unknown;
    let damage: string | undefined;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) damage = 'it does not hold a JSON object';
    } catch (err) {
      damage = `it is not valid JSON (${(err as Error).message})`;
    }
    if (damage !== undefined) {
      // Moved aside under the lock, after reading again: another process may have repaired it meanwhile.
      if (!locked) return withFileLockSync(this.path, () => this.load(true));
      moveAsideDamaged(this.path, damage);
      this.cache = undefined;
      return { groups: [], profiles: [] };
    }
    const obj = parsed as Record<string, unknown>;
    // Defaults first, then the file's members in the file's order, so a rewrite keeps the layout.
    const data = { groups: [], profiles: [], ...obj } as StoreShape;
    const complete = Array.isArray(obj.groups) && Array.isArray(obj.profiles);
    if (!Array.isArray(data.groups)) data.groups = [];
    if (!Array.isArray(data.profiles)) data.profiles = [];
    this.cache = { data, stamp, complete };
    // Each entry's bytes as they are in the file: the first save after opening need not stringify 10,000 profiles.
    for (const key of ['groups', 'profiles'] as const) {
      const spans = entrySpans(bytes, key);
      const entries: Array<{ id?: unknown }> = data[key];
      if (spans?.length === entries.length && sameId(spans[0], entries[0]) && sameId(spans[spans.length - 1], entries[entries.length - 1]))
        entries.forEach((entry, i) => this.serialized.set(entry, spans[i] as Buffer));
    }
    return data;
  }

  /** Called under the lock only. */
  private write(data: StoreShape): void {
    writeFileAtomic(this.path, this.serialize(data));
    const st = statOrUndefined(this.path);
    this.cache = st ? { data, stamp: stampOf(st), complete: true } : undefined;
  }

  /**
   * Exactly `JSON.stringify(data, undefined, '\t')` (conf's format), built
   * from each entry's remembered text: entries are immutable once stored
   * (a save replaces the object), so an entry's text never goes stale.
   */
  private serialize(data: StoreShape): Buffer {
    const parts: Buffer[] = [];
    const members = Object.entries(data).filter(([, v]) => v !== undefined);
    if (members.length === 0) return Buffer.from('{}');
    parts.push(Buffer.from('{\n'));
    members.forEach(([key, value], m) => {
      const name = JSON.stringify(key);
      if ((key === 'groups' || key === 'profiles') && Array.isArray(value) && value.length > 0) {
        parts.push(Buffer.from(`\t${name}: [\n`));
        value.forEach((entry: object, i) => {
          if (i > 0) parts.push(ENTRY_SEPARATOR);
          parts.push(this.entryBytes(entry));
        });
        parts.push(Buffer.from('\n\t]'));
      } else {
        parts.push(Buffer.from(`\t${name}: ${JSON.stringify(value, undefined, '\t').replace(/\n/g, '\n\t')}`));
      }
      parts.push(Buffer.from(m < members.length - 1 ? ',\n' : '\n}'));
    });
    return Buffer.concat(parts);
  }

  private entryBytes(entry: object): Buffer {
    let bytes = this.serialized.get(entry);
    if (bytes === undefined) {
      bytes = Buffer.from(`\t\t${JSON.stringify(entry, undefined, '\t').replace(/\n/g, '\n\t\t')}`);
      this.serialized.set(entry, bytes);
    }
    return bytes;
  }
}

const ENTRY_SEPARATOR = Buffer.from(',\n');
const ENTRY_OPEN = Buffer.from('\n\t\t{');
const ENTRY_CLOSE = Buffer.from('\n\t\t}');

/**
 * The byte spans of the entries of a top-level array in conf's tab-indented
 * layout: each entry opens with "\t\t{" and closes with "\t\t}" at the start
 * of a line, and nothing deeper sits at two tabs (JSON strings hold no raw
 * newlines). Undefined when the file is laid out otherwise; the caller then
 * stringifies entries itself.
 */
function entrySpans(bytes: Buffer, key: string): Buffer[] | undefined {
  const header = Buffer.from(`\n\t${JSON.stringify(key)}: [`);
  const start = bytes.indexOf(header);
  if (start < 0 || bytes[start + header.length] !== 0x0a) return undefined;
  const end = bytes.indexOf('\n\t]', start + header.length);
  if (end < 0) return undefined;
  const spans: Buffer[] = [];
  let at = start + header.length;
  for (;;) {
    const open = bytes.indexOf(ENTRY_OPEN, at);
    if (open < 0 || open > end) break;
    const close = bytes.indexOf(ENTRY_CLOSE, open + ENTRY_OPEN.length);
    if (close < 0 || close > end) return undefined;
    spans.push(bytes.subarray(open + 1, close + ENTRY_CLOSE.length));
    at = close + ENTRY_CLOSE.length;
  }
  return spans;
}

/** A spot check that the spans line up with the parsed entries. */
function sameId(span: Buffer | undefined, entry: { id?: unknown } | undefined): boolean {
  if (!span || !entry) return span === entry;
  try {
    return (JSON.parse(span.toString('utf8')) as { id?: unknown }).id === entry.id;
  } catch {
    return false;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Identity of one version of the file: a rename (our writes, conf's) changes the inode; an in-place edit changes mtime or size. */
function stampOf(st: Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}
