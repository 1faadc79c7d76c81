import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startLoopbackListener } from '../support/loopback-listener';
import { basicAuth, postForm, tokenRequest } from '../support/sandbox-requests';
import { CookieJar } from '../support/cookie-jar';
import { authorizeAsUser } from '../support/scripted-user';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(params: Record<string, string>): string {
  const url = new URL('/auth', sandbox.issuer);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

describe('authorization code flow with the scripted user', () => {
  test('public client with PKCE S256 gets a code on a random loopback port and redeems it', async () => {
    const loopback = await startLoopbackListener('/callback');
    try {
      const { verifier, challenge } = pkcePair();
      const state = randomBytes(8).toString('hex');
      const nonce = randomBytes(8).toString('hex');
      const result = await authorizeAsUser(
        sandbox,
        authorizationUrl({
          client_id: 'sandbox-public',
          response_type: 'code',
          redirect_uri: loopback.redirectUri,
          scope: 'openid profile email offline_access',
          state,
          nonce,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          prompt: 'consent',
        }),
      );
      expect(result.status).toBe(200);
      const received = await loopback.received;
      expect(received.url.pathname).toBe('/callback');
      expect(received.url.searchParams.get('state')).toBe(state);
      expect(received.url.searchParams.get('iss')).toBe(sandbox.issuer);
      const code = received.url.searchParams.get('code');
      expect(code).toBeTruthy();

      const tokens = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, {
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: loopback.redirectUri,
        code_verifier: verifier,
      });
      expect(tokens.status).toBe(200);
      expect(tokens.json.token_type).toBe('Bearer');
      expect(typeof tokens.json.refresh_token).toBe('string');
      const idToken = decodeJwt(String(tokens.json.id_token));
      expect(idToken.sub).toBe('alice');
      expect(idToken.nonce).toBe(nonce);
      expect(idToken.aud).toBe('sandbox-public');

      const userinfo = await request(`${sandbox.issuer}/me`, { headers: { authorization: `Bearer ${String(tokens.json.access_token)}` } });
      expect(userinfo.statusCode).toBe(200);
      expect(await userinfo.body.json()).toMatchObject({ sub: 'alice', email: 'alice@sandbox.test', name: 'Alice Sandbox' });
    } finally {
      await loopback.close();
    }
  });

  test('ensure-code-redemption-with-wrong-code-verifier-fails', async () => {
    const { challenge } = pkcePair();
    const redirectUri = 'http://127.0.0.1:9/callback';
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({ client_id: 'sandbox-public', response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }),
      { stopBeforeFinal: true },
    );
    const code = new URL(result.finalUrl).searchParams.get('code')!;
    const tokens = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: pkcePair().verifier,
    });
    expect(tokens.status).toBe(400);
    expect(tokens.json.error).toBe('invalid_grant');
  });

  test('ensure-public-client-without-pkce-is-refused', async () => {
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({ client_id: 'sandbox-public', response_type: 'code', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid' }),
      { stopBeforeFinal: true },
    );
    const params = new URL(result.finalUrl).searchParams;
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/);
  });

  test('plain PKCE is not offered: oidc-provider implements S256 only', async () => {
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({
        client_id: 'sandbox-public',
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:9/callback',
        scope: 'openid',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      }),
      { stopBeforeFinal: true },
    );
    expect(new URL(result.finalUrl).searchParams.get('error')).toBe('invalid_request');
  });

  test('confidential client without PKCE is accepted, and refresh tokens rotate', async () => {
    const client = sandbox.clients['sandbox-basic']!;
    const redirectUri = 'http://localhost:8080/callback';
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({ client_id: client.client_id, response_type: 'code', redirect_uri: redirectUri, scope: 'openid offline_access', prompt: 'consent' }),
      { stopBeforeFinal: true },
    );
    const code = new URL(result.finalUrl).searchParams.get('code')!;
    const first = await tokenRequest(sandbox, client, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(first.status).toBe(200);
    const refreshToken = String(first.json.refresh_token);

    const second = await tokenRequest(sandbox, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).toBeTruthy();
    expect(second.json.refresh_token).not.toBe(refreshToken);

    // The rotated-out refresh token is spent.
    const replay = await tokenRequest(sandbox, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
  });

  test('the user pressing Deny sends access_denied back to the client', async () => {
    const { challenge } = pkcePair();
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({
        client_id: 'sandbox-public',
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:9/callback',
        scope: 'openid',
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { stopBeforeFinal: true, deny: true },
    );
    const params = new URL(result.finalUrl).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('xyz');
  });

  test('ensure-login-with-wrong-password-is-refused', async () => {
    const { challenge } = pkcePair();
    await expect(
      authorizeAsUser(
        sandbox,
        authorizationUrl({ client_id: 'sandbox-public', response_type: 'code', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }),
        { password: 'not-the-password', stopBeforeFinal: true },
      ),
    ).rejects.toThrow(/sign-in was refused/);
  });

  test('ensure-unregistered-redirect-uri-is-refused', async () => {
    const res = await request(
      authorizationUrl({ client_id: 'sandbox-public', response_type: 'code', redirect_uri: 'http://127.0.0.1:9/elsewhere', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }),
    );
    const body = await res.body.text();
    expect(res.statusCode).toBe(400);
    expect(body).toContain('redirect_uri did not match');
  });

  test('private-use scheme redirect is handed back without being requested', async () => {
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({
        client_id: 'sandbox-public',
        response_type: 'code',
        redirect_uri: 'com.tokenworkbench.sandbox:/callback',
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      }),
      { stopBeforeFinal: true },
    );
    expect(result.finalUrl.startsWith('com.tokenworkbench.sandbox:/callback?')).toBe(true);
  });

  test('implicit id_token token response arrives in the fragment', async () => {
    const nonce = randomBytes(8).toString('hex');
    const result = await authorizeAsUser(
      sandbox,
      authorizationUrl({ client_id: 'sandbox-public', response_type: 'id_token token', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid', nonce }),
      { stopBeforeFinal: true },
    );
    const fragment = new URLSearchParams(new URL(result.finalUrl).hash.slice(1));
    expect(fragment.get('access_token')).toBeTruthy();
    expect(decodeJwt(fragment.get('id_token')!).nonce).toBe(nonce);
  });

  test('introspection by the resource server and revocation by the client', async () => {
    const client = sandbox.clients['sandbox-basic']!;
    const issued = await tokenRequest(sandbox, client, { grant_type: 'client_credentials' });
    const token = String(issued.json.access_token);
    const rs = sandbox.resourceServer;
    const introspect = () => postForm(`${sandbox.issuer}/token/introspection`, { token }, { headers: { authorization: basicAuth(rs.client_id, rs.client_secret) } });

    const active = await introspect();
    expect(active.json).toMatchObject({ active: true, client_id: client.client_id });

    const revoked = await postForm(`${sandbox.issuer}/token/revocation`, { token }, { headers: { authorization: basicAuth(client.client_id, client.client_secret!) } });
    expect(revoked.status).toBe(200);
    expect((await introspect()).json).toEqual({ active: false });
  });

  test('ensure-login-page-escapes-the-echoed-username', async () => {
    const jar = new CookieJar();
    const start = await request(
      authorizationUrl({ client_id: 'sandbox-public', response_type: 'code', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }),
    );
    await start.body.text();
    const interactionUrl = new URL(String(start.headers.location), sandbox.issuer).href;
    jar.store(start.headers['set-cookie'], interactionUrl);
    const hostile = '"><script>alert(1)</script>';
    const res = await request(`${interactionUrl}/login`, {
      method: 'POST',
      headers: { cookie: jar.header(interactionUrl) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: hostile, password: 'x' }).toString(),
    });
    const body = await res.body.text();
    expect(res.statusCode).toBe(401);
    expect(body).not.toContain('<script>');
    expect(body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('the JWKS endpoint publishes public keys only', async () => {
    const res = await request(`${sandbox.issuer}/jwks`);
    const { keys } = (await res.body.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key[member]).toBeUndefined();
  });
});
