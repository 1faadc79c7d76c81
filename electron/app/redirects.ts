import { WorkbenchError } from '../../shared/errors';

interface Waiter {
  redirectUri: string;
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
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        redirectUri,
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
    const target = withoutQuery(url);
    if (target === undefined) return false;
    for (const waiter of this.waiters) {
      if (withoutQuery(waiter.redirectUri) !== target) continue;
      const params = paramsOf(url);
      if (params.get('state') !== waiter.state) continue;
      waiter.resolve(params);
      return true;
    }
    return false;
  }
}

/**
 * The redirect URI without query and fragment, through the WHATWG URL parser: it lowercases the scheme
 * (RFC 3986 §3.1: case-insensitive) and leaves the path as it is (case-sensitive). Undefined when unparseable.
 */
function withoutQuery(url: string): string | undefined {
  const parsed = URL.parse(url);
  if (!parsed) return undefined;
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/** The response parameters: the query, or the fragment for implicit/hybrid responses. */
function paramsOf(url: string): URLSearchParams {
  const parsed = URL.parse(url);
  return new URLSearchParams(parsed ? parsed.search.slice(1) || parsed.hash.slice(1) : '');
}
