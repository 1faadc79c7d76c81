import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { LoopbackRedirectListener, MAX_FORM_POST_BYTES } from '../../electron/engine/loopback';

describe('LoopbackRedirectListener', () => {
  it('binds 127.0.0.1 on a random port with the /callback path', async () => {
    const listener = await LoopbackRedirectListener.start();
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
    await listener.close();
  });

  it('answers only GET and form POST on its path and completes on the right state', async () => {
    const listener = await LoopbackRedirectListener.start();
    const response = listener.wait({ state: 'S1', timeoutMs: 5_000 });
    const base = listener.redirectUri;
    const other = await request(base.replace('/callback', '/favicon.ico'));
    expect(other.statusCode).toBe(404);
    await other.body.dump();
    // A POST that is not a form (form_post responses are) is refused; other methods too.
    const post = await request(`${base}?state=S1&code=c`, { method: 'POST', body: '' });
    expect(post.statusCode).toBe(415);
    await post.body.dump();
    const put = await request(`${base}?state=S1&code=c`, { method: 'PUT', body: '' });
    expect(put.statusCode).toBe(405);
    await put.body.dump();
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
    for (const q of ['state=nope&code=c', 'code=c']) {
      const forged = await request(`${listener.redirectUri}?${q}`);
      expect(forged.statusCode).toBe(400);
      const page = await forged.body.text();
      expect(page).toContain('<h1>Sign-in rejected</h1>');
      expect(page).toContain('state mismatch');
    }
    const err = await failure;
    expect((err as WorkbenchError).code).toBe('TIMEOUT');
    expect((err as Error).message).toMatch(/within 1 s \(2 request\(s\) with a wrong or missing state were ignored\)$/);
  });

  it('holds a response that arrives before the flow waits, and takes it when its state is the one expected', async () => {
    const listener = await LoopbackRedirectListener.start();
    const early = await request(`${listener.redirectUri}?state=E1&code=early`);
    expect(early.statusCode).toBe(200);
    await early.body.dump();
    expect((await listener.wait({ state: 'E1', timeoutMs: 5_000 })).get('code')).toBe('early');
  });

  it('ensure-response-in-flight-when-the-sign-in-completes-gets-already-done', async () => {
    const listener = await LoopbackRedirectListener.start();
    const response = listener.wait({ state: 'D1', timeoutMs: 5_000 });
    const { port } = new URL(listener.redirectUri);
    // A form POST whose body is still arriving when another request completes the sign-in.
    const late = httpRequest({ host: '127.0.0.1', port, path: '/callback', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '20' } });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      late.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      late.on('error', reject);
    });
    late.write('state=D1&code=');
    await new Promise((r) => setTimeout(r, 50));
    const first = await request(`${listener.redirectUri}?state=D1&code=first`);
    await first.body.dump();
    expect((await response).get('code')).toBe('first');
    late.end('second');
    const { status, body } = await answered;
    expect(status).toBe(410);
    expect(body).toContain('<h1>Already done</h1>');
    expect(body).toContain('already completed');
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

  describe('form_post (issue 14)', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    it('accepts the authorization response as a form POST on its path', async () => {
      const listener = await LoopbackRedirectListener.start();
      const response = listener.wait({ state: 'P1', timeoutMs: 5_000 });
      const res = await request(listener.redirectUri, { method: 'POST', headers: form, body: 'state=P1&code=posted-code' });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      expect((await response).get('code')).toBe('posted-code');
    });

    it('ensure-form-post-with-invalid-state-is-ignored-and-the-sign-in-goes-on', async () => {
      const listener = await LoopbackRedirectListener.start();
      const response = listener.wait({ state: 'P2', timeoutMs: 5_000 });
      const res = await request(listener.redirectUri, { method: 'POST', headers: form, body: 'state=forged&code=c' });
      expect(res.statusCode).toBe(400);
      await res.body.dump();
      const real = await request(listener.redirectUri, { method: 'POST', headers: form, body: 'state=P2&code=real' });
      await real.body.dump();
      expect((await response).get('code')).toBe('real');
    });

    it('ensure-oversized-form-post-is-refused', async () => {
      const listener = await LoopbackRedirectListener.start();
      const response = listener.wait({ state: 'P3', timeoutMs: 5_000 });
      const big = `state=P3&code=${'a'.repeat(MAX_FORM_POST_BYTES)}`;
      const res = await request(listener.redirectUri, { method: 'POST', headers: form, body: big }).catch((e: unknown) => e);
      // The listener may answer 413 before the client finished sending, or cut the connection.
      if (!(res instanceof Error)) {
        const answered = res as Awaited<ReturnType<typeof request>>;
        expect(answered.statusCode).toBe(413);
        await answered.body.dump();
      }
      // Nothing was accepted: the right response afterwards still completes the wait.
      const ok = await request(listener.redirectUri, { method: 'POST', headers: form, body: 'state=P3&code=small' });
      await ok.body.dump();
      expect((await response).get('code')).toBe('small');
    });

    it('reads the state of a JARM response inside its JWT, ignoring other flows and plain forgeries', async () => {
      const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
      const listener = await LoopbackRedirectListener.start();
      const response = listener.wait({ state: 'J1', timeoutMs: 5_000, stateInResponseJwt: true });
      for (const forged of [`response=${jwt({ state: 'other' })}`, `response=${jwt({})}`, 'response=not-a-jwt', 'code=c']) {
        const res = await request(listener.redirectUri, { method: 'POST', headers: form, body: forged });
        expect(res.statusCode).toBe(400);
        await res.body.dump();
      }
      const real = jwt({ state: 'J1', code: 'c' });
      await (await request(listener.redirectUri, { method: 'POST', headers: form, body: `response=${real}` })).body.dump();
      // Only a pre-filter: the engine verifies the JWT and checks the state again.
      expect((await response).get('response')).toBe(real);
    });

    it('passes an encrypted JARM response on to the engine, which alone can read its state', async () => {
      const listener = await LoopbackRedirectListener.start();
      const response = listener.wait({ state: 'J2', timeoutMs: 5_000, stateInResponseJwt: true });
      await (await request(listener.redirectUri, { method: 'POST', headers: form, body: 'response=a.b.c.d.e' })).body.dump();
      expect((await response).get('response')).toBe('a.b.c.d.e');
    });

    it('serves a fragment relay that only its own script may run', async () => {
      const listener = await LoopbackRedirectListener.start({ fragment: true });
      const response = listener.wait({ state: 'F1', timeoutMs: 5_000 });
      const page = await request(listener.redirectUri);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).toContain("form-action 'self'");
      expect(await page.body.text()).toContain("f.method='POST'");
      const posted = await request(listener.redirectUri, { method: 'POST', headers: form, body: 'tokenbench_fragment=1&state=F1&code=from-fragment' });
      await posted.body.dump();
      const params = await response;
      expect(params.get('code')).toBe('from-fragment');
      expect(params.has('tokenbench_fragment')).toBe(false);
    });
  });
});
