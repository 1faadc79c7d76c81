import { randomUUID } from 'node:crypto';
import Conf from 'conf';
import type { HistoryEntry, TokenSet } from '../../shared/ipc';
import type { TranscriptEntry } from '../../shared/transcript';
import type { Endpoints } from '../../shared/profile';
import type { SecretStore } from '../secrets/secret-store';

/** A history entry plus what later calls on its tokens need (endpoints the flow used). Never a token. */
export interface StoredHistoryEntry extends HistoryEntry {
  endpoints?: Endpoints;
  issuer?: string;
  /** The nonce the flow sent, for the ID token check in the token view. */
  nonce?: string;
}

interface HistoryFile {
  entries: StoredHistoryEntry[];
}

/** Oldest entries (and their keychain items) go beyond this, so history cannot grow without bound. */
export const MAX_HISTORY_ENTRIES = 500;
export const historyAccount = (id: string) => `history:${id}`;
/** The redacted transcript of an entry's run: tokens appear in it, so it is kept like them (keychain / vault). */
export const historyTranscriptAccount = (id: string) => `history-transcript:${id}`;
/** Transcripts are kept for the newest entries only, and each is cut to a size (issue 12: "keep the amount bounded"). */
export const MAX_TRANSCRIPTS = 30;
export const MAX_TRANSCRIPT_BYTES = 256 * 1024;
const MAX_TRANSCRIPT_BODY_CHARS = 16 * 1024;

/**
 * Every token obtained, per profile: when, for how long, which kinds — in
 * `history.json` under the data dir. The tokens themselves go to the
 * keychain (SecretStore, one account per entry); clearing an entry removes
 * its keychain item too, so nothing lingers there.
 */
export class HistoryStore {
  private readonly conf: Conf<HistoryFile>;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.conf = new Conf<HistoryFile>({ cwd: dataDir, configName: 'history', defaults: { entries: [] }, accessPropertiesByDotNotation: false, configFileMode: 0o600 });
  }

  list(profileId?: string): StoredHistoryEntry[] {
    const entries = this.conf.get('entries');
    return (profileId ? entries.filter((e) => e.profileId === profileId) : entries).slice().sort((a, b) => b.obtainedAt.localeCompare(a.obtainedAt));
  }

  get(id: string): StoredHistoryEntry | undefined {
    return this.conf.get('entries').find((e) => e.id === id);
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
    // Keychain first: an entry on disk whose tokens never made it would promise what it cannot give.
    await this.secrets.set(historyAccount(id), JSON.stringify(tokens));
    const entries = [...this.conf.get('entries'), entry];
    const overflow = entries.length > MAX_HISTORY_ENTRIES ? entries.splice(0, entries.length - MAX_HISTORY_ENTRIES) : [];
    this.conf.set('entries', entries);
    for (const old of overflow) await this.forget(old);
    return entry;
  }

  // --- issue 12: revocation state and transcripts kept with an entry --------------------------

  /** Marks a token of an entry revoked (after Revoke, or introspection answering active:false); a revoked refresh token's entry stays, marked. */
  markRevoked(id: string, which: 'access' | 'refresh', at = new Date().toISOString()): StoredHistoryEntry | undefined {
    const entries = this.conf.get('entries');
    const index = entries.findIndex((e) => e.id === id);
    const entry = entries[index];
    if (!entry) return undefined;
    if (entry.revoked?.[which]) return entry;
    const next = { ...entry, revoked: { ...entry.revoked, [which]: at } };
    entries[index] = next;
    this.conf.set('entries', entries);
    return next;
  }

  /** Keeps the run's redacted transcript with the entry (appending to what is kept), bounded in size and in how many entries keep one. */
  async addTranscript(id: string, transcript: TranscriptEntry[]): Promise<void> {
    const entries = this.conf.get('entries');
    const index = entries.findIndex((e) => e.id === id);
    const entry = entries[index];
    if (!entry || transcript.length === 0) return;
    const kept = entry.hasTranscript ? ((await this.transcript(id)) ?? []) : [];
    await this.secrets.set(historyTranscriptAccount(id), JSON.stringify(boundTranscript([...kept, ...transcript])));
    if (!entry.hasTranscript) {
      entries[index] = { ...entry, hasTranscript: true };
      // Only the newest MAX_TRANSCRIPTS entries keep theirs.
      const withTranscript = entries.filter((e) => e.hasTranscript).sort((a, b) => b.obtainedAt.localeCompare(a.obtainedAt));
      for (const old of withTranscript.slice(MAX_TRANSCRIPTS)) {
        await this.secrets.delete(historyTranscriptAccount(old.id));
        const i = entries.findIndex((e) => e.id === old.id);
        entries[i] = { ...entries[i]!, hasTranscript: false };
      }
      this.conf.set('entries', entries);
    }
  }

  async transcript(id: string): Promise<TranscriptEntry[] | undefined> {
    const raw = await this.secrets.get(historyTranscriptAccount(id));
    return raw ? (JSON.parse(raw) as TranscriptEntry[]) : undefined;
  }

  async tokens(id: string): Promise<TokenSet | undefined> {
    const raw = await this.secrets.get(historyAccount(id));
    return raw ? (JSON.parse(raw) as TokenSet) : undefined;
  }

  /** The newest entry of a profile whose tokens are still stored (optionally: one with a refresh token). */
  latest(profileId: string, opts: { withRefresh?: boolean } = {}): StoredHistoryEntry | undefined {
    return this.list(profileId).find((e) => e.stored && (!opts.withRefresh || e.has.refresh));
  }

  private async forget(e: StoredHistoryEntry): Promise<void> {
    await this.secrets.delete(historyAccount(e.id));
    if (e.hasTranscript) await this.secrets.delete(historyTranscriptAccount(e.id));
  }

  /** Removes entries (all, or one profile's) and their tokens from the keychain. */
  async clear(profileId?: string): Promise<number> {
    const entries = this.conf.get('entries');
    const removed = profileId ? entries.filter((e) => e.profileId === profileId) : entries;
    for (const e of removed) await this.forget(e);
    this.conf.set(
      'entries',
      profileId ? entries.filter((e) => e.profileId !== profileId) : [],
    );
    return removed.length;
  }
}

/** Bodies cut to a size, then the oldest exchanges dropped, until the JSON fits MAX_TRANSCRIPT_BYTES. */
export function boundTranscript(entries: TranscriptEntry[]): TranscriptEntry[] {
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
  while (out.length > 1 && JSON.stringify(out).length > MAX_TRANSCRIPT_BYTES) out = out.slice(1);
  return out;
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
