import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { cacheControlFor, startWebServer, type WebServer } from '../../electron/web/server';

/** The browser-mode bridge over real HTTP: the same contract, guarded by the per-run token. */
let dir: string;
let service: AppService;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-web-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'index-Dqf0Gayq.js'), 'export {};');
  writeFileSync(join(rendererDir, 'assets', 'plain.js'), 'export {};');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  service = openAppService({ dataDir: join(dir, 'data'), mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
  server = await startWebServer({ service, rendererDir });
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const auth = () => ({ authorization: `Bearer ${server.token}` });

describe('browser-mode bridge', () => {
  test('prints a URL on 127.0.0.1 carrying the token in the fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{40,}$/);
  });

  test('answers an operation with the same Result the IPC handlers give', async () => {
    const res = await post('/api/listWorkspace', {}, auth());
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ ok: true, value: { groups: [], profiles: [] } });
  });

  test('ensure-api-request-without-token-is-rejected', async () => {
    const res = await post('/api/listWorkspace', {});
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    const events = await request(`${server.origin}/api/events`);
    expect(events.statusCode).toBe(401);
    await events.body.dump();
  });

  test('ensure-api-request-with-wrong-token-is-rejected', async () => {
    for (const header of [`Bearer ${server.token.slice(0, -1)}x`, `Bearer ${server.token}x`, server.token, `Basic ${server.token}`]) {
      const res = await post('/api/saveGroup', { name: 'nope' }, { authorization: header });
      expect(res.statusCode, header).toBe(401);
      await res.body.dump();
    }
    const ws = await (await post('/api/listWorkspace', {}, auth())).body.json();
    expect(ws).toEqual({ ok: true, value: { groups: [], profiles: [] } });
  });

  test('ensure-token-in-query-string-is-not-accepted', async () => {
    const res = await post(`/api/listWorkspace?token=${server.token}`, {});
    expect(res.statusCode).toBe(401);
    await res.body.dump();
  });

  test('ensure-foreign-host-header-is-refused (DNS rebinding)', async () => {
    const res = await post('/api/listWorkspace', {}, { ...auth(), host: `attacker.example:${server.port}` });
    expect(res.statusCode).toBe(421);
    await res.body.dump();
  });

  test('ensure-cross-origin-request-is-refused', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${server.port + 1}`, `https://localhost:${server.port}`, 'null']) {
      const res = await post('/api/listWorkspace', {}, { ...auth(), origin });
      expect(res.statusCode, origin).toBe(403);
      await res.body.dump();
    }
  });

  test('accepts the page opened as localhost as well as 127.0.0.1', async () => {
    for (const origin of [`http://localhost:${server.port}`, server.origin]) {
      const res = await post('/api/listWorkspace', {}, { ...auth(), origin, host: new URL(origin).host });
      expect(res.statusCode, origin).toBe(200);
      await res.body.dump();
    }
  });

  test('ensure-non-json-body-is-refused', async () => {
    const res = await request(`${server.origin}/api/saveGroup`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    expect(res.statusCode).toBe(415);
    await res.body.dump();
    const broken = await request(`${server.origin}/api/saveGroup`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"name":' });
    expect(broken.statusCode).toBe(400);
    await broken.body.dump();
  });

  test('ensure-invalid-argument-is-rejected-and-changes-nothing', async () => {
    const res = await post('/api/saveGroup', { name: '', defaults: { issuer: 'javascript:alert(1)' } }, auth());
    expect(await res.body.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await (await post('/api/listWorkspace', {}, auth())).body.json()).toEqual({ ok: true, value: { groups: [], profiles: [] } });
  });

  test('ensure-unknown-operation-is-404', async () => {
    const res = await post('/api/constructor', {}, auth());
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });

  test('ensure-static-files-cannot-escape-the-renderer-directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const res = await request(`${server.origin}${path}`);
      const body = await res.body.text();
      expect(body, path).not.toContain('outside the renderer');
    }
  });

  test('serves the renderer with a strict content security policy', async () => {
    const res = await request(`${server.origin}/`);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe');
    await res.body.dump();
  });

  test('content-hashed bundles may be kept by the browser; the page that names them never is', async () => {
    const res = await request(`${server.origin}/assets/index-Dqf0Gayq.js`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    await res.body.dump();
    for (const path of ['/', '/index.html', '/assets/plain.js']) {
      const other = await request(`${server.origin}${path}`);
      expect(other.statusCode, path).toBe(200);
      expect(other.headers['cache-control'], path).toBe('no-store');
      await other.body.dump();
    }
    expect(cacheControlFor('/assets/index-Dqf0Gayq.js.map')).not.toBe('no-store');
    expect(cacheControlFor('/assets/../index-Dqf0Gayq.js')).toBe('no-store');
    expect(cacheControlFor('/assets/sub/index-Dqf0Gayq.js')).toBe('no-store');
  });

  test('pushes events over the authenticated event stream', async () => {
    const events = await request(`${server.origin}/api/events`, { headers: auth() });
    expect(events.statusCode).toBe(200);
    const reader = (events.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    await post('/api/saveGroup', { name: 'via bridge' }, auth()).then((r) => r.body.dump());
    let text = '';
    while (!text.includes('workspace.changed')) text += String((await reader.next()).value);
    expect(text).toContain('"type":"workspace.changed"');
    events.body.destroy();
  });
});

describe('browser-mode bridge under hostile local clients', () => {
  let small: WebServer;
  beforeAll(async () => {
    small = await startWebServer({ service, rendererDir: join(dir, 'renderer'), headersTimeoutMs: 400, requestTimeoutMs: 400, maxConnections: 4 });
  });
  afterAll(async () => {
    await small?.close();
  });

  /** A raw TCP client: resolves with what the server sent and when it closed the connection. */
  const rawClient = (send: string) =>
    new Promise<{ data: string; closedAfterMs: number }>((resolveClient) => {
      const started = Date.now();
      const socket = connect(small.port, '127.0.0.1', () => socket.write(send));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolveClient({ data, closedAfterMs: Date.now() - started }));
      setTimeout(() => socket.destroy(), 10_000);
    });

  test('ensure-client-trickling-its-headers-is-cut-off', async () => {
    const { closedAfterMs } = await rawClient(`POST /api/listWorkspace HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nX-Slow: `);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  test('ensure-unauthenticated-request-is-answered-and-closed', async () => {
    const { data, closedAfterMs } = await rawClient(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\n\r\n`);
    expect(data).toMatch(/^HTTP\/1\.1 401/);
    expect(data.toLowerCase()).toContain('connection: close');
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  test('ensure-connections-beyond-the-cap-are-refused', async () => {
    const held = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<Socket>((r) => {
        const s = connect(small.port, '127.0.0.1', () => r(s));
        s.on('error', () => undefined);
      })),
    );
    const { data, closedAfterMs } = await rawClient(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\n\r\n`);
    for (const s of held) s.destroy();
    expect(data).toBe('');
    expect(closedAfterMs).toBeLessThan(2_000);
  });
});
