import { useSyncExternalStore } from 'react';
import type { ApiCallResult, HistoryEntry, SecretName, TokenSet } from '../../../shared/ipc';
import type { ConnectionProfile } from '../../../shared/profile';
import type { TranscriptEntry } from '../../../shared/transcript';
import type { RunInputs } from './profile-rules';

/**
 * The UI's one state model of an open profile (issue 12), kept per profile for the whole session so
 * nothing typed is lost when another profile is opened: the form as edited (draft) next to the saved
 * version it started from (base), secrets and per-run inputs typed but not saved, the last successful
 * run (the tokens shown), the last failure, and errors by the source that caused them. Components read
 * it with useSession and change it with updateSession; no business logic lives here.
 */

export type ProfileDraft = Omit<ConnectionProfile, 'createdAt' | 'updatedAt'>;

/** Where an error came from; each is cleared when its source is fixed or run again. */
export type ErrorSource = 'run' | 'save' | 'discover' | 'api' | 'action';

export interface LastRun {
  entry: HistoryEntry;
  tokens: TokenSet;
  transcript?: TranscriptEntry[];
}

/** An error next to a form field (element id): from a missing value, or from the server's check of the form. */
export interface FieldError {
  message: string;
  /** Schema path of the value; the error goes away when the value there changes. */
  path?: string;
  /** The value at `path` when the error was raised. */
  value?: string;
}

export interface ProfileSession {
  base: ProfileDraft;
  draft: ProfileDraft;
  secretInputs: Partial<Record<SecretName, string>>;
  runInputs: RunInputs;
  /** The tokens shown: the profile's last successful run (or an older entry the user picked from history). */
  lastRun?: LastRun;
  /** The latest run, when it failed or was cancelled after the last success. */
  lastFailure?: { at: string; cancelled: boolean; transcript?: TranscriptEntry[] };
  errors: Partial<Record<ErrorSource, unknown>>;
  fieldErrors: Record<string, FieldError>;
  /** Set after Get token with missing fields: each missing field is marked until filled. */
  showMissing: boolean;
  tab: 'tokens' | 'exchange' | 'api';
  api: { selectedId?: string; results: Record<string, ApiCallResult> };
}

const sessions = new Map<string, ProfileSession>();
const listeners = new Set<() => void>();
let unsavedKey = '';

function notify(): void {
  unsavedKey = [...sessions.entries()]
    .filter(([, s]) => isDirty(s))
    .map(([id]) => id)
    .sort()
    .join('\n');
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function stripTimes(p: ConnectionProfile): ProfileDraft {
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}

function fresh(profile: ConnectionProfile): ProfileSession {
  const base = stripTimes(profile);
  return { base, draft: base, secretInputs: {}, runInputs: {}, errors: {}, fieldErrors: {}, showMissing: false, tab: 'tokens', api: { results: {} } };
}

/** The session of a profile, created (without notifying) the first time it is opened. */
export function sessionOf(profile: ConnectionProfile): ProfileSession {
  let s = sessions.get(profile.id);
  if (!s) {
    s = fresh(profile);
    sessions.set(profile.id, s);
  }
  return s;
}

export function updateSession(profileId: string, change: Partial<ProfileSession> | ((s: ProfileSession) => Partial<ProfileSession>)): void {
  const s = sessions.get(profileId);
  if (!s) return;
  const patch = typeof change === 'function' ? change(s) : change;
  sessions.set(profileId, { ...s, ...patch });
  notify();
}

/** Sets or clears the error of one source. */
export function setError(profileId: string, source: ErrorSource, error: unknown): void {
  updateSession(profileId, (s) => ({ errors: { ...s.errors, [source]: error ?? undefined } }));
}

/** A deleted profile's session goes with it. */
export function dropSession(profileId: string): void {
  if (sessions.delete(profileId)) notify();
}

/** The saved profile changed (a save, a rename elsewhere): an untouched form follows it; edits stay. */
export function syncSaved(profile: ConnectionProfile): void {
  const s = sessions.get(profile.id);
  if (!s) return;
  const base = stripTimes(profile);
  if (same(base, s.base)) return;
  updateSession(profile.id, isDirty(s) ? { base } : { base, draft: base });
}

export function isDirty(s: ProfileSession): boolean {
  return !same(s.draft, s.base) || Object.values(s.secretInputs).some(Boolean);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reads a value at a dotted schema path ("endpoints.token"), as text for comparison. */
export function valueAt(draft: ProfileDraft, path: string): string {
  let v: unknown = draft;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return JSON.stringify(v ?? null);
}

/** The form changed: field errors whose value changed are resolved, and go. */
export function editDraft(profileId: string, draft: ProfileDraft): void {
  updateSession(profileId, (s) => ({
    draft,
    fieldErrors: Object.fromEntries(Object.entries(s.fieldErrors).filter(([, e]) => !e.path || valueAt(draft, e.path) === e.value)),
  }));
}

export function useSession(profile: ConnectionProfile): ProfileSession {
  return useSyncExternalStore(subscribe, () => sessionOf(profile));
}

/** Ids of profiles with unsaved changes (a stable string snapshot, split for use). */
export function useUnsavedProfileIds(): Set<string> {
  const key = useSyncExternalStore(subscribe, () => unsavedKey);
  return new Set(key ? key.split('\n') : []);
}

export function hasUnsavedChanges(): boolean {
  return unsavedKey !== '';
}
