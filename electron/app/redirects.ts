import { WorkbenchError } from '../../shared/errors';

interface Waiter {
  /** The redirect URI without query and fragment, normalised (see withoutQuery). */
  target: string;
  state: string;
  resolve: (params: URLSearchParams) => void;
  reject: (err: WorkbenchError) => void;
}

/**
 * Hands private-use URI scheme redirects (`com.example.app:/callback?code=…`),
 * which the OS delivers to the desktop shell, to the flow waiting for them —
 * the desktop counterpart of the engine's loopback listener.
 */
export class RedirectBroker {
  private readonly waiters = new Set<Waiter>();

  receive = (redirectUri: string, opts: { state: string; timeoutMs: number; signal?: AbortSignal }): Promise<URLSearchParams> =>
    new Promise<URLSearchParams>((resolve, reject) => {
      const expected = URL.parse(redirectUri);
      if (!expected) return reject(new WorkbenchError('INVALID_INPUT', `the redirect URI "${redirectUri}" is not a URL`));
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        target: withoutQuery(expected),
        state: opts.state,
        resolve: (p) => {
          done();
          resolve(p);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const onAbort = () => waiter.reject(new WorkbenchError('CANCELLED', 'authorization cancelled'));
      const timer = setTimeout(() => waiter.reject(new WorkbenchError('TIMEOUT', `no authorization response reached ${redirectUri} within ${Math.round(opts.timeoutMs / 1000)} s`)), opts.timeoutMs);
      if (opts.signal?.aborted) return onAbort();
      // Removed by done() whichever way the wait ends, so a long-lived signal keeps no stale listeners.
      opts.signal?.addEventListener('abort', onAbort);
      this.waiters.add(waiter);
    });

  /**
   * Returns true when a waiting flow took the URL. A URL nobody waits for, or
   * one without the waiting flow's state, is ignored: any program can launch
   * a private-use scheme URL, and none may end a sign-in by forging one.
   */
  deliver(url: string): boolean {
    const parsed = URL.parse(url);
    if (!parsed) return false;
    const target = withoutQuery(parsed);
    for (const waiter of this.waiters) {
      if (waiter.target !== target) continue;
      // The query, or the fragment of implicit/hybrid responses (URLSearchParams drops the query's "?" itself).
      const params = new URLSearchParams(parsed.search || parsed.hash.slice(1));
      if (params.get('state') !== waiter.state) continue;
      waiter.resolve(params);
      return true;
    }
    return false;
  }
}

/**
 * A URL without query and fragment, as the WHATWG URL parser writes it: the scheme lowercased
 * (RFC 3986 §3.1: case-insensitive), the path as it is (case-sensitive).
 */
function withoutQuery(url: URL): string {
  const bare = new URL(url);
  bare.search = '';
  bare.hash = '';
  return bare.href;
}
