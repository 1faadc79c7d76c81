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
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });

  /**
   * Returns true when a waiting flow took the URL. A URL nobody waits for, or
   * one without the waiting flow's state, is ignored: any program can launch
   * a private-use scheme URL, and none may end a sign-in by forging one.
   */
  deliver(url: string): boolean {
    const target = withoutQuery(url);
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

function withoutQuery(url: string): string {
  return url.split(/[?#]/, 1)[0]?.toLowerCase() ?? '';
}

function paramsOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const query = q >= 0 ? url.slice(q + 1, h > q ? h : undefined) : '';
  const fragment = h >= 0 ? url.slice(h + 1) : '';
  return new URLSearchParams(query || fragment);
}
