import { mkdtempSync, rmSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RedirectBroker } from '../../electron/app/redirects';
import { createAppService } from '../../electron/app/service';
import type { SecretStore } from '../../electron/secrets/secret-store';

/** Private-use URI scheme redirects (RFC 8252 §7.1) as the desktop shell delivers them. */
describe('custom-scheme redirect broker', () => {
  test('delivers the matching redirect to the waiting flow', async () => {
    const broker = new RedirectBroker();
    const waiting = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000 });
    expect(broker.deliver('com.example.app:/callback?code=abc&state=s1')).toBe(true);
    expect((await waiting).get('code')).toBe('abc');
  });

  test('ensure-custom-scheme-redirect-with-wrong-state-is-ignored', async () => {
    const broker = new RedirectBroker();
    const waiting = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000 });
    expect(broker.deliver('com.example.app:/callback?code=forged&state=forged')).toBe(false);
    expect(broker.deliver('com.example.app:/callback?code=forged')).toBe(false);
    // The forged URLs did not end the sign-in: the real redirect still completes it.
    expect(broker.deliver('com.example.app:/callback?code=real&state=s1')).toBe(true);
    expect((await waiting).get('code')).toBe('real');
  });

  test('matches the scheme case-insensitively and reads the fragment of implicit responses', async () => {
    const broker = new RedirectBroker();
    const query = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000 });
    // RFC 3986 §3.1: schemes are case-insensitive; the fragment after a query is not part of it.
    expect(broker.deliver('COM.Example.App:/callback?code=abc&state=s1#ignored')).toBe(true);
    expect((await query).get('code')).toBe('abc');
    const fragment = broker.receive('com.example.app:/callback', { state: 's2', timeoutMs: 10_000 });
    expect(broker.deliver('com.example.app:/callback#access_token=at&state=s2')).toBe(true);
    expect((await fragment).get('access_token')).toBe('at');
  });

  test('ensure-custom-scheme-wait-times-out-and-cancels', async () => {
    const broker = new RedirectBroker();
    const late = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 50 });
    await expect(late).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('com.example.app:/callback') });
    // A timed-out flow no longer takes the redirect.
    expect(broker.deliver('com.example.app:/callback?code=abc&state=s1')).toBe(false);
    const controller = new AbortController();
    controller.abort();
    await expect(broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(broker.deliver('com.example.app:/callback?code=abc&state=s1')).toBe(false);
  });

  test('ensure-redirect-for-another-uri-is-ignored', async () => {
    const broker = new RedirectBroker();
    const controller = new AbortController();
    const waiting = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000, signal: controller.signal });
    expect(broker.deliver('com.other.app:/callback?code=abc&state=s1')).toBe(false);
    expect(broker.deliver('com.example.app:/elsewhere?code=abc&state=s1')).toBe(false);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  test('says how long it waited and that the user cancelled; leaves no listener on the signal', async () => {
    const broker = new RedirectBroker();
    // 600 ms is reported rounded to whole seconds.
    await expect(broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 600 })).rejects.toMatchObject({
      message: 'no authorization response reached com.example.app:/callback within 1 s',
    });
    const controller = new AbortController();
    const waiting = broker.receive('com.example.app:/callback', { state: 's2', timeoutMs: 10_000, signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED', message: 'authorization cancelled' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Delivered: the wait ends and its abort listener is gone too.
    const kept = new AbortController();
    const delivered = broker.receive('com.example.app:/callback', { state: 's3', timeoutMs: 10_000, signal: kept.signal });
    expect(broker.deliver('com.example.app:/callback?code=abc&state=s3')).toBe(true);
    await delivered;
    expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
  });

  test('ensure-redirect-with-another-path-case-or-an-unparseable-url-is-ignored', async () => {
    const broker = new RedirectBroker();
    const controller = new AbortController();
    const waiting = broker.receive('com.example.app:/callback', { state: 's1', timeoutMs: 10_000, signal: controller.signal });
    // RFC 3986: the scheme is case-insensitive, the path is not.
    expect(broker.deliver('com.example.app:/Callback?code=abc&state=s1')).toBe(false);
    expect(broker.deliver('not a url?state=s1')).toBe(false);
    expect(broker.deliver('')).toBe(false);
    // Neither a query nor a fragment: no parameters, so no state.
    expect(broker.deliver('com.example.app:/callback')).toBe(false);
    expect(broker.deliver('COM.EXAMPLE.APP:/callback#state=s1&code=frag')).toBe(true);
    expect((await waiting).get('code')).toBe('frag');
    // The waiting flow's own redirect URI must be a URL: refused at once, not after a timeout.
    await expect(broker.receive('not a url', { state: 's1', timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'the redirect URI "not a url" is not a URL' });
  });

  test('ensure-only-private-use-schemes-are-registered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-schemes-'));
    // Only the profile store is exercised; no secret is read or written.
    const unused: SecretStore = { get: async () => undefined, set: async () => undefined, delete: async () => false, list: async () => [] };
    try {
      const service = createAppService({ dataDir, mode: 'electron', version: 'test', openBrowser: async () => undefined, secrets: unused });
      for (const [name, url] of [
        ['private', 'com.example.app:/callback'],
        ['http', 'http://127.0.0.1:8080/callback'],
        ['https', 'https://example.com/cb'],
        ['short', 'myapp:/callback'],
      ] as const) {
        await service.handlers.saveProfile({ name, grantType: 'authorization_code', clientId: 'c', redirect: { mode: 'fixed', url, registerScheme: true } } as Parameters<typeof service.handlers.saveProfile>[0]);
      }
      expect(service.customRedirectSchemes()).toEqual(['com.example.app']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('ensure-browser-mode-fails-fast-for-a-private-use-scheme-redirect', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-schemes-'));
    const unused: SecretStore = { get: async () => undefined, set: async () => undefined, delete: async () => false, list: async () => [] };
    const opened: string[] = [];
    try {
      const service = createAppService({ dataDir, mode: 'web', version: 'test', openBrowser: async (u) => void opened.push(u), secrets: unused });
      const saved = await service.handlers.saveProfile({
        name: 'custom scheme',
        grantType: 'authorization_code',
        clientId: 'c',
        discovery: false,
        clientAuth: { method: 'none' },
        endpoints: { authorization: 'http://127.0.0.1:9/authorize', token: 'http://127.0.0.1:9/token' },
        redirect: { mode: 'fixed', url: 'com.example.app:/callback' },
      } as Parameters<typeof service.handlers.saveProfile>[0]);
      const started = Date.now();
      const err = await service.handlers.getToken({ runId: 'run-web-scheme-1', profileId: saved.id }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNSUPPORTED' });
      expect((err as Error).message).toContain('only the desktop app can receive it');
      expect(Date.now() - started).toBeLessThan(5_000);
      // Nothing was opened: the user is not sent to sign in for a response nobody can receive.
      expect(opened).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
