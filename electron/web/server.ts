import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { WorkbenchEvent } from '../../shared/ipc';
import { dispatch } from '../app/dispatch';
import { readRendererFile } from '../app/renderer-files';
import type { AppService } from '../app/service';
import { CONTENT_SECURITY_POLICY } from '../shell/window';

export interface WebServerOptions {
  service: AppService;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Fixed token for tests; normally a fresh random one per run. */
  token?: string;
  /** How long a client may take to send its request headers (default 10 s), then its body (default 30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Open connections at once (default 64): a page uses a handful; more is another program filling the table. */
  maxConnections?: number;
}

export interface WebServer {
  /** The URL to open: it carries the token in the fragment, which browsers never send to a server. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/**
 * Browser mode: the built renderer plus the IPC contract over HTTP
 * (`POST /api/<operation>`), answered by the same `dispatch` and handlers as
 * Electron main. Every /api request must carry the per-run token; the Host
 * and Origin checks keep other sites (DNS rebinding, cross-origin pages)
 * out even if they guess the port.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(`Bearer ${token}`);
  const rendererDir = resolve(options.rendererDir);
  const sseClients = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  let origin = '';

  const unsubscribe = options.service.onEvent((event: WorkbenchEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of sseClients) res.write(frame);
  });

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return false;
    const given = Buffer.from(header);
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      // A client that trickles its headers or body (another local program, slowloris-style) is cut off;
      // these bound receiving the request only: a running interactive flow may take minutes to answer.
      headersTimeout,
      requestTimeout: Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout),
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      void handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'INTERNAL', message: (err as Error).message } });
        else res.end();
      });
    },
  );
  server.maxConnections = options.maxConnections ?? 64;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
    if (!allowedHosts.has(req.headers.host ?? '')) return text(res, 421, 'misdirected request');
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return api(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed');
    return serveStatic(res, url.pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!authorized(req)) {
      // Answered at once and the connection closed: an unauthenticated client gets nothing to hold on to.
      res.setHeader('connection', 'close');
      return json(res, 401, { ok: false, error: { code: 'INVALID_INPUT', message: 'missing or wrong token: open the URL `npm run web` printed' } });
    }
    const requestOrigin = req.headers.origin;
    // The page may be opened as 127.0.0.1 or localhost (both are allowed Hosts); any other origin is another site.
    if (requestOrigin !== undefined && !allowedOrigins.has(requestOrigin)) return json(res, 403, { ok: false, error: { code: 'INVALID_INPUT', message: 'cross-origin request refused' } });
    const name = url.pathname.slice('/api/'.length);
    if (name === 'events') {
      if (req.method !== 'GET') return text(res, 405, 'method not allowed');
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      sseClients.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        sseClients.delete(res);
      });
      return;
    }
    if (req.method !== 'POST') return text(res, 405, 'method not allowed');
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
      return json(res, 415, { ok: false, error: { code: 'INVALID_INPUT', message: 'send the argument as application/json' } });
    let arg: unknown;
    try {
      const body = await readBody(req);
      arg = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      return json(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: `request body: ${(err as Error).message}` } });
    }
    const result = await dispatch(options.service.handlers, name, arg);
    json(res, !result.ok && result.error.code === 'NOT_FOUND' && result.error.message.startsWith('unknown operation') ? 404 : 200, result);
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const file = await readRendererFile(rendererDir, pathname);
    if (!file) return text(res, 404, 'not found');
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType, 'content-length': file.body.length, 'cache-control': cacheControlFor(pathname) });
    res.end(file.body);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    async close() {
      unsubscribe();
      for (const res of sseClients) res.end();
      sseClients.clear();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Vite names every bundle after its content (`assets/index-Dqf0Gayq.js`): such a file never changes, so
 * the browser may keep it, and a reload then skips the download and, with V8's code cache (which
 * needs a cacheable response), the compile. index.html names the bundles and is never kept.
 */
const HASHED_ASSET = /^\/assets\/[A-Za-z0-9_.-]+-[A-Za-z0-9_-]{8}\.(?:js|css|svg|png|woff2?)(?:\.map)?$/;
export const cacheControlFor = (pathname: string) => (HASHED_ASSET.test(pathname) ? 'private, max-age=31536000, immutable' : 'no-store');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(message);
}
