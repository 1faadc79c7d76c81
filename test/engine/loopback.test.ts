import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { LoopbackRedirectListener } from '../../electron/engine/loopback';

describe('LoopbackRedirectListener', () => {
  it('binds 127.0.0.1 on a random port with the /callback path', async () => {
    const listener = await LoopbackRedirectListener.start();
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
    await listener.close();
  });

  it('answers only GET on its path and completes on the right state', async () => {
    const listener = await LoopbackRedirectListener.start();
    const response = listener.wait({ state: 'S1', timeoutMs: 5_000 });
    const base = listener.redirectUri;
    const other = await request(base.replace('/callback', '/favicon.ico'));
    expect(other.statusCode).toBe(404);
    await other.body.dump();
    const post = await request(`${base}?state=S1&code=c`, { method: 'POST', body: '' });
    expect(post.statusCode).toBe(405);
    await post.body.dump();
    const ok = await request(`${base}?state=S1&code=the-code`);
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toContain('You can close this tab');
    expect((await response).get('code')).toBe('the-code');
    // Closed after the first valid response.
    expect(await request(`${base}?state=S1&code=again`).catch((e: unknown) => e)).toBeInstanceOf(Error);
  });

  it('ensure-response-without-state-is-ignored-and-the-sign-in-goes-on', async () => {
    const listener = await LoopbackRedirectListener.start();
    const response = listener.wait({ state: 'S2', timeoutMs: 5_000 });
    const forged = await request(`${listener.redirectUri}?code=c`);
    expect(forged.statusCode).toBe(400);
    await forged.body.dump();
    // Another local process cannot end the sign-in: the real response still completes it.
    const real = await request(`${listener.redirectUri}?state=S2&code=real`);
    await real.body.dump();
    expect((await response).get('code')).toBe('real');
  });

  it('ensure-response-with-wrong-state-is-ignored-and-the-sign-in-goes-on', async () => {
    const listener = await LoopbackRedirectListener.start();
    // Arriving before the flow says which state it expects: held, then dropped for the wrong state.
    const early = await request(`${listener.redirectUri}?state=forged&error=access_denied`);
    await early.body.dump();
    const response = listener.wait({ state: 'S4', timeoutMs: 5_000 });
    const forged = await request(`${listener.redirectUri}?state=forged&error=access_denied`);
    expect(forged.statusCode).toBe(400);
    await forged.body.dump();
    const real = await request(`${listener.redirectUri}?state=S4&code=real`);
    await real.body.dump();
    expect((await response).get('code')).toBe('real');
  });

  it('ensure-only-forged-responses-end-in-a-timeout-that-says-so', async () => {
    const listener = await LoopbackRedirectListener.start();
    const failure = listener.wait({ state: 'S5', timeoutMs: 800 }).catch((e: unknown) => e);
    const forged = await request(`${listener.redirectUri}?state=nope&code=c`);
    await forged.body.dump();
    const err = await failure;
    expect((err as WorkbenchError).code).toBe('TIMEOUT');
    expect((err as Error).message).toContain('1 request(s) with a wrong or missing state were ignored');
  });

  it('escapes what the server sent when showing an error page', async () => {
    const listener = await LoopbackRedirectListener.start();
    const response = listener.wait({ state: 'S3', timeoutMs: 5_000 });
    const res = await request(`${listener.redirectUri}?state=S3&error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}`);
    const page = await res.body.text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;script&#62;');
    expect((await response).get('error')).toBe('access_denied');
  });

  it('ensure-fixed-port-in-use-is-reported', async () => {
    const first = await LoopbackRedirectListener.start();
    const port = new URL(first.redirectUri).port;
    const err = await LoopbackRedirectListener.start({ fixedRedirectUri: `http://localhost:${port}/cb` }).catch((e: unknown) => e);
    await first.close();
    expect((err as WorkbenchError).code).toBe('LOOPBACK_FAILED');
    expect((err as Error).message).toContain('in use');
  });

  it('ensure-non-loopback-fixed-redirect-is-refused', async () => {
    const err = await LoopbackRedirectListener.start({ fixedRedirectUri: 'http://example.com:8080/callback' }).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('INVALID_INPUT');
  });
});
