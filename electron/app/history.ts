import { randomUUID } from 'node:crypto';
import Conf from 'conf';
import type { HistoryEntry, TokenSet } from '../../shared/ipc';
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
    for (const old of overflow) await this.secrets.delete(historyAccount(old.id));
    return entry;
  }

  async tokens(id: string): Promise<TokenSet | undefined> {
    const raw = await this.secrets.get(historyAccount(id));
    return raw ? (JSON.parse(raw) as TokenSet) : undefined;
  }

  /** The newest entry of a profile whose tokens are still stored (optionally: one with a refresh token). */
  latest(profileId: string, opts: { withRefresh?: boolean } = {}): StoredHistoryEntry | undefined {
    return this.list(profileId).find((e) => e.stored && (!opts.withRefresh || e.has.refresh));
  }

  /** Removes entries (all, or one profile's) and their tokens from the keychain. */
  async clear(profileId?: string): Promise<number> {
    const entries = this.conf.get('entries');
    const removed = profileId ? entries.filter((e) => e.profileId === profileId) : entries;
    for (const e of removed) await this.secrets.delete(historyAccount(e.id));
    this.conf.set(
      'entries',
      profileId ? entries.filter((e) => e.profileId !== profileId) : [],
    );
    return removed.length;
  }
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
