import { discover, type AuthorizationServerMetadata } from './discovery';
import { networkKey, type HttpClient, type NetworkSettings } from './http';
import type { Transcript } from './transcript';

/** How long a discovered document is reused: long enough for a session of runs, short enough to see a server's change soon. */
export const DISCOVERY_TTL_MS = 5 * 60_000;
/** Issuer × network combinations remembered at once. */
const MAX_ENTRIES = 64;

interface Entry {
  metadata: AuthorizationServerMetadata;
  fetchedAt: number;
}

/**
 * Discovery metadata per issuer and network settings, for a short TTL, so a
 * run does not pay for two extra requests each time (openid-client discovers
 * once per Configuration too). Only validated documents are kept; failures
 * are never cached. A profile edit or the "Discover" button invalidates.
 */
export class DiscoveryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number = DISCOVERY_TTL_MS,
    readonly now: () => number = Date.now,
  ) {}

  private static key(issuer: string, network: NetworkSettings | string): string {
    return `${issuer}\u0000${typeof network === 'string' ? network : networkKey(network)}`;
  }

  get(issuer: string, network: NetworkSettings | string): Entry | undefined {
    const key = DiscoveryCache.key(issuer, network);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.fetchedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  put(issuer: string, network: NetworkSettings | string, metadata: AuthorizationServerMetadata): void {
    const key = DiscoveryCache.key(issuer, network);
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    // Frozen: every run that gets it from here shares the one object.
    this.entries.set(key, { metadata: Object.freeze({ ...metadata }), fetchedAt: this.now() });
  }

  /** Forgets an issuer's metadata under every network setting (a profile edit, a fresh "Discover"). */
  invalidate(issuer?: string): void {
    if (issuer === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${issuer}\u0000`)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The process-wide cache the app and the CLI use. */
export const discoveryCache = new DiscoveryCache();

export type DiscoveryCacheMode = 'use' | 'refresh' | 'off';

/**
 * Discovery through the cache: a hit is recorded in the run's transcript as
 * an event (no HTTP exchange happened in this run), a miss fetches — and is
 * recorded — like any discovery. `refresh` fetches and replaces; `off` fetches
 * and leaves the cache alone.
 */
export async function discoverCached(
  http: HttpClient,
  issuer: string,
  opts: { network: NetworkSettings; mode?: DiscoveryCacheMode; cache?: DiscoveryCache; transcript?: Transcript; signal?: AbortSignal },
): Promise<AuthorizationServerMetadata> {
  const mode = opts.mode ?? 'use';
  const cache = opts.cache ?? discoveryCache;
  const key = networkKey(opts.network);
  if (mode === 'use') {
    const hit = cache.get(issuer, key);
    if (hit) {
      const age = Math.round((cache.now() - hit.fetchedAt) / 1000);
      opts.transcript?.event(
        'discovery (cached)',
        'workbench',
        'workbench',
        `metadata of ${issuer} fetched ${age} s ago, reused for up to ${Math.round(cache.ttlMs / 60_000)} min (edit the profile or press Discover to fetch it again)`,
      );
      return hit.metadata;
    }
  }
  const metadata = await discover(http, issuer, opts.signal);
  if (mode !== 'off') cache.put(issuer, key, metadata);
  return metadata;
}
