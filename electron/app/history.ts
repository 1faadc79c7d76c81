import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiCallRecord, HistoryEntry, TokenSet } from '../../shared/ipc';
import type { TranscriptEntry } from '../../shared/transcript';
import type { Endpoints } from '../../shared/profile';
import type { AuthenticationRequest } from '../../shared/interop';
import type { SecretStore } from '../secrets/secret-store';
import type { SealedBox, Sealer } from '../secrets/vault';
import { moveAsideDamaged } from '../storage/damaged-files';
import { DATA_FILE_MODE, withFileLockSync, writeFileAtomic } from '../storage/locked-file';

/** A history entry plus what later calls on its tokens need (endpoints the flow used). Never a token. */
export interface StoredHistoryEntry extends HistoryEntry {
  endpoints?: Endpoints;
  issuer?: string;
  /** The nonce the flow sent, for the ID token check in the token view. */
  nonce?: string;
  /**
   * What the run's authorization request asked about the authentication (max_age, require_auth_time, acr), for
   * the ID token's auth_time and acr checks in the token view; absent in entries written before it was kept.
   */
  authentication?: AuthenticationRequest;
}

/** Oldest entries go beyond this, so history cannot grow without bound. */
export const MAX_HISTORY_ENTRIES = 500;
export const HISTORY_FILE_NAME = 'history.jsonl';
/** The keychain account of one entry's tokens in the old layout (history.json + one keychain item per token); the AAD of its sealed tokens now. */
export const historyAccount = (id: string) => `history:${id}`;
/** The AAD of an entry's sealed transcript (and its keychain account in the old layout). */
export const historyTranscriptAccount = (id: string) => `history-transcript:${id}`;
/** Transcripts are kept for the newest entries only, and each is cut to a size (issue 12: "keep the amount bounded"). */
export const MAX_TRANSCRIPTS = 30;
export const MAX_TRANSCRIPT_BYTES = 256 * 1024;
const MAX_TRANSCRIPT_BODY_CHARS = 16 * 1024;
/** API calls kept per entry (the newest); each is a few hundred bytes of redacted metadata. */
export const MAX_API_CALLS_PER_ENTRY = 50;
/** A log past this size is compacted at the next write, whatever its line count (transcripts make long lines). */
const COMPACT_AFTER_BYTES = 16 * 1024 * 1024;
const LEGACY_FILE_NAME = 'history.json';
/** Lines beyond this many (adds and clears) make the next write compact the log to the live entries. */
const COMPACT_AFTER_LINES = 2 * MAX_HISTORY_ENTRIES;
/** Write-behind: entries added within this window reach the file in one locked append. */
const FLUSH_DELAY_MS = 20;

/**
 * One line of the log: an entry with its tokens (and, after a compaction, its transcript) sealed
 * under the vault's master key; a clear; a revocation mark; a transcript kept with an entry.
 */
type LogLine =
  | { add: StoredHistoryEntry; tokens?: SealedBox; transcript?: SealedBox }
  | { clear: string | null }
  | { revoke: { id: string; which: 'access' | 'refresh'; at: string } }
  | { transcript: { id: string; box: SealedBox } }
  | { api: { id: string; call: ApiCallRecord } };

type Slot = { entry: StoredHistoryEntry; tokens?: SealedBox; transcript?: SealedBox };

/** The sealer of the secret store: the vault's master key (one keychain item for the whole history). */
interface SealingSecretStore extends SecretStore {
  vaultSealer(): Promise<Sealer>;
}

/**
 * Every token obtained, per profile: when, for how long, which kinds — and
 * the tokens themselves, AES-256-GCM-sealed under the vault's master key (the
 * one keychain item the vault already has), in `history.jsonl` under the data
 * dir. Before, each token set was its own keychain item (up to 500 in the
 * user's login keychain, and a keychain write per token).
 *
 * The file is an append-only log, one JSON line per added entry or clear,
 * replayed in order and capped at MAX_HISTORY_ENTRIES; a write compacts it to
 * the live entries when it grows past twice that. Appends and compactions run
 * under the file's cross-process lock (a torn line left by a crashed writer is
 * cut off first), so the app, browser mode and other processes never lose one
 * another's entries; readers need no lock (an append becomes visible whole).
 * Adds are written behind, batched within FLUSH_DELAY_MS and flushed on
 * close(), so a token costs no file sync of its own (bench/memory).
 * Entry metadata (profile, times, endpoints) is in clear, as before; tokens
 * never are.
 */
export class HistoryStore {
  readonly path: string;
  private readonly legacyPath: string;
  /** Replayed file contents, and where the replay stopped. */
  private file = { slots: new Map<string, Slot>(), ino: -1, offset: 0, lines: 0 };
  /** This process's lines not yet in the file, in order. */
  private pending: LogLine[] = [];
  private flushTimer?: NodeJS.Timeout;
  private view?: { key: string; slots: Map<string, Slot> };
  private sealer?: Promise<Sealer>;
  /** The file ended in a line without its newline at the last read. */
  private tail = false;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.path = join(dataDir, HISTORY_FILE_NAME);
    this.legacyPath = join(dataDir, LEGACY_FILE_NAME);
    this.refresh();
    // A line cut short at open: an append in progress, or a writer that crashed. Under the lock only the second.
    if (this.tail) withFileLockSync(this.path, () => this.refresh(true));
  }

  list(profileId?: string): StoredHistoryEntry[] {
    const entries = [...this.slots().values()].map((s) => s.entry);
    return (profileId ? entries.filter((e) => e.profileId === profileId) : entries).sort((a, b) => b.obtainedAt.localeCompare(a.obtainedAt));
  }

  get(id: string): StoredHistoryEntry | undefined {
    return this.slots().get(id)?.entry;
  }

  async add(input: Omit<StoredHistoryEntry, 'id' | 'stored' | 'has' | 'tokenType' | 'scope' | 'expiresAt'>, tokens: TokenSet): Promise<StoredHistoryEntry> {
    const id = randomUUID();
    const obtained = Date.parse(input.obtainedAt);
    const entry: StoredHistoryEntry = {
      ...input,
      id,
      tokenType: tokens.token_type,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      ...(typeof tokens.expires_in === 'number' ? { expiresAt: new Date(obtained + tokens.expires_in * 1000).toISOString() } : expFromJwt(tokens.access_token)),
      has: { access: Boolean(tokens.access_token), id: Boolean(tokens.id_token), refresh: Boolean(tokens.refresh_token) },
      stored: true,
    };
    // Sealed before it is recorded: a locked keychain (no master key) fails the add, it does not store plaintext.
    const sealed = (await this.getSealer()).seal(historyAccount(id), JSON.stringify(tokens));
    this.enqueue({ add: entry, tokens: sealed });
    return entry;
  }

  async tokens(id: string): Promise<TokenSet | undefined> {
    const slot = this.slots().get(id);
    if (!slot?.tokens) return undefined;
    return JSON.parse((await this.getSealer()).open(historyAccount(id), slot.tokens)) as TokenSet;
  }

  // --- issue 12: revocation state and transcripts kept with an entry --------------------------

  /** Marks a token of an entry revoked (after Revoke, or introspection answering active:false); a revoked refresh token's entry stays, marked. */
  markRevoked(id: string, which: 'access' | 'refresh', at = new Date().toISOString()): StoredHistoryEntry | undefined {
    const entry = this.get(id);
    if (!entry) return undefined;
    if (entry.revoked?.[which]) return entry;
    this.enqueue({ revoke: { id, which, at } });
    return this.get(id);
  }

  /** Keeps the run's redacted transcript with the entry (appending to what is kept), sealed, bounded in size and in how many entries keep one. */
  async addTranscript(id: string, transcript: TranscriptEntry[]): Promise<void> {
    const entry = this.get(id);
    if (!entry || transcript.length === 0) return;
    const kept = entry.hasTranscript ? ((await this.transcript(id)) ?? []) : [];
    const box = (await this.getSealer()).seal(historyTranscriptAccount(id), boundTranscriptJson([...kept, ...transcript]));
    this.enqueue({ transcript: { id, box } });
  }

  async transcript(id: string): Promise<TranscriptEntry[] | undefined> {
    const slot = this.slots().get(id);
    if (!slot?.transcript) return undefined;
    return JSON.parse((await this.getSealer()).open(historyTranscriptAccount(id), slot.transcript)) as TranscriptEntry[];
  }

  /**
   * Records an API call made with the entry's tokens (issue 12 item 6). The record is redacted metadata,
   * in clear like the entry's own (profile, times, endpoints); the call's exchanges go sealed via addTranscript.
   */
  addApiCall(id: string, call: ApiCallRecord): StoredHistoryEntry | undefined {
    if (!this.get(id)) return undefined;
    this.enqueue({ api: { id, call } });
    return this.get(id);
  }

  /** The newest entry of a profile whose tokens are still stored (optionally: one with a refresh token). */
  latest(profileId: string, opts: { withRefresh?: boolean } = {}): StoredHistoryEntry | undefined {
    return this.list(profileId).find((e) => e.stored && (!opts.withRefresh || e.has.refresh));
  }

  /** Removes entries (all, or one profile's) with their tokens; written at once, not behind. */
  async clear(profileId?: string): Promise<number> {
    const removed = this.list(profileId).length;
    this.enqueue({ clear: profileId ?? null });
    this.flush();
    return removed;
  }

  /** Writes what is pending now (synchronously: the desktop app calls this while quitting). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    withFileLockSync(this.path, () => {
      this.refresh(true);
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      if (this.file.lines + lines.length > COMPACT_AFTER_LINES || this.file.offset + text.length > COMPACT_AFTER_BYTES) this.compact(lines);
      else this.append(text);
      // Ours are in the file now: drop them only after it was written.
      this.pending = this.pending.slice(lines.length);
      this.refresh(true);
    });
  }

  close(): void {
    this.flush();
  }

  /**
   * Moves the old layout in: `history.json` entries, with their tokens from
   * the keychain items `history:<id>` sealed into the log, then those items
   * and the file are removed. Entries whose item is gone come over as "not
   * stored". A locked or unreachable keychain leaves everything for the next
   * start (nothing is lost or half-moved).
   */
  async migrateLegacy(): Promise<number> {
    if (!existsSync(this.legacyPath)) return 0;
    let old: StoredHistoryEntry[];
    try {
      const parsed = JSON.parse(readFileSync(this.legacyPath, 'utf8')) as { entries?: unknown };
      old = Array.isArray(parsed.entries) ? (parsed.entries as StoredHistoryEntry[]).filter((e) => e && typeof e.id === 'string' && typeof e.obtainedAt === 'string') : [];
    } catch {
      withFileLockSync(this.path, () => {
        if (existsSync(this.legacyPath)) moveAsideDamaged(this.legacyPath, 'it is not valid JSON');
      });
      return 0;
    }
    const sealer = await this.getSealer();
    const lines: LogLine[] = [];
    for (const entry of old.slice(-MAX_HISTORY_ENTRIES)) {
      const raw = entry.stored ? await this.secrets.get(historyAccount(entry.id)) : undefined;
      const { hasTranscript: _t, ...rest } = entry;
      lines.push(raw ? { add: { ...rest, stored: true }, tokens: sealer.seal(historyAccount(entry.id), raw) } : { add: { ...rest, stored: false } });
    }
    let moved = false;
    withFileLockSync(this.path, () => {
      // Another process may have moved it in meanwhile.
      if (!existsSync(this.legacyPath)) return;
      this.refresh(true);
      this.append(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      unlinkSync(this.legacyPath);
      moved = true;
    });
    this.view = undefined;
    if (moved)
      for (const entry of old) {
        await this.secrets.delete(historyAccount(entry.id)).catch(() => undefined);
        if (entry.hasTranscript) await this.secrets.delete(historyTranscriptAccount(entry.id)).catch(() => undefined);
      }
    return moved ? lines.length : 0;
  }

  private getSealer(): Promise<Sealer> {
    const store = this.secrets as Partial<SealingSecretStore>;
    if (typeof store.vaultSealer !== 'function') return Promise.reject(new Error('the token history needs the vault (openSecretStore)'));
    this.sealer ??= store.vaultSealer().catch((err: unknown) => {
      this.sealer = undefined;
      throw err;
    });
    return this.sealer;
  }

  private enqueue(line: LogLine): void {
    const current = this.view?.key === this.viewKey();
    this.pending.push(line);
    // The view follows by applying this one line: rebuilding it replayed every pending line on a copy
    // of the file's entries, each transcript line scanning all 500 (0.7-1.3 ms a token in a burst).
    if (this.view && current) {
      apply(this.view.slots, line);
      this.view.key = this.viewKey();
    } else this.view = undefined;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      try {
        this.flush();
      } catch {
        // Kept pending: the next add, clear or close writes it.
      }
    }, FLUSH_DELAY_MS);
  }

  private viewKey(): string {
    return `${this.file.ino}:${this.file.offset}:${this.pending.length}`;
  }

  /** The file's entries with this process's pending lines applied on top. */
  private slots(): Map<string, Slot> {
    this.refresh();
    const key = this.viewKey();
    if (this.view?.key === key) return this.view.slots;
    const slots = new Map(this.file.slots);
    for (const line of this.pending) apply(slots, line);
    this.view = { key, slots };
    return slots;
  }

  /** Reads what was appended since the last read (all of it when the file was replaced). */
  private refresh(locked = false): void {
    let st;
    try {
      st = statSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (this.file.ino !== -1 || this.file.slots.size) this.file = { slots: new Map(), ino: -1, offset: 0, lines: 0 };
      return;
    }
    if (st.ino === this.file.ino && st.size === this.file.offset) return;
    const fresh = st.ino !== this.file.ino || st.size < this.file.offset;
    const state = fresh ? { slots: new Map<string, Slot>(), ino: st.ino, offset: 0, lines: 0 } : { ...this.file, slots: new Map(this.file.slots) };
    const fd = openSync(this.path, 'r');
    let bytes: Buffer;
    try {
      const size = fstatSync(fd).size;
      bytes = Buffer.alloc(size - state.offset);
      readSync(fd, bytes, 0, bytes.length, state.offset);
    } finally {
      closeSync(fd);
    }
    // Only whole lines: an append in progress (or a torn one) is read once it ends.
    const end = bytes.lastIndexOf(0x0a) + 1;
    let damaged = false;
    for (const text of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (text === '') continue;
      const line = parseLine(text);
      if (!line) {
        damaged = true;
        break;
      }
      apply(state.slots, line);
      state.lines++;
    }
    if (damaged) {
      // Judged again under the lock: a compaction may have replaced the file meanwhile.
      if (!locked) return withFileLockSync(this.path, () => this.refresh(true));
      moveAsideDamaged(this.path, 'a line of it is not a history record');
      this.file = { slots: new Map(), ino: -1, offset: 0, lines: 0 };
      this.view = undefined;
      return;
    }
    state.offset += end;
    this.file = state;
    this.view = undefined;
    this.tail = end < bytes.length;
    if (this.tail && locked) {
      // Nobody appends while we hold the lock: this line was torn by a crash or truncated. Keep a copy, drop the line.
      moveAsideDamaged(this.path, 'its last record was cut short', { keepGoodPart: 'the records before it were kept' });
      truncateSync(this.path, state.offset);
      this.tail = false;
    }
  }

  /** Under the lock, after refresh(true) (which dealt with a torn line): appends whole lines. */
  private append(text: string): void {
    const fd = openSync(this.path, 'a', DATA_FILE_MODE);
    try {
      writeSync(fd, Buffer.from(text));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Under the lock: rewrites the log as its live entries (plus `extra` lines), atomically. */
  private compact(extra: LogLine[]): void {
    const slots = new Map(this.file.slots);
    for (const line of extra) apply(slots, line);
    const text = [...slots.values()].map((s) => `${JSON.stringify({ add: s.entry, ...(s.tokens ? { tokens: s.tokens } : {}), ...(s.transcript ? { transcript: s.transcript } : {}) })}\n`).join('');
    writeFileAtomic(this.path, text);
  }
}

function apply(slots: Map<string, Slot>, line: LogLine): void {
  if ('clear' in line) {
    for (const [id, slot] of slots) if (line.clear === null || slot.entry.profileId === line.clear) slots.delete(id);
    return;
  }
  if ('revoke' in line) {
    const slot = slots.get(line.revoke.id);
    if (slot) slots.set(line.revoke.id, { ...slot, entry: { ...slot.entry, revoked: { ...slot.entry.revoked, [line.revoke.which]: line.revoke.at } } });
    return;
  }
  if ('api' in line) {
    const slot = slots.get(line.api.id);
    if (slot) slots.set(line.api.id, { ...slot, entry: { ...slot.entry, apiCalls: [...(slot.entry.apiCalls ?? []), line.api.call].slice(-MAX_API_CALLS_PER_ENTRY) } });
    return;
  }
  if ('transcript' in line && !('add' in line)) {
    const slot = slots.get(line.transcript.id);
    if (!slot) return;
    slots.set(line.transcript.id, { ...slot, entry: { ...slot.entry, hasTranscript: true }, transcript: line.transcript.box });
    // Only the newest MAX_TRANSCRIPTS entries keep theirs.
    const withTranscript = [...slots.values()].filter((s) => s.transcript);
    if (withTranscript.length > MAX_TRANSCRIPTS)
      // Newest first; among equal times, the later addition (reversed insertion order, then a stable sort).
      for (const old of withTranscript.reverse().sort((a, b) => b.entry.obtainedAt.localeCompare(a.entry.obtainedAt)).slice(MAX_TRANSCRIPTS))
        slots.set(old.entry.id, { entry: { ...old.entry, hasTranscript: false }, ...(old.tokens ? { tokens: old.tokens } : {}) });
    return;
  }
  const add = line.add;
  slots.delete(add.id);
  // What the entry says about its tokens and transcript follows what the line carries.
  const { hasTranscript: _t, ...rest } = add;
  const entry: StoredHistoryEntry = { ...rest, ...(line.tokens ? {} : { stored: false }), ...(line.transcript ? { hasTranscript: true } : {}) };
  slots.set(add.id, { entry, ...(line.tokens ? { tokens: line.tokens } : {}), ...(line.transcript ? { transcript: line.transcript } : {}) });
  // The cap: the oldest additions go first (a Map iterates in insertion order).
  while (slots.size > MAX_HISTORY_ENTRIES) slots.delete(slots.keys().next().value as string);
}

/**
 * The transcript kept with an entry, as the JSON that is sealed: bodies cut to a size, then the oldest
 * exchanges dropped until it fits MAX_TRANSCRIPT_BYTES (serialised once per try, the last try kept).
 */
export function boundTranscriptJson(entries: TranscriptEntry[]): string {
  const cut = (body: string | undefined) => (body !== undefined && body.length > MAX_TRANSCRIPT_BODY_CHARS ? `${body.slice(0, MAX_TRANSCRIPT_BODY_CHARS)}… (cut)` : body);
  let out = entries.map((e) =>
    e.kind === 'http'
      ? {
          ...e,
          request: { ...e.request, ...(e.request.body !== undefined ? { body: cut(e.request.body) } : {}) },
          ...(e.response ? { response: { ...e.response, body: cut(e.response.body) as string, ...(e.response.body.length > MAX_TRANSCRIPT_BODY_CHARS ? { truncated: true } : {}) } } : {}),
        }
      : e,
  );
  let json = JSON.stringify(out);
  while (out.length > 1 && json.length > MAX_TRANSCRIPT_BYTES) json = JSON.stringify((out = out.slice(1)));
  return json;
}

const isBox = (v: unknown): v is SealedBox =>
  !!v && typeof v === 'object' && typeof (v as SealedBox).iv === 'string' && typeof (v as SealedBox).tag === 'string' && typeof (v as SealedBox).ciphertext === 'string';

const isApiCallRecord = (v: unknown): v is ApiCallRecord => {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.at === 'string' &&
    typeof r.method === 'string' &&
    typeof r.url === 'string' &&
    (r.token === 'access' || r.token === 'id') &&
    (r.placement === 'header' || r.placement === 'query') &&
    (r.status === undefined || typeof r.status === 'number') &&
    (r.error === undefined || typeof r.error === 'string')
  );
};

function parseLine(text: string): LogLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if ('clear' in o) return o.clear === null || typeof o.clear === 'string' ? { clear: o.clear } : undefined;
  if ('revoke' in o) {
    const r = o.revoke as { id?: unknown; which?: unknown; at?: unknown } | undefined;
    return r && typeof r.id === 'string' && (r.which === 'access' || r.which === 'refresh') && typeof r.at === 'string' ? { revoke: { id: r.id, which: r.which, at: r.at } } : undefined;
  }
  if ('api' in o) {
    const a = o.api as { id?: unknown; call?: unknown } | undefined;
    return a && typeof a.id === 'string' && isApiCallRecord(a.call) ? { api: { id: a.id, call: a.call } } : undefined;
  }
  if ('transcript' in o && !('add' in o)) {
    const t = o.transcript as { id?: unknown; box?: unknown } | undefined;
    return t && typeof t.id === 'string' && isBox(t.box) ? { transcript: { id: t.id, box: t.box } } : undefined;
  }
  const add = o.add as StoredHistoryEntry | undefined;
  if (!add || typeof add !== 'object' || typeof add.id !== 'string' || typeof add.profileId !== 'string' || typeof add.obtainedAt !== 'string') return undefined;
  if (o.tokens !== undefined && !isBox(o.tokens)) return undefined;
  if (o.transcript !== undefined && !isBox(o.transcript)) return undefined;
  return { add, ...(o.tokens ? { tokens: o.tokens as SealedBox } : {}), ...(o.transcript ? { transcript: o.transcript as SealedBox } : {}) };
}

function expFromJwt(token: string): { expiresAt?: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return {};
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000).toISOString() } : {};
  } catch {
    return {};
  }
}
