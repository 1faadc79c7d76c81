import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { ConnectionProfileSchema } from '../../shared/profile';
import { runFlow, type FlowProgress } from '../../electron/engine/flow';
import { clampPollInterval, DEVICE_CODE_MAX_LIFETIME_SECONDS, DEVICE_POLL_INTERVAL_SECONDS } from '../../electron/engine/device';

/** A device authorization server that sends absurd timing, and counts the polls it gets. */
let server: Server;
let origin: string;
let polls = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/device') {
      // 2^32 s (over 2^31 ms as a timeout) and an expiry of thousands of years.
      res.end(JSON.stringify({ device_code: 'dc', user_code: 'UC', verification_uri: `${origin}/verify`, expires_in: 1e11, interval: 2 ** 32 }));
      return;
    }
    polls++;
    res.statusCode = 400;
    res.end(JSON.stringify({ error: 'authorization_pending' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('device flow timing from the server is bounded', () => {
  it('clamps intervals', () => {
    expect(clampPollInterval(2 ** 32)).toBe(DEVICE_POLL_INTERVAL_SECONDS.max);
    expect(clampPollInterval(Infinity)).toBe(DEVICE_POLL_INTERVAL_SECONDS.max);
    expect(clampPollInterval(0)).toBe(DEVICE_POLL_INTERVAL_SECONDS.min);
    expect(clampPollInterval(-3)).toBe(DEVICE_POLL_INTERVAL_SECONDS.min);
    expect(clampPollInterval(Number.NaN)).toBe(DEVICE_POLL_INTERVAL_SECONDS.default);
    expect(clampPollInterval(undefined)).toBe(DEVICE_POLL_INTERVAL_SECONDS.default);
    expect(clampPollInterval(7)).toBe(7);
  });

  it('ensure-huge-device-interval-does-not-busy-loop', async () => {
    const profile = ConnectionProfileSchema.parse({
      id: 'device',
      name: 'device',
      discovery: false,
      endpoints: { token: `${origin}/token`, device_authorization: `${origin}/device` },
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      clientId: 'client',
      clientAuth: { method: 'none' },
    });
    const controller = new AbortController();
    const progress: FlowProgress[] = [];
    const started = Date.now();
    const run = runFlow({ profile, inputs: {}, network: { timeoutMs: 5_000 } }, { openBrowser: async () => undefined, signal: controller.signal, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 2_000));
    controller.abort();
    const err = await run;
    expect((err as WorkbenchError).code).toBe('CANCELLED');
    // The interval was clamped to at most a minute: no poll in the first two seconds, let alone thousands.
    expect(polls).toBe(0);
    const shown = progress.find((p) => p.kind === 'device_code');
    expect(shown).toBeDefined();
    const expiresAt = Date.parse((shown as { expiresAt: string }).expiresAt);
    expect(expiresAt - started).toBeLessThanOrEqual(DEVICE_CODE_MAX_LIFETIME_SECONDS * 1000 + 5_000);
  });
});
