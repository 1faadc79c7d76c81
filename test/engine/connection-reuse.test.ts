import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscoveryCache, discoveryCache } from '../../electron/engine/discovery-cache';
import { runFlow, type FlowConfig } from '../../electron/engine/flow';
import { closeSharedConnections, networkKey } from '../../electron/engine/http';
import type { HttpExchange, TranscriptEntry } from '../../shared/transcript';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../shared/profile';

/** A minimal authorization server that counts TCP connections and discovery fetches. */
let server: Server;
let origin: string;
let connections = 0;
let discoveries = 0;
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        discoveries++;
        res.end(JSON.stringify({ issuer: origin, token_endpoint: `${origin}/token` }));
        return;
      }
      const scope = new URLSearchParams(body).get('scope') ?? '';
      // Echo the scope so each run can be matched to its own response.
      res.end(JSON.stringify({ access_token: `at-for-${scope}`, token_type: 'Bearer', expires_in: 60 }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeSharedConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(async () => {
  discoveryCache.invalidate();
  await closeSharedConnections();
  connections = 0;
  discoveries = 0;
});

const config = (extra: Partial<ConnectionProfileInput> = {}, rest: Partial<FlowConfig> = {}): FlowConfig => ({
  profile: ConnectionProfileSchema.parse({ id: 'p', name: 'p', issuer: origin, grantType: 'client_credentials', clientId: 'c', clientAuth: { method: 'client_secret_basic' }, ...extra }),
  inputs: { clientSecret: 'the-client-secret' },
  network: {},
  ...rest,
});
const run = (c: FlowConfig) => runFlow(c, { openBrowser: async () => undefined });
const http = (t: TranscriptEntry[]) => t.filter((e): e is HttpExchange => e.kind === 'http');

describe('discovery cache', () => {
  it('a second run reuses the discovered metadata and records that as an event, not as an exchange', async () => {
    const first = await run(config());
    expect(http(first.transcript).map((e) => e.label)).toEqual(['discovery', 'token request']);
    const second = await run(config());
    expect(discoveries).toBe(1);
    expect(http(second.transcript).map((e) => e.label)).toEqual(['token request']);
    const event = second.transcript.find((e) => e.kind === 'event' && e.label === 'discovery (cached)');
    expect(event).toBeTruthy();
    expect(second.metadata?.token_endpoint).toBe(`${origin}/token`);
    expect(second.endpoints.token).toBe(`${origin}/token`);
  });

  it("'refresh' fetches again and replaces the entry; 'off' fetches without caching", async () => {
    await run(config());
    const refreshed = await run(config({}, { discoveryCache: 'refresh' }));
    expect(http(refreshed.transcript).map((e) => e.label)).toEqual(['discovery', 'token request']);
    expect(discoveries).toBe(2);
    discoveryCache.invalidate();
    await run(config({}, { discoveryCache: 'off' }));
    await run(config());
    expect(discoveries).toBe(4);
  });

  it('different network settings do not share an entry', async () => {
    await run(config());
    await run(config({}, { network: { timeoutMs: 5_000, tls: { insecure: true } } }));
    expect(discoveries).toBe(2);
  });

  it('entries expire after the TTL and can be invalidated per issuer or all at once', () => {
    let now = 1_000;
    const cache = new DiscoveryCache(60_000, () => now);
    const key = networkKey({});
    cache.put('https://a.example', key, { issuer: 'https://a.example' });
    cache.put('https://b.example', key, { issuer: 'https://b.example' });
    now += 59_999;
    expect(cache.get('https://a.example', key)?.metadata.issuer).toBe('https://a.example');
    expect(cache.get('https://a.example', networkKey({ proxy: 'http://proxy.example:3128' }))).toBeUndefined();
    now += 1;
    expect(cache.get('https://a.example', key)).toBeUndefined();
    cache.put('https://a.example', key, { issuer: 'https://a.example' });
    cache.put('https://b.example', key, { issuer: 'https://b.example' });
    cache.invalidate('https://a.example');
    expect(cache.get('https://a.example', key)).toBeUndefined();
    expect(cache.get('https://b.example', key)).toBeTruthy();
    cache.invalidate();
    expect(cache.size).toBe(0);
  });

  it('a failed discovery is not cached', async () => {
    const bad = config({ issuer: `${origin}/nowhere` });
    await expect(run(bad)).rejects.toMatchObject({ code: 'DISCOVERY_FAILED' });
    await expect(run(bad)).rejects.toMatchObject({ code: 'DISCOVERY_FAILED' });
  });
});

describe('connection reuse', () => {
  const typed = { issuer: undefined, discovery: false };

  it('sequential runs share kept-alive connections, each transcript holding only its own exchange', async () => {
    const scopes = ['a', 'b', 'c', 'd', 'e', 'f'];
    const results = [];
    for (const scope of scopes) results.push(await run(config({ ...typed, endpoints: { token: `${origin}/token` }, scopes: [scope] })));
    // undici may open a second connection while the first is still being released; never one per run.
    expect(connections).toBeLessThanOrEqual(2);
    results.forEach((r, i) => {
      const exchanges = http(r.transcript);
      expect(exchanges).toHaveLength(1);
      expect(exchanges[0]?.request.body).toContain(`scope=${scopes[i]}`);
      expect(r.tokens.access_token).toBe(`at-for-${scopes[i]}`);
    });
  });

  it('concurrent runs keep their transcripts apart', async () => {
    const scopes = Array.from({ length: 8 }, (_, i) => `s${i}`);
    const results = await Promise.all(scopes.map((s) => run(config({ ...typed, endpoints: { token: `${origin}/token` }, scopes: [s] }))));
    results.forEach((r, i) => {
      const exchanges = http(r.transcript);
      expect(exchanges).toHaveLength(1);
      expect(exchanges[0]?.request.body).toContain(`scope=${scopes[i]}`);
      expect(exchanges[0]?.response?.body).toContain(`at-for-${scopes[i]}`);
    });
  });

  it('shareConnections: false opens a connection per run, and closing the shared ones is harmless', async () => {
    const c = config({ ...typed, endpoints: { token: `${origin}/token` } }, { shareConnections: false });
    await run(c);
    await run(c);
    expect(connections).toBe(2);
    await run(config({ ...typed, endpoints: { token: `${origin}/token` } }));
    expect(connections).toBe(3);
    await closeSharedConnections();
    await run(config({ ...typed, endpoints: { token: `${origin}/token` } }));
    expect(connections).toBe(4);
  });
});
