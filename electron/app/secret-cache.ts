import type { SecretStore } from '../secrets/secret-store';

/** How long a secret read from the keychain is reused at most. */
export const SECRET_CACHE_TTL_MS = 30_000;

/**
 * The app service's view of the keychain: a secret read once is reused for
 * the next runs (a keychain read costs more than a token from a local server:
 * bench/app-service), until this process changes it, the profiles file
 * changes (every profile-secret change, by the CLI or another app process,
 * saves its profile too), or SECRET_CACHE_TTL_MS pass. Writes and deletes go
 * straight through. Only values found are kept; errors (locked, refused,
 * unreachable) are never cached. Methods beyond SecretStore (the vault's
 * sealer) are passed through.
 */
export function cachedSecretStore<T extends SecretStore>(inner: T, revision: () => string): T {
  const cache = new Map<string, { value: string; revision: string; at: number }>();
  const wrapper: SecretStore = {
    async get(account) {
      const hit = cache.get(account);
      const now = Date.now();
      if (hit && now - hit.at < SECRET_CACHE_TTL_MS && hit.revision === revision()) return hit.value;
      cache.delete(account);
      const rev = revision();
      const value = await inner.get(account);
      if (value !== undefined) cache.set(account, { value, revision: rev, at: now });
      return value;
    },
    async set(account, value) {
      cache.delete(account);
      await inner.set(account, value);
    },
    async delete(account) {
      cache.delete(account);
      return inner.delete(account);
    },
    list: () => inner.list(),
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'get' || prop === 'set' || prop === 'delete' || prop === 'list') return wrapper[prop];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
