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
  /**
   * JARM: the state travels inside the signed `response` JWT, so a request carrying
   * `response` is accepted here and its state checked by the engine after verification.
   */
  stateInResponseJwt?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

const FRAGMENT_MARK = 'tokenbench_fragment';
/** A form_post body (an authorization response, perhaps a JARM JWT) is small; more is refused. */
export const MAX_FORM_POST_BYTES = 64 * 1024;

/**
 * RFC 8252 loopback redirect receiver. It binds 127.0.0.1 before the browser
 * opens, answers only GET on its path, and settles on the first response
 * that carries the flow's `state`. A request with another state, or none, is
 * answered with an error page and ignored: any local process can reach the
 * port, and none of them may cancel a sign-in by guessing it.
 * A form POST on the path (response_mode=form_post, and the fragment relay)
 * is read up to MAX_FORM_POST_BYTES and handled like a query.
 */
export class LoopbackRedirectListener {
  private settle?: (outcome: { params: URLSearchParams } | { error: WorkbenchError }) => void;
  private readonly pending: URLSearchParams[] = [];
  private expectedState?: string;
  private stateInResponseJwt = false;
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
    this.stateInResponseJwt = opts.stateInResponseJwt ?? false;
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
      const early = this.pending.find((p) => this.carriesExpectedState(p));
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
    if (req.method === 'POST') {
      readFormBody(req).then(
        (params) => this.receive(params, res),
        (err: WorkbenchError & { status?: number }) => page(res, err.status ?? 400, 'Not accepted', err.message),
      );
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET, POST');
      return page(res, 405, 'Method not allowed', 'The redirect listener accepts only GET and a form POST.');
    }
    const params = url.searchParams;
    if (this.fragment && !params.has(FRAGMENT_MARK) && !params.has('state') && !params.has('error') && !params.has('response')) return fragmentRelay(res, this.path);
    this.receive(params, res);
  }

  /** The flow's state, in the query/form, or (JARM) inside the signed response; an encrypted one is checked by the engine. */
  private carriesExpectedState(params: URLSearchParams): boolean {
    const jarm = this.stateInResponseJwt && params.has('response') ? jarmState(params.get('response') as string) : undefined;
    const received = jarm === undefined ? params.get('state') : jarm.encrypted ? this.expectedState : jarm.state;
    return received === this.expectedState;
  }

  private receive(params: URLSearchParams, res: ServerResponse): void {
    params.delete(FRAGMENT_MARK);
    if (this.closed) return page(res, 410, 'Already done', 'This sign-in has already completed. You can close this tab.');

    if (this.expectedState !== undefined && !this.carriesExpectedState(params)) {
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

/**
 * JARM: the state inside a signed response, read without verifying it, only to
 * ignore responses that are not for this flow (the engine verifies the JWT and
 * checks the state again). An encrypted response cannot be read here: undefined.
 */
function jarmState(response: string): { encrypted: true } | { encrypted: false; state?: string } {
  const parts = response.split('.');
  if (parts.length === 5) return { encrypted: true };
  if (parts.length !== 3) return { encrypted: false };
  try {
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as { state?: unknown };
    return typeof payload.state === 'string' ? { encrypted: false, state: payload.state } : { encrypted: false };
  } catch {
    return { encrypted: false };
  }
}

/**
 * Reads an application/x-www-form-urlencoded body, refusing other types (415)
 * and anything over MAX_FORM_POST_BYTES (413) without buffering it.
 */
function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const fail = (status: number, message: string) => {
      req.resume();
      reject(Object.assign(new WorkbenchError('INVALID_INPUT', message), { status }));
    };
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return fail(415, 'The redirect listener accepts only form posts (application/x-www-form-urlencoded).');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_FORM_POST_BYTES) return fail(413, 'The posted response is too large.');
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_FORM_POST_BYTES) {
        done = true;
        chunks.length = 0;
        return fail(413, 'The posted response is too large.');
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(Object.assign(new WorkbenchError('INVALID_INPUT', `the form post failed: ${err.message}`), { status: 400 }));
    });
  });
}

/**
 * Fragment responses (implicit, hybrid, fragment.jwt) never reach a server: this page
 * posts the fragment back to the listener as a form, so the response does not stay
 * in the browser's history. Only this exact script may run (CSP hash); it reads the
 * fragment as data and the listener still checks the state.
 */
function fragmentRelay(res: ServerResponse, path: string): void {
  const script = `(function(){var f=document.createElement('form');f.method='POST';f.action=${JSON.stringify(path)};var p=new URLSearchParams(location.hash.slice(1));p.set(${JSON.stringify(FRAGMENT_MARK)},'1');p.forEach(function(v,k){var i=document.createElement('input');i.type='hidden';i.name=k;i.value=v;f.appendChild(i);});document.body.appendChild(f);history.replaceState(null,'',location.pathname);f.submit();})();`;
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(script).digest('base64');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': `default-src 'none'; script-src 'sha256-${hash}'; form-action 'self'`,
    connection: 'close',
  });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Token Workbench</title></head><body><script>${script}</script><noscript>JavaScript is needed to pass a fragment response to Token Workbench.</noscript></body></html>`);
}
