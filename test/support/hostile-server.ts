import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 that misbehaves on demand, for the engine's
 * failure tests. Every route answers any method. Slow routes hold their
 * connection open until the deadline passes or the server closes; close()
 * destroys every socket and timer so nothing keeps the test process alive.
 */

export const HOSTILE_ROUTES = {
  /** 500 with an HTML error page, as a misconfigured proxy would send. */
  html500: '/html-500',
  /** 200 with an HTML page where JSON was expected (a login page, a captive portal). */
  html200: '/html-200',
  /** 200, content-type application/json, body cut mid-object. */
  malformedJson: '/malformed-json',
  /** 302 to the OAuth error route, to check redirects are not followed. */
  redirect: '/redirect',
  /** 200 JSON body of `?bytes=` bytes (default 5 MiB + 1), announced with content-length. */
  large: '/large',
  /** Same as `large` but chunked, with no content-length to warn the reader. */
  largeChunked: '/large-chunked',
  /** Accepts the request and says nothing for `?ms=` milliseconds (default 120 s). */
  slow: '/slow',
  /** Sends status and headers at once, then stalls the body for `?ms=` milliseconds. */
  slowBody: '/slow-body',
  /** A discovery document whose `issuer` is not the URL it was fetched from. */
  mismatchedDiscovery: '/.well-known/openid-configuration',
  /** The same, in RFC 8414 form. */
  mismatchedAuthorizationServerMetadata: '/.well-known/oauth-authorization-server',
  /** 400 with an RFC 6749 §5.2 error body. */
  oauthError: '/oauth-error',
  /** A 103 Early Hints response first, then a 200 token response: informational responses are to be skipped. */
  earlyHints: '/early-hints',
  /** A DPoP token response whose JWT access token is bound (cnf.jkt) to a key that is not the client's. */
  dpopForeignJkt: '/dpop-foreign-jkt',
  /** Answers every request with 400 use_dpop_nonce and a fresh DPoP-Nonce: a client must retry once, not forever. */
  dpopNonceAlways: '/dpop-nonce-always',
  /** A token response whose JWT access token is bound (cnf.x5t#S256) to a certificate the client does not hold. */
  mtlsForeignX5t: '/mtls-foreign-x5t',
} as const;

/** The thumbprint the hostile server binds its DPoP tokens to (no key the client holds). */
export const FOREIGN_JKT = 'x4PZdWX1lq3AOBV0uDAZS2Ga8Yp2y1F2vYpmgm8Dsc0';
/** The certificate thumbprint the hostile server binds its mTLS tokens to (no certificate the client holds). */
export const FOREIGN_X5T_S256 = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';

export const DEFAULT_LARGE_BYTES = 5 * 1024 * 1024 + 1;
const DEFAULT_SLOW_MS = 120_000;

export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HostileServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  url(route: string): string;
  /** The issuer the mismatched discovery documents claim. */
  claimedIssuer: string;
  /** Every request received, in order. */
  requests: HostileRequest[];
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: HostileRequest[] = [];
  let origin = '';
  const claimedIssuer = 'https://issuer.elsewhere.example';

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    const number = (name: string, fallback: number) => {
      const v = Number(url.searchParams.get(name));
      return Number.isFinite(v) && v > 0 ? v : fallback;
    };

    switch (url.pathname) {
      case HOSTILE_ROUTES.html500:
        return send(res, 500, 'text/html', '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>nginx</p></body></html>');
      case HOSTILE_ROUTES.html200:
        return send(res, 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form><input name="user"></form></body></html>');
      case HOSTILE_ROUTES.malformedJson:
        return send(res, 200, 'application/json', '{"access_token": "abc", "token_type": ');
      case HOSTILE_ROUTES.redirect:
        res.statusCode = 302;
        res.setHeader('location', `${origin}${HOSTILE_ROUTES.oauthError}`);
        return res.end();
      case HOSTILE_ROUTES.large:
      case HOSTILE_ROUTES.largeChunked: {
        const size = number('bytes', DEFAULT_LARGE_BYTES);
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        if (url.pathname === HOSTILE_ROUTES.large) res.setHeader('content-length', String(size));
        return writeFiller(res, size);
      }
      case HOSTILE_ROUTES.slow:
        // Nothing at all until the deadline; close() ends it earlier.
        return later(number('ms', DEFAULT_SLOW_MS), () => send(res, 200, 'application/json', '{"late":true}'));
      case HOSTILE_ROUTES.slowBody:
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":');
        return later(number('ms', DEFAULT_SLOW_MS), () => res.end('"late","token_type":"Bearer"}'));
      case HOSTILE_ROUTES.mismatchedDiscovery:
      case HOSTILE_ROUTES.mismatchedAuthorizationServerMetadata:
        return send(
          res,
          200,
          'application/json',
          JSON.stringify({
            issuer: claimedIssuer,
            authorization_endpoint: `${origin}/auth`,
            token_endpoint: `${origin}/token`,
            jwks_uri: `${origin}/jwks`,
            response_types_supported: ['code'],
          }),
        );
      case HOSTILE_ROUTES.oauthError:
        return send(res, 400, 'application/json', JSON.stringify({ error: 'invalid_grant', error_description: 'the hostile server refuses', error_uri: 'https://errors.example/invalid_grant' }));
      case HOSTILE_ROUTES.earlyHints:
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        return send(res, 200, 'application/json', JSON.stringify({ access_token: 'after-the-hints', token_type: 'Bearer' }));
      case HOSTILE_ROUTES.dpopForeignJkt: {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const jwt = `${b64({ alg: 'ES256', typ: 'at+jwt' })}.${b64({ sub: 'mallory', cnf: { jkt: FOREIGN_JKT }, exp: Math.floor(Date.now() / 1000) + 300 })}.c2ln`;
        return send(res, 200, 'application/json', JSON.stringify({ access_token: jwt, token_type: 'DPoP', expires_in: 300 }));
      }
      case HOSTILE_ROUTES.mtlsForeignX5t: {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const jwt = `${b64({ alg: 'ES256', typ: 'at+jwt' })}.${b64({ sub: 'mallory', cnf: { 'x5t#S256': FOREIGN_X5T_S256 }, exp: Math.floor(Date.now() / 1000) + 300 })}.c2ln`;
        return send(res, 200, 'application/json', JSON.stringify({ access_token: jwt, token_type: 'Bearer', expires_in: 300 }));
      }
      case HOSTILE_ROUTES.dpopNonceAlways:
        res.setHeader('dpop-nonce', `nonce-${requests.length}`);
        return send(res, 400, 'application/json', JSON.stringify({ error: 'use_dpop_nonce', error_description: 'always another nonce' }));
      default:
        return send(res, 404, 'text/plain', 'no such hostile route');
    }
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (route) => `${origin}${route}`,
    claimedIssuer,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens: bound once to get it, then released. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', String(Buffer.byteLength(body)));
  res.end(body);
}

/** Streams `size` bytes of valid-looking JSON, respecting backpressure; stops if the client goes away. */
function writeFiller(res: ServerResponse, size: number): void {
  const head = '{"padding":"';
  const tail = '"}';
  const chunk = Buffer.alloc(64 * 1024, 'a');
  if (size < head.length + tail.length) return void res.end(Buffer.alloc(size, 'a'));
  let remaining = size - head.length - tail.length;
  res.write(head);
  const pump = () => {
    while (remaining > 0 && !res.destroyed) {
      const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
      remaining -= piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}
