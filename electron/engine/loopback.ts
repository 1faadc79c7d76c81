import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkbenchError } from '../../shared/errors';

export interface LoopbackOptions {
  /** An exact registered redirect URL (e.g. http://localhost:8080/callback); absent: 127.0.0.1 on a random port. */
  fixedRedirectUri?: string;
  /** Path used with a random port. */
  path?: string;
  /** Implicit flow: the response arrives in the URL fragment, which browsers never send to a server. */
  fragment?: boolean;
}

export interface LoopbackWaitOptions {
  state: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

const FRAGMENT_MARK = 'tokenbench_fragment';

/**
 * RFC 8252 loopback redirect receiver. It binds 127.0.0.1 before the browser
 * opens, answers only GET on its path, and settles on the first response
 * that carries the flow's `state`. A request with another state, or none, is
 * answered with an error page and ignored: any local process can reach the
 * port, and none of them may cancel a sign-in by guessing it.
 */
export class LoopbackRedirectListener {
  private settle?: (outcome: { params: URLSearchParams } | { error: WorkbenchError }) => void;
  private readonly pending: URLSearchParams[] = [];
  private expectedState?: string;
  private closed = false;
  /** Requests answered and ignored for a missing or wrong state (shown in the timeout's message). */
  private ignored = 0;

  private constructor(
    private readonly server: Server,
    readonly redirectUri: string,
    private readonly path: string,
    private readonly fragment: boolean,
  ) {}

  static async start(opts: LoopbackOptions = {}): Promise<LoopbackRedirectListener> {
    let port = 0;
    let path = opts.path ?? '/callback';
    let redirectHost = '127.0.0.1';
    if (opts.fixedRedirectUri) {
      let url: URL;
      try {
        url = new URL(opts.fixedRedirectUri);
      } catch {
        throw new WorkbenchError('INVALID_INPUT', `redirect URL "${opts.fixedRedirectUri}" is not a URL`);
      }
      if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname))
        throw new WorkbenchError('INVALID_INPUT', `a loopback redirect must be http://127.0.0.1:PORT/… or http://localhost:PORT/…, not ${opts.fixedRedirectUri}`);
      port = url.port ? Number(url.port) : 80;
      path = url.pathname;
      redirectHost = url.hostname;
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new WorkbenchError(
            'LOOPBACK_FAILED',
            err.code === 'EADDRINUSE'
              ? `cannot listen for the redirect on 127.0.0.1:${port}: the port is in use (close what uses it, or use a random port)`
              : `cannot listen for the redirect on 127.0.0.1:${port}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const actualPort = (server.address() as AddressInfo).port;
    const redirectUri = opts.fixedRedirectUri ?? `http://${redirectHost}:${actualPort}${path}`;
    const listener = new LoopbackRedirectListener(server, redirectUri, path, opts.fragment ?? false);
    server.on('request', (req, res) => listener.handle(req, res));
    return listener;
  }

  /** Resolves with the authorization response parameters of the first request carrying the expected state. */
  wait(opts: LoopbackWaitOptions): Promise<URLSearchParams> {
    this.expectedState = opts.state;
    return new Promise<URLSearchParams>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish({
            error: new WorkbenchError(
              'TIMEOUT',
              `no authorization response reached ${this.redirectUri} within ${Math.round(opts.timeoutMs / 1000)} s${this.ignored ? ` (${this.ignored} request(s) with a wrong or missing state were ignored)` : ''}`,
            ),
          }),
        opts.timeoutMs,
      );
      const onAbort = () => finish({ error: new WorkbenchError('CANCELLED', 'authorization cancelled') });
      const finish = (outcome: { params: URLSearchParams } | { error: WorkbenchError }) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.settle = undefined;
        void this.close();
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.params);
      };
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.settle = finish;
      // Responses that arrived before the flow said which state it expects are held; only the one
      // with that state is taken, the others are dropped as the handler would have ignored them.
      const early = this.pending.find((p) => p.get('state') === opts.state);
      this.pending.length = 0;
      if (early) finish({ params: early });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Let the last answer reach the browser, then drop idle keep-alive sockets.
      setImmediate(() => this.server.closeIdleConnections());
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== this.path) return page(res, 404, 'Not found', 'This is the Token Workbench redirect listener.');
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return page(res, 405, 'Method not allowed', 'The redirect listener accepts only GET.');
    }
    const params = url.searchParams;
    if (this.fragment && !params.has(FRAGMENT_MARK) && !params.has('state') && !params.has('error')) return fragmentRelay(res, this.path);
    params.delete(FRAGMENT_MARK);
    if (this.closed) return page(res, 410, 'Already done', 'This sign-in has already completed. You can close this tab.');

    const state = params.get('state');
    if (this.expectedState !== undefined && state !== this.expectedState) {
      // Any local process can reach this port: a request without the flow's state is answered and
      // ignored, never allowed to end the sign-in the user is still completing in the browser.
      this.ignored++;
      return page(res, 400, 'Sign-in rejected', 'The response did not match the request Token Workbench sent (state mismatch). Return to Token Workbench.');
    }
    const outcome = { params };
    const error = params.get('error');
    if (error) page(res, 200, 'Sign-in failed', `The authorization server answered: ${error}${params.get('error_description') ? ` — ${params.get('error_description')}` : ''}. Return to Token Workbench.`);
    else page(res, 200, 'Signed in', 'Token Workbench received the response. You can close this tab and return to the app.');
    if (this.settle) this.settle(outcome);
    else this.pending.push(params);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} – Token Workbench</title></head><body style="font-family:system-ui,sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(body);
}

/** Implicit responses live in the fragment; this page moves them into a query the listener can read. */
function fragmentRelay(res: ServerResponse, path: string): void {
  const script = `location.replace(${JSON.stringify(path)} + '?${FRAGMENT_MARK}=1&' + location.hash.slice(1));`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Token Workbench</title></head><body><script>${script}</script><noscript>JavaScript is needed to pass the implicit-flow response to Token Workbench.</noscript></body></html>`);
}
