import { createHash } from 'node:crypto';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { WorkbenchError } from '../../shared/errors';
import { destinationsOf, movedDestinations, reviewableValues } from '../../shared/import-trust';
import {
  SECRET_NAMES,
  type ImportChange,
  type ImportDecision,
  type ImportPlan,
  type ImportPlanItem,
  type ImportReport,
  type SecretName,
} from '../../shared/ipc';
import { ConnectionGroupSchema, ConnectionProfileSchema, describeIssues, type ConnectionGroup, type ConnectionProfile } from '../../shared/profile';
import { profileSecretAccount, type SecretStore } from '../secrets/secret-store';
import type { ProfileStore } from '../storage/profile-store';
import { EXPORT_FORMAT, EXPORT_VERSION, placeholderFor } from './connections-io';

/**
 * Import trust (issue 11). A connections file is untrusted input: it is
 * validated whole, planned item by item against the workspace, and applied
 * only with the user's decisions. The rules:
 *
 * - Every item gets a new id unless the user replaces the existing entry with
 *   the same id (per item in the app, `--replace` in the CLI), and a replace
 *   names the plan it was decided on (its digest), so a workspace changed in
 *   between is not overwritten blindly.
 * - Nothing from a file is attached to stored secrets, keys or tokens: when an
 *   existing profile's requests would go elsewhere after the import (origin of
 *   its issuer, endpoints or fixed redirect; proxy; CA bundle; TLS
 *   verification turned off — its own fields or its group's defaults), its
 *   stored secrets and its token history are cleared and must be entered again.
 * - Key aliases and assertion claims from a file wait for the user's
 *   confirmation (`imported.confirmed: false`) before the engine uses them.
 * - A bad file changes nothing: everything is checked before the one write of
 *   profiles.json; secrets from the file are written after it, never over a
 *   stored one.
 *
 * The pipeline takes the parsed document (an object), so importers of other
 * formats (Postman, Insomnia, …) can convert to this format and come through here.
 */

/** The limits of a connections file. */
export const IMPORT_LIMITS = { groups: 10_000, profiles: 100_000 } as const;

const ImportProfileSchema = zm.extend(ConnectionProfileSchema, {
  secrets: zm.optional(zm.partialRecord(zm.enum(SECRET_NAMES), zm.string().check(zm.maxLength(16_384)))),
});

const EnvelopeSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: z.string().max(64).optional(),
    groups: z.array(z.unknown()).max(IMPORT_LIMITS.groups),
    profiles: z.array(z.unknown()).max(IMPORT_LIMITS.profiles),
  })
  .strict();

/** Fields that say where a profile's requests (and so its secrets) go, or how the server is authenticated. */
const DESTINATION_FIELD = /^(issuer|endpoints\.|redirect\.|network\.(proxy|caFile|insecureSkipTlsVerify)$|groupId$|authorizationRequest\.parEndpoint$|registration\.registrationClientUri$|apiRequests$)/;
/** Fields that say what the user's keys sign, and for whom. */
const SIGNING_FIELD = /^(clientAuth\.(keyAlias|tlsKeyAlias|signingAlg|assertionAudience|assertionLifetime|x5t)$|jwtBearerClaims|dpop\.keyAlias$|authorizationRequest\.(requestObjectKeyAlias|jarmDecryptionKeyAlias)$)/;

interface GroupEntry {
  item: ImportPlanItem;
  group?: ConnectionGroup;
}
interface ProfileEntry {
  item: ImportPlanItem;
  profile?: ConnectionProfile;
  secrets: Partial<Record<SecretName, string>>;
}

interface Checked {
  problems: string[];
  groups: GroupEntry[];
  profiles: ProfileEntry[];
}

export interface Workspace {
  groups: ConnectionGroup[];
  profiles: ConnectionProfile[];
}

/** Parses a file's text; a non-JSON file is one problem of the plan, not an exception. */
export function parseImportJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new WorkbenchError('INVALID_INPUT', `the file is not JSON: ${(err as Error).message}`);
  }
}

/** Validates every item of a document apart, so the plan can name each bad one. */
function check(doc: unknown): Checked {
  const envelope = EnvelopeSchema.safeParse(doc);
  if (!envelope.success) return { problems: [`not a Token Workbench connections file: ${describeIssues(envelope.error)}`], groups: [], profiles: [] };
  const blank = (kind: 'group' | 'profile', index: number, raw: unknown): ImportPlanItem => {
    const r = (raw && typeof raw === 'object' ? raw : {}) as { id?: unknown; name?: unknown };
    return {
      kind,
      index,
      fileId: typeof r.id === 'string' ? r.id.slice(0, 100) : `#${index}`,
      name: typeof r.name === 'string' ? r.name.slice(0, 200) : `(${kind} ${index + 1})`,
      status: 'new',
      changes: [],
      clearsSecretsOf: [],
      needsConfirmation: [],
      fileSecrets: [],
      notes: [],
      digest: '',
    };
  };
  const invalid = (item: ImportPlanItem, reason: string) => Object.assign(item, { status: 'invalid' as const, reason });

  const groupIds = new Set<string>();
  const groups: GroupEntry[] = envelope.data.groups.map((raw, index) => {
    const item = blank('group', index, raw);
    const parsed = ConnectionGroupSchema.safeParse(raw);
    if (!parsed.success) return { item: invalid(item, describeIssues(parsed.error)) };
    const group = parsed.data;
    if (groupIds.has(group.id)) return { item: invalid(item, `id ${group.id} appears twice in the file`) };
    groupIds.add(group.id);
    return { item, group };
  });

  const profileIds = new Set<string>();
  const namesByGroup = new Set<string>();
  const profiles: ProfileEntry[] = envelope.data.profiles.map((raw, index) => {
    const item = blank('profile', index, raw);
    // What the file says about confirmation and timestamps is not the file's to say.
    const { imported: _i, createdAt: _c, updatedAt: _u, ...rest } = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const parsed = ImportProfileSchema.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? rest : raw);
    if (!parsed.success) return { item: invalid(item, describeIssues(parsed.error)), secrets: {} };
    const { secrets: given, ...profile } = parsed.data;
    if (profileIds.has(profile.id)) return { item: invalid(item, `id ${profile.id} appears twice in the file`), secrets: {} };
    profileIds.add(profile.id);
    if (profile.groupId && !groupIds.has(profile.groupId)) {
      item.notes.push(`its group ${profile.groupId} is not in the file: imported without a group`);
      profile.groupId = undefined;
    }
    // Claiming a URL scheme OS-wide is the user's choice, not a file's (the app registers it only when turned on).
    if (profile.redirect.registerScheme) {
      item.notes.push('the file turns on registering its redirect scheme with the OS: left off (turn it on in the profile)');
      profile.redirect = { ...profile.redirect, registerScheme: undefined };
    }
    const nameKey = `${profile.groupId ?? ''}\n${profile.name}`;
    if (namesByGroup.has(nameKey)) return { item: invalid(item, `another profile in the file has the name "${profile.name}" in the same group`), secrets: {} };
    namesByGroup.add(nameKey);
    // A value still equal to its placeholder is no secret; anything else was filled in by whoever wrote the file.
    const secrets = Object.fromEntries(Object.entries(given ?? {}).filter(([name, value]) => value && value !== placeholderFor(name as SecretName))) as Partial<Record<SecretName, string>>;
    item.fileSecrets = Object.keys(secrets) as SecretName[];
    return { item, profile: { ...profile, imported: undefined, createdAt: undefined, updatedAt: undefined }, secrets };
  });
  return { problems: [], groups, profiles };
}

/** What an entry looks like for comparison: no id, timestamps, bookkeeping. */
function comparable(entry: object): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, imported: _i, secretRefs: _s, ...rest } = entry as Record<string, unknown>;
  return rest;
}

/** Leaf paths of an entry: objects are walked, arrays and assertion claims are one value each. */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value) && prefix !== 'jwtBearerClaims') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) out.set(prefix, JSON.stringify(value));
  return out;
}

/** In a group, everything but its name and timeout may change where its members' requests go (see destinationsOf). */
const HARMLESS_GROUP_FIELD = /^(name|defaults\.network\.timeoutMs)$/;

function diff(before: object, after: object, kind: 'group' | 'profile'): ImportChange[] {
  const a = flatten(comparable(before));
  const b = flatten(comparable(after));
  const changes: ImportChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(field);
    const y = b.get(field);
    if (x === y) continue;
    // Turning TLS verification (back) on sends nothing anywhere new.
    const verifiesAgain = field.endsWith('insecureSkipTlsVerify') && y !== 'true';
    const destination = !verifiesAgain && (kind === 'group' ? !HARMLESS_GROUP_FIELD.test(field) : DESTINATION_FIELD.test(field));
    changes.push({ field, ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}), destination, signing: SIGNING_FIELD.test(field) });
  }
  return changes.sort((l, r) => l.field.localeCompare(r.field));
}

/** What the user's keys would be used for: reviewed values, their destinations and assertion settings. */
function signingContext(p: ConnectionProfile, group: ConnectionGroup | undefined): string {
  const a = p.clientAuth;
  return JSON.stringify([reviewableValues(p), a.signingAlg, a.assertionAudience, a.assertionLifetime, destinationsOf(p, group)]);
}

const digestOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 32);

/** Profiles (of `before`) whose requests would go elsewhere in `after`, with what changed. */
function redirectedProfiles(before: Workspace, after: Workspace): Map<string, string[]> {
  const groupsBefore = new Map(before.groups.map((g) => [g.id, g]));
  const groupsAfter = new Map(after.groups.map((g) => [g.id, g]));
  const afterById = new Map(after.profiles.map((p) => [p.id, p]));
  const out = new Map<string, string[]>();
  for (const old of before.profiles) {
    const now = afterById.get(old.id);
    if (!now) continue;
    const changed = movedDestinations(destinationsOf(old, old.groupId ? groupsBefore.get(old.groupId) : undefined), destinationsOf(now, now.groupId ? groupsAfter.get(now.groupId) : undefined));
    if (changed.length) out.set(old.id, changed);
  }
  return out;
}

/** The workspace after replacing some entries by id (used to plan what one replace would do). */
function withReplaced(ws: Workspace, groups: ConnectionGroup[], profiles: ConnectionProfile[]): Workspace {
  const g = new Map(groups.map((x) => [x.id, x]));
  const p = new Map(profiles.map((x) => [x.id, x]));
  return {
    groups: ws.groups.map((x) => g.get(x.id) ?? x),
    // A replaced profile keeps what its file version says; its groupId must name a group that exists then.
    profiles: ws.profiles.map((x) => p.get(x.id) ?? x),
  };
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  let candidate = `${name} (imported)`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name} (imported ${i})`;
  return candidate;
}

/**
 * The plan for a document against the workspace: per item new, conflict
 * (with the changes a replace would make and whose secrets it would clear)
 * or invalid (with the reason). Changes nothing.
 */
export function planImport(doc: unknown, ws: Workspace): ImportPlan {
  const checked = check(doc);
  return planFrom(checked, ws);
}

function planFrom(checked: Checked, ws: Workspace): ImportPlan {
  const groupsById = new Map(ws.groups.map((g) => [g.id, g]));
  const profilesById = new Map(ws.profiles.map((p) => [p.id, p]));
  const fileGroups = new Map(checked.groups.filter((g) => g.group).map((g) => [g.group!.id, g.group!]));

  for (const { item, group } of checked.groups) {
    if (!group) continue;
    const existing = groupsById.get(group.id);
    if (existing) {
      item.status = 'conflict';
      item.existing = { id: existing.id, name: existing.name };
      item.changes = diff(existing, group, 'group');
      const redirected = redirectedProfiles(ws, withReplaced(ws, [group], []));
      item.clearsSecretsOf = [...redirected.keys()].map((id) => ({ profileId: id, name: profilesById.get(id)?.name ?? id }));
    }
    item.digest = digestOf(['group', item.fileId, existing ?? null, group, item.clearsSecretsOf]);
  }

  const takenByGroup = new Map<string, Set<string>>();
  for (const p of ws.profiles) {
    const key = p.groupId ?? '';
    if (!takenByGroup.has(key)) takenByGroup.set(key, new Set());
    takenByGroup.get(key)!.add(p.name);
  }
  for (const { item, profile } of checked.profiles) {
    if (!profile) continue;
    const reviewed = reviewableValues(profile);
    const existing = profilesById.get(profile.id);
    const fileGroup = profile.groupId ? fileGroups.get(profile.groupId) : undefined;
    if (existing) {
      item.status = 'conflict';
      item.existing = { id: existing.id, name: existing.name };
      item.changes = diff(existing, profile, 'profile');
      // Replacing: the file's group is the existing group of that id when that one is replaced too; planned as if so.
      const candidate: ConnectionProfile = { ...profile, groupId: profile.groupId && (groupsById.has(profile.groupId) || fileGroup) ? profile.groupId : undefined };
      const after = withReplaced({ groups: [...ws.groups, ...(fileGroup && !groupsById.has(fileGroup.id) ? [fileGroup] : [])], profiles: ws.profiles }, [], [candidate]);
      const redirected = redirectedProfiles(ws, after);
      item.clearsSecretsOf = [...redirected.keys()].map((id) => ({ profileId: id, name: profilesById.get(id)?.name ?? id }));
      const existingGroup = existing.groupId ? groupsById.get(existing.groupId) : undefined;
      const sameUse = signingContext(existing, existingGroup) === signingContext(candidate, fileGroup ?? (candidate.groupId ? groupsById.get(candidate.groupId) : undefined));
      if (reviewed.length && (!sameUse || existing.imported?.confirmed === false)) item.needsConfirmation = reviewed.map(([field]) => field);
      // Imported as new instead, a clash of names gets a suffix.
      if (!profile.groupId) {
        const asNew = uniqueName(profile.name, takenByGroup.get('') ?? new Set());
        if (asNew !== profile.name) item.notes.push(`imported as a new profile it is named "${asNew}"`);
      }
    } else {
      if (reviewed.length) item.needsConfirmation = reviewed.map(([field]) => field);
      // New profiles go into new groups (empty) or into no group, where the name may be taken.
      if (!profile.groupId) {
        const asNew = uniqueName(profile.name, takenByGroup.get('') ?? new Set());
        if (asNew !== profile.name) item.importedAs = asNew;
      }
    }
    item.digest = digestOf(['profile', item.fileId, existing ?? null, profile, item.clearsSecretsOf, item.needsConfirmation]);
  }
  const items = [...checked.groups, ...checked.profiles].map((e) => e.item);
  return { valid: checked.problems.length === 0 && items.every((i) => i.status !== 'invalid'), problems: checked.problems, groups: checked.groups.map((g) => g.item), profiles: checked.profiles.map((p) => p.item) };
}

/** What the store, keychain and history an import writes to. */
export interface ImportTargets {
  store: ProfileStore;
  /** Needed when the import clears stored secrets or writes secrets from the file. */
  secrets?: () => Promise<SecretStore>;
  /** Drops a profile's stored tokens (they came from the servers it no longer talks to). */
  clearHistory?: (profileId: string) => Promise<unknown>;
  /** The file's name, kept with imported profiles. */
  source?: string;
}

/** Decisions for the CLI's `--replace`: every conflict replaced, on the plan just made. */
export function replaceAllDecisions(plan: ImportPlan): ImportDecision[] {
  return [...plan.groups, ...plan.profiles].filter((i) => i.status === 'conflict').map((i) => ({ kind: i.kind, fileId: i.fileId, action: 'replace', digest: i.digest }));
}

/**
 * Applies a document with the user's decisions. Plans again against the
 * workspace as it is now and refuses a replace whose digest no longer
 * matches. Writes groups and profiles in one step, then clears the secrets
 * and tokens of profiles whose requests now go elsewhere, then writes the
 * file's secrets where none is stored.
 */
export async function applyImportDocument(doc: unknown, decisions: ImportDecision[], targets: ImportTargets): Promise<ImportReport> {
  const { store } = targets;
  const before: Workspace = { groups: store.listGroups(), profiles: store.listProfiles() };
  const checked = check(doc);
  const plan = planFrom(checked, before);
  if (!plan.valid) {
    // Named as the rest of the app names fields ("Profile 3, Grant type: …"): a few, then how many more.
    const bad = [...plan.groups, ...plan.profiles].filter((i) => i.status === 'invalid').map((i) => `${i.kind === 'group' ? 'Group' : 'Profile'} ${i.index + 1}, ${i.reason}`);
    const all = [...plan.problems, ...bad];
    const more = all.length - 5;
    throw new WorkbenchError('INVALID_INPUT', `nothing was imported: ${all.slice(0, 5).join('; ')}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`, { details: { problems: all.slice(0, 100) } });
  }

  const decisionOf = new Map<string, ImportDecision>();
  for (const d of decisions) {
    const key = `${d.kind}:${d.fileId}`;
    if (decisionOf.has(key)) throw new WorkbenchError('INVALID_INPUT', `two decisions for ${d.kind} ${d.fileId}`);
    decisionOf.set(key, d);
  }
  const actionOf = (item: ImportPlanItem): 'new' | 'replace' | 'skip' => {
    const d = decisionOf.get(`${item.kind}:${item.fileId}`);
    decisionOf.delete(`${item.kind}:${item.fileId}`);
    if (!d || d.action === 'new') return 'new';
    if (d.action === 'skip') return 'skip';
    if (item.status !== 'conflict') throw new WorkbenchError('INVALID_INPUT', `${item.kind} "${item.name}" replaces nothing: no existing ${item.kind} has id ${item.fileId}`);
    if (d.digest !== item.digest)
      throw new WorkbenchError('IMPORT_PLAN_CHANGED', `${item.kind} "${item.name}" or what it replaces changed since the plan was made: preview the import again`, { details: { kind: item.kind, fileId: item.fileId } });
    return 'replace';
  };

  const now = new Date().toISOString();
  const report: ImportReport = { groups: 0, profiles: 0, needSecrets: [], created: [], replaced: [], skipped: [], clearedSecrets: [], awaitingConfirmation: [] };
  const groupIdMap = new Map<string, string | undefined>();
  const groupsToWrite: ConnectionGroup[] = [];
  for (const { item, group } of checked.groups) {
    const action = actionOf(item);
    if (action === 'skip' || !group) {
      groupIdMap.set(item.fileId, undefined);
      report.skipped.push({ kind: 'group', fileId: item.fileId, name: item.name });
      continue;
    }
    const id = action === 'replace' ? group.id : crypto.randomUUID();
    groupIdMap.set(group.id, id);
    groupsToWrite.push({ ...group, id });
    if (action === 'replace') report.replaced.push({ kind: 'group', id, name: group.name });
    else report.created.push({ kind: 'group', id, name: group.name, fileId: item.fileId });
  }

  const afterGroups = withReplaced(before, groupsToWrite, []).groups;
  for (const g of groupsToWrite) if (!afterGroups.some((x) => x.id === g.id)) afterGroups.push(g);
  const taken = new Map<string, Set<string>>();
  const takenIn = (groupId: string | undefined) => {
    const key = groupId ?? '';
    if (!taken.has(key)) taken.set(key, new Set(before.profiles.filter((p) => (p.groupId ?? '') === key).map((p) => p.name)));
    return taken.get(key)!;
  };

  interface Planned {
    fileId: string;
    profile: ConnectionProfile;
    action: 'new' | 'replace';
    secrets: Partial<Record<SecretName, string>>;
    fileRefs: SecretName[];
  }
  const planned: Planned[] = [];
  const beforeById = new Map(before.profiles.map((p) => [p.id, p]));
  for (const { item, profile, secrets } of checked.profiles) {
    const action = actionOf(item);
    if (action === 'skip' || !profile) {
      report.skipped.push({ kind: 'profile', fileId: item.fileId, name: item.name });
      continue;
    }
    const groupId = profile.groupId ? groupIdMap.get(profile.groupId) : undefined;
    const existing = action === 'replace' ? beforeById.get(profile.id) : undefined;
    const id = existing ? existing.id : crypto.randomUUID();
    const names = takenIn(groupId);
    if (existing && existing.groupId === groupId) names.delete(existing.name);
    const name = uniqueName(profile.name, names);
    names.add(name);
    planned.push({
      fileId: item.fileId,
      // A replaced profile keeps its stored secrets only while its requests go where they went (checked below).
      profile: {
        ...profile,
        id,
        name,
        groupId,
        // The scheme registration the user turned on stays while the redirect URL does.
        redirect: { ...profile.redirect, registerScheme: existing && existing.redirect.url === profile.redirect.url ? existing.redirect.registerScheme : undefined },
        secretRefs: existing ? existing.secretRefs : [],
        imported: undefined,
      },
      action,
      secrets,
      fileRefs: profile.secretRefs,
    });
  }

  if (decisionOf.size) throw new WorkbenchError('INVALID_INPUT', `decisions name entries the file does not have: ${[...decisionOf.keys()].slice(0, 5).join(', ')}`);

  // The workspace as it will be: which existing profiles now send their requests elsewhere?
  const after: Workspace = { groups: afterGroups, profiles: withReplaced(before, [], planned.filter((p) => p.action === 'replace').map((p) => p.profile)).profiles };
  const redirected = redirectedProfiles(before, after);
  const groupOf = (ws: Workspace, p: ConnectionProfile) => (p.groupId ? ws.groups.find((g) => g.id === p.groupId) : undefined);

  // Profiles written: the file's (new and replacing) and existing ones whose group's defaults moved them.
  const toWrite = new Map<string, ConnectionProfile>();
  for (const p of planned) {
    let imported: ConnectionProfile['imported'];
    const reviewed = reviewableValues(p.profile).length > 0;
    const old = beforeById.get(p.profile.id);
    if (p.action === 'new') imported = { at: now, ...(targets.source ? { source: targets.source } : {}), confirmed: !reviewed };
    else {
      const same = old && signingContext(old, groupOf(before, old)) === signingContext(p.profile, groupOf(after, p.profile));
      const stillPending = old?.imported?.confirmed === false;
      imported = { at: now, ...(targets.source ? { source: targets.source } : {}), confirmed: !reviewed || (Boolean(same) && !stillPending) };
    }
    toWrite.set(p.profile.id, { ...p.profile, imported });
  }
  for (const [id, because] of redirected) {
    const current = toWrite.get(id) ?? after.profiles.find((p) => p.id === id)!;
    // Its key would now sign for, or be presented to, somewhere else: the user confirms that too.
    const imported = reviewableValues(current).length ? { at: now, ...(targets.source ? { source: targets.source } : {}), confirmed: false } : current.imported;
    toWrite.set(id, { ...current, secretRefs: [], imported });
    report.clearedSecrets.push({ profileId: id, name: current.name, because });
  }

  const secretStore = redirected.size || planned.some((p) => Object.keys(p.secrets).length) ? await openSecretsOrThrow(targets) : undefined;
  // Checked before anything is written: clearing must be possible, or nothing moves.
  if (redirected.size && secretStore) await secretStore.list();

  // Secrets the file fills in, where none is stored (never over a stored one).
  const fileSecretsToWrite: Array<{ profileId: string; name: SecretName; value: string }> = [];
  for (const p of planned) {
    const cleared = redirected.has(p.profile.id);
    for (const [name, value] of Object.entries(p.secrets) as Array<[SecretName, string]>) {
      if (p.action === 'replace' && !cleared && (await secretStore!.get(profileSecretAccount(p.profile.id, name)))) continue;
      fileSecretsToWrite.push({ profileId: p.profile.id, name, value });
    }
  }
  for (const s of fileSecretsToWrite) {
    const p = toWrite.get(s.profileId)!;
    if (!p.secretRefs.includes(s.name)) toWrite.set(s.profileId, { ...p, secretRefs: [...p.secretRefs, s.name] });
  }

  // One write of profiles.json: every group and profile, or (on any error) none.
  const replacedGroupIds = new Set(report.replaced.filter((r) => r.kind === 'group').map((r) => r.id));
  store.applyImport({
    groups: groupsToWrite,
    profiles: [...toWrite.values()].map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest),
    unchanged: { groups: before.groups.filter((g) => replacedGroupIds.has(g.id)), profiles: before.profiles.filter((p) => toWrite.has(p.id)) },
  });

  // Requests now go elsewhere: what was stored for the old servers goes (their refs are already gone from the file).
  const failures: string[] = [];
  for (const id of redirected.keys()) {
    for (const name of SECRET_NAMES) await secretStore!.delete(profileSecretAccount(id, name)).catch((err: unknown) => failures.push(`${id} ${name}: ${(err as Error).message}`));
    await targets.clearHistory?.(id).catch((err: unknown) => failures.push(`${id} history: ${(err as Error).message}`));
  }
  const unwritten = new Set<string>();
  for (const s of fileSecretsToWrite) {
    try {
      await secretStore!.set(profileSecretAccount(s.profileId, s.name), s.value);
    } catch {
      unwritten.add(`${s.profileId}:${s.name}`);
    }
  }
  if (unwritten.size) {
    // The profile must not claim a secret the keychain did not take.
    const fix = [...toWrite.values()].filter((p) => p.secretRefs.some((r) => unwritten.has(`${p.id}:${r}`)));
    for (const p of fix) store.saveProfile({ ...p, secretRefs: p.secretRefs.filter((r) => !unwritten.has(`${p.id}:${r}`)) });
  }

  for (const p of planned) {
    const written = toWrite.get(p.profile.id)!;
    if (p.action === 'new') report.created.push({ kind: 'profile', id: written.id, name: written.name, fileId: p.fileId });
    else report.replaced.push({ kind: 'profile', id: written.id, name: written.name });
    const stored = new Set(written.secretRefs.filter((r) => !unwritten.has(`${written.id}:${r}`)));
    const missing = [...new Set([...p.fileRefs, ...(redirected.has(written.id) ? (beforeById.get(written.id)?.secretRefs ?? []) : [])])].filter((r) => !stored.has(r));
    if (missing.length) report.needSecrets.push({ profileId: written.id, name: written.name, secrets: missing });
  }
  for (const [id] of redirected) {
    if (planned.some((p) => p.profile.id === id)) continue;
    const old = beforeById.get(id)!;
    if (old.secretRefs.length) report.needSecrets.push({ profileId: id, name: old.name, secrets: old.secretRefs });
  }
  for (const p of toWrite.values()) if (p.imported?.confirmed === false) report.awaitingConfirmation.push({ profileId: p.id, name: p.name, fields: reviewableValues(p).map(([f]) => f) });
  report.groups = groupsToWrite.length;
  report.profiles = planned.length;
  if (failures.length)
    throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', `imported, but some stored secrets or tokens of redirected profiles could not be cleared (they are no longer used): ${failures.slice(0, 3).join('; ')}`, {
      details: { report },
    });
  return report;
}

async function openSecretsOrThrow(targets: ImportTargets): Promise<SecretStore> {
  if (!targets.secrets) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', 'this import clears or stores secrets, and no keychain is available: nothing was imported');
  return targets.secrets();
}
