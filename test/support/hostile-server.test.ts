import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LARGE_BYTES, HOSTILE_ROUTES, refusedPort, startHostileServer, type HostileServer } from './hostile-server';

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostileServer();
});
afterAll(async () => {
  await hostile?.close();
});

describe('hostile server', () => {
  test('serves HTML error pages, malformed JSON, redirects and OAuth errors', async () => {
    const html500 = await request(hostile.url(HOSTILE_ROUTES.html500));
    expect(html500.statusCode).toBe(500);
    expect(html500.headers['content-type']).toContain('text/html');
    await html500.body.text();

    const html200 = await request(hostile.url(HOSTILE_ROUTES.html200), { method: 'POST', body: 'grant_type=x' });
    expect(html200.statusCode).toBe(200);
    expect(await html200.body.text()).toContain('<html>');

    const malformed = await request(hostile.url(HOSTILE_ROUTES.malformedJson));
    const text = await malformed.body.text();
    expect(() => JSON.parse(text)).toThrow();

    const redirect = await request(hostile.url(HOSTILE_ROUTES.redirect));
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(hostile.url(HOSTILE_ROUTES.oauthError));
    await redirect.body.text();

    const error = await request(hostile.url(HOSTILE_ROUTES.oauthError), { method: 'POST' });
    expect(error.statusCode).toBe(400);
    expect(await error.body.json()).toMatchObject({ error: 'invalid_grant' });

    expect(hostile.requests.map((r) => r.method)).toContain('POST');
  });

  test('large bodies are as large as asked, with and without content-length', async () => {
    const announced = await request(hostile.url(HOSTILE_ROUTES.large));
    expect(Number(announced.headers['content-length'])).toBe(DEFAULT_LARGE_BYTES);
    expect((await announced.body.arrayBuffer()).byteLength).toBe(DEFAULT_LARGE_BYTES);

    const chunked = await request(hostile.url(`${HOSTILE_ROUTES.largeChunked}?bytes=200000`));
    expect(chunked.headers['content-length']).toBeUndefined();
    expect((await chunked.body.arrayBuffer()).byteLength).toBe(200_000);
  });

  test('discovery claims an issuer other than the URL it was fetched from', async () => {
    const res = await request(hostile.url(HOSTILE_ROUTES.mismatchedDiscovery));
    const doc = (await res.body.json()) as { issuer: string };
    expect(doc.issuer).toBe(hostile.claimedIssuer);
    expect(doc.issuer).not.toBe(hostile.origin);
  });

  test('slow routes hold the request and closing the server releases it', async () => {
    const own = await startHostileServer();
    const pending = request(own.url(`${HOSTILE_ROUTES.slow}?ms=600000`)).then(
      () => 'answered',
      () => 'failed',
    );
    const headersThenStall = await request(own.url(`${HOSTILE_ROUTES.slowBody}?ms=600000`));
    expect(headersThenStall.statusCode).toBe(200);
    const body = headersThenStall.body.text().then(
      () => 'answered',
      () => 'failed',
    );
    await own.close();
    expect(await pending).toBe('failed');
    expect(await body).toBe('failed');
  });

  test('refusedPort gives a port where connections are refused', async () => {
    const port = await refusedPort();
    await expect(request(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
