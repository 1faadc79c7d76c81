import type { JWK } from 'jose';
import * as z from 'zod';
import { WorkbenchError } from '../../shared/errors';
import { jwkImportProblem, jwkProblem, publicJwk } from './keys';

/**
 * How key sets reach this module: the engine's HTTP client behind a small
 * port (electron/engine/jwks-fetcher.ts), so JOSE code sits below the engine
 * and the engine may import it.
 */
export interface JwksFetcher {
  /** GETs a URL and returns its JSON object, or throws a precise error (`what` names it in messages). */
  getJson(url: string, what: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  /** The issuer's `jwks_uri` from its discovered metadata. */
  jwksUriOf(issuer: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** One key of a fetched set; `problem` says why it cannot be used (the rest of the set still can). */
export interface JwksKey {
  /** 1-based position in the set, for reports. */
  index: number;
  kid?: string;
  jwk: JWK;
  problem?: string;
}

export interface JwksSnapshot {
  /** Where the set came from: its URL, or "(pasted)". */
  source: string;
  fetchedAt: number;
  keys: JwksKey[];
  /** Set-level oddities, e.g. private key material published. */
  warnings: string[];
}

const JwksSchema = z.object({ keys: z.array(z.unknown()) });

/** Validates a JWK Set; unusable members are kept, marked with their problem. */
export async function parseJwks(json: unknown, source: string, fetchedAt = Date.now()): Promise<JwksSnapshot> {
  const parsed = JwksSchema.safeParse(json);
  if (!parsed.success) throw new WorkbenchError('INVALID_RESPONSE', `${source}: not a JWK Set (expected {"keys": [...]})`);
  const warnings: string[] = [];
  const keys: JwksKey[] = [];
  let index = 0;
  for (const raw of parsed.data.keys) {
    index++;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      keys.push({ index, jwk: {} as JWK, problem: 'not a JSON object' });
      continue;
    }
    const obj = raw as Record<string, unknown>;
    const kid = typeof obj.kid === 'string' ? obj.kid : undefined;
    if ('d' in obj) warnings.push(`key #${index}${kid ? ` (kid "${kid}")` : ''} publishes private key material`);
    const jwk = publicJwk(obj as JWK);
    const problem = jwkProblem(obj) ?? (obj.kty === 'oct' ? 'a symmetric key in a public key set' : await jwkImportProblem(jwk));
    keys.push({ index, jwk, ...(kid !== undefined ? { kid } : {}), ...(problem ? { problem } : {}) });
  }
  return { source, fetchedAt, keys, warnings };
}

export interface JwksCacheOptions {
  /** Minimum time between two fetches of the same set, so unknown `kid`s cannot make us hammer the server. */
  cooldownMs?: number;
  /** A set older than this is fetched again on next use. */
  maxAgeMs?: number;
  /** The clock; injectable so tests need not wait. */
  now?: () => number;
}

export interface JwksLookup {
  snapshot: JwksSnapshot;
  /** True when this call fetched the set over the network. */
  fetched: boolean;
}

/**
 * Issuer key sets, cached per URL. A set is refetched once when a token names
 * an unknown `kid` (key rotation), but never twice within the cooldown.
 */
export class JwksCache {
  private readonly sets = new Map<string, JwksSnapshot>();
  private readonly lastFetch = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<JwksSnapshot>>();
  private readonly issuerJwksUri = new Map<string, string>();
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: JwksCacheOptions = {}) {
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The cached set when fresh, otherwise fetched. */
  async get(uri: string, fetcher: JwksFetcher, signal?: AbortSignal): Promise<JwksLookup> {
    const cached = this.sets.get(uri);
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return { snapshot: cached, fetched: false };
    return { snapshot: await this.fetch(uri, fetcher, signal), fetched: true };
  }

  /** Whether the cooldown allows fetching this set again now. */
  canRefetch(uri: string): boolean {
    const last = this.lastFetch.get(uri);
    return last === undefined || this.now() - last >= this.cooldownMs;
  }

  /** Fetches again unless within the cooldown; then the cached set is returned with `fetched: false`. */
  async refetch(uri: string, fetcher: JwksFetcher, signal?: AbortSignal): Promise<JwksLookup> {
    const cached = this.sets.get(uri);
    if (cached && !this.canRefetch(uri)) return { snapshot: cached, fetched: false };
    return { snapshot: await this.fetch(uri, fetcher, signal), fetched: true };
  }

  /** The issuer's `jwks_uri`, through discovery, remembered per issuer. */
  async jwksUriFor(issuer: string, fetcher: JwksFetcher, signal?: AbortSignal): Promise<string> {
    const known = this.issuerJwksUri.get(issuer);
    if (known) return known;
    const jwksUri = await fetcher.jwksUriOf(issuer, signal);
    if (!jwksUri) throw new WorkbenchError('MISSING_CONFIGURATION', `${issuer} publishes no jwks_uri in its metadata; give a JWKS URL or a key`);
    this.issuerJwksUri.set(issuer, jwksUri);
    return jwksUri;
  }

  /** Remembers an issuer's `jwks_uri` the caller already knows (e.g. from metadata it discovered). */
  rememberIssuer(issuer: string, jwksUri: string): void {
    this.issuerJwksUri.set(issuer, jwksUri);
  }

  clear(): void {
    this.sets.clear();
    this.lastFetch.clear();
    this.issuerJwksUri.clear();
  }

  private fetch(uri: string, fetcher: JwksFetcher, signal?: AbortSignal): Promise<JwksSnapshot> {
    // Concurrent verifications of tokens from one issuer share a single request.
    const pending = this.inflight.get(uri);
    if (pending) return pending;
    const work = (async () => {
      this.lastFetch.set(uri, this.now());
      const json = await fetcher.getJson(uri, `JWKS (${uri})`, signal);
      const snapshot = await parseJwks(json, uri, this.now());
      this.sets.set(uri, snapshot);
      return snapshot;
    })();
    this.inflight.set(uri, work);
    return work.finally(() => this.inflight.delete(uri));
  }
}

/** The process-wide cache verifyToken uses when given none, so every verification of one issuer shares its key set. */
export const sharedJwksCache = new JwksCache();
