import { decodeJwt } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { runFlow, type FlowDeps, type FlowProgress } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser, enterDeviceCode } from '../support/scripted-user';
import { sandboxProfile, sandboxRun } from './fixtures';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** The browser is the scripted sandbox user: it signs in, consents and lands on our loopback listener. */
function userAtBrowser(options: Parameters<typeof authorizeAsUser>[2] = {}): FlowDeps & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    openBrowser: async (url) => {
      opened.push(url);
      // Like a real browser, the user acts after the app has moved on.
      void authorizeAsUser(sandbox, url, options).catch(() => undefined);
    },
  };
}

describe('authorization code flow through the loopback listener', () => {
  it('public client with PKCE S256 gets access, ID and refresh tokens', async () => {
    const deps = userAtBrowser();
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid', 'profile', 'offline_access'], params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] } });
    const result = await runFlow(await sandboxRun(sandbox, profile), deps);
    const url = new URL(deps.opened[0]!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')).toHaveLength(43);
    expect(result.tokens.id_token).toBeTruthy();
    expect(result.tokens.refresh_token).toBeTruthy();
    expect(decodeJwt(result.tokens.id_token!).nonce).toBe(result.nonce);
    // The engine verified the ID token against the issuer's JWKS, nonce included.
    const report = result.verification?.idToken;
    expect(report?.ok).toBe(true);
    expect(report?.checks.find((c) => c.id === 'nonce')?.status).toBe('passed');
    expect(report?.checks.find((c) => c.id === 'signature')?.status).toBe('passed');
    // The body of the token request keeps no verifier.
    const tokenRequest = result.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    expect(tokenRequest?.kind === 'http' && tokenRequest.request.body).toContain('code_verifier=[redacted]');
  });

  it.each(['sandbox-basic', 'sandbox-post', 'sandbox-secret-jwt', 'sandbox-private-key-jwt', 'sandbox-tls', 'sandbox-self-signed-tls'])(
    'confidential client %s completes the flow and refreshes with rotation',
    async (clientId) => {
      const profile = sandboxProfile(sandbox, clientId, 'authorization_code', { scopes: ['openid', 'offline_access'], params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] } });
      const first = await runFlow(await sandboxRun(sandbox, profile), userAtBrowser());
      expect(first.tokens.refresh_token).toBeTruthy();
      const refresh = sandboxProfile(sandbox, clientId, 'refresh_token');
      const second = await runFlow(await sandboxRun(sandbox, refresh, { refreshToken: first.tokens.refresh_token }), { openBrowser: async () => undefined });
      expect(second.tokens.access_token).not.toBe(first.tokens.access_token);
      expect(second.tokens.refresh_token).toBeTruthy();
      expect(second.tokens.refresh_token).not.toBe(first.tokens.refresh_token);
      const reuse = await runFlow(await sandboxRun(sandbox, refresh, { refreshToken: first.tokens.refresh_token }), { openBrowser: async () => undefined }).catch((e: unknown) => e);
      expect((reuse as ResponseBodyError).error).toBe('invalid_grant');
    },
  );

  it('confidential client without PKCE', async () => {
    const deps = userAtBrowser();
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'authorization_code', { pkce: 'off', scopes: ['openid'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), deps);
    expect(new URL(deps.opened[0]!).searchParams.has('code_challenge')).toBe(false);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('PKCE plain is sent as asked (the sandbox, like most servers, accepts only S256)', async () => {
    const deps = userAtBrowser();
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'authorization_code', { pkce: 'plain', scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), deps).catch((e: unknown) => e);
    const url = new URL(deps.opened[0]!);
    expect(url.searchParams.get('code_challenge_method')).toBe('plain');
    expect(url.searchParams.get('code_challenge')).toHaveLength(43);
    expect((err as WorkbenchError).code).toBe('AUTHORIZATION_DENIED');
    expect((err as WorkbenchError).message).toMatch(/invalid_request/);
  });

  it('fixed registered redirect URI http://localhost:8080/callback', async () => {
    const deps = userAtBrowser();
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'], redirect: { mode: 'fixed', url: 'http://localhost:8080/callback' } });
    const result = await runFlow(await sandboxRun(sandbox, profile), deps);
    expect(new URL(deps.opened[0]!).searchParams.get('redirect_uri')).toBe('http://localhost:8080/callback');
    expect(result.tokens.id_token).toBeTruthy();
  });

  it('implicit flow (legacy) relays the fragment to the listener', async () => {
    const relay: FlowDeps = {
      openBrowser: async (url) => {
        void (async () => {
          const { finalUrl } = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
          // A browser does not send the fragment: it loads the page, whose script posts it back as a form.
          const target = new URL(finalUrl);
          const page = await request(`${target.origin}${target.pathname}`);
          expect(await page.body.text()).toContain("f.method='POST'");
          const body = new URLSearchParams(target.hash.slice(1));
          body.set('tokenbench_fragment', '1');
          await request(`${target.origin}${target.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() }).then((r) => r.body.dump());
        })().catch(() => undefined);
      },
    };
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'implicit', { scopes: ['openid'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), relay);
    expect(result.tokens.access_token).toBeTruthy();
    expect(decodeJwt(result.tokens.id_token!).nonce).toBe(result.nonce);
  });

  it('ensure-authorization-response-with-invalid-state-is-ignored-and-the-real-one-completes', async () => {
    const forgedStatus: number[] = [];
    const tamper: FlowDeps = {
      openBrowser: async (url) => {
        void (async () => {
          const { finalUrl } = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
          const forged = new URL(finalUrl);
          forged.searchParams.set('state', 'attacker-state');
          const res = await request(forged.toString());
          forgedStatus.push(res.statusCode);
          await res.body.dump();
          // The forged response did not end the sign-in: the browser's real one still lands.
          await request(finalUrl).then((r) => r.body.dump());
        })().catch(() => undefined);
      },
    };
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), tamper);
    expect(forgedStatus).toEqual([400]);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-authorization-code-flow-with-nonce-mismatch-fails', async () => {
    const tamper: FlowDeps = {
      openBrowser: async (url) => {
        // The ID token will carry the nonce of a request the flow did not send.
        const forged = new URL(url);
        expect(forged.searchParams.get('nonce')).toBeTruthy();
        forged.searchParams.set('nonce', 'attacker-nonce');
        void authorizeAsUser(sandbox, forged.toString()).catch(() => undefined);
      },
    };
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), tamper).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as Error).message).toMatch(/nonce/i);
  });

  it('ensure-authorization-response-with-wrong-iss-fails', async () => {
    const tamper: FlowDeps = {
      openBrowser: async (url) => {
        void (async () => {
          const { finalUrl } = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
          const forged = new URL(finalUrl);
          forged.searchParams.set('iss', 'https://evil.example');
          await request(forged.toString()).then((r) => r.body.dump());
        })().catch(() => undefined);
      },
    };
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), tamper).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('ISS_MISMATCH');
  });

  it('ensure-user-denial-is-reported', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'], params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] } });
    const err = await runFlow(await sandboxRun(sandbox, profile), userAtBrowser({ deny: true })).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('AUTHORIZATION_DENIED');
    expect((err as WorkbenchError).message).toContain('access_denied');
  });

  it('ensure-reused-authorization-code-fails', async () => {
    let code = '';
    let redirect = '';
    const capture: FlowDeps = {
      openBrowser: async (url) => {
        void (async () => {
          const { finalUrl } = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
          code = new URL(finalUrl).searchParams.get('code') ?? '';
          redirect = finalUrl;
          await request(finalUrl).then((r) => r.body.dump());
        })().catch(() => undefined);
      },
    };
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'authorization_code', { pkce: 'off', scopes: ['openid'] });
    await runFlow(await sandboxRun(sandbox, profile), capture);
    expect(code).toBeTruthy();
    // The same code again, straight at the token endpoint: consumed codes are rejected.
    const { authorizationCodeGrantRequest, processTokenResponse } = await import('../../electron/engine/token-endpoint');
    const { ClientSecretBasic } = await import('../../electron/engine/client-auth');
    const { HttpClient } = await import('../../electron/engine/http');
    const http = new HttpClient();
    const tokenEndpoint = `${sandbox.issuer}/token`;
    const req = await authorizationCodeGrantRequest(
      { clientId: 'sandbox-basic', endpoint: tokenEndpoint },
      ClientSecretBasic(sandbox.clients['sandbox-basic']!.client_secret!),
      { code, redirectUri: redirect.split('?')[0]! },
    );
    const err = await http.send(req, { label: 'replay' }).then((res) => processTokenResponse(res, { grantType: 'authorization_code' })).catch((e: unknown) => e);
    await http.close();
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });

  it('ensure-flow-times-out-when-the-user-never-returns', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const config = { ...(await sandboxRun(sandbox, profile)), interactionTimeoutMs: 300 };
    const err = await runFlow(config, { openBrowser: async () => undefined }).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('TIMEOUT');
  });

  it('cancel stops waiting and closes the listener', async () => {
    const controller = new AbortController();
    let redirectUri = '';
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const run = runFlow(await sandboxRun(sandbox, profile), {
      openBrowser: async () => undefined,
      onProgress: (p) => {
        if (p.kind === 'waiting_for_redirect') {
          redirectUri = p.redirectUri;
          controller.abort();
        }
      },
      signal: controller.signal,
    });
    const err = await run.catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('CANCELLED');
    const after = await request(redirectUri).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(Error);
  });
});

describe('device authorization grant (RFC 8628)', () => {
  it('shows the code, opens verification_uri_complete and polls until the user approves', async () => {
    const progress: FlowProgress[] = [];
    const opened: string[] = [];
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'urn:ietf:params:oauth:grant-type:device_code', { scopes: ['openid', 'offline_access'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), {
      onProgress: (p) => progress.push(p),
      openBrowser: async (url) => {
        opened.push(url);
        void enterDeviceCode(sandbox, { verificationUriComplete: url }).catch(() => undefined);
      },
    });
    const shown = progress.find((p) => p.kind === 'device_code');
    expect(shown?.kind === 'device_code' && opened[0]).toBe(shown?.kind === 'device_code' ? shown.verificationUriComplete : undefined);
    expect(result.tokens.id_token).toBeTruthy();
    expect(progress.some((p) => p.kind === 'polling')).toBe(true);
  });

  it('a confidential client with the user typing the code', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'urn:ietf:params:oauth:grant-type:device_code', { scopes: ['openid'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), {
      onProgress: (p) => {
        if (p.kind === 'device_code') void enterDeviceCode(sandbox, { verificationUri: p.verificationUri, userCode: p.userCode }).catch(() => undefined);
      },
      openBrowser: async () => undefined,
    });
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-device-flow-denied-by-user-fails', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'urn:ietf:params:oauth:grant-type:device_code', { scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), {
      openBrowser: async (url) => {
        void enterDeviceCode(sandbox, { verificationUriComplete: url }, { deny: true }).catch(() => undefined);
      },
    }).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('AUTHORIZATION_DENIED');
  });

  it('cancel stops polling', async () => {
    const controller = new AbortController();
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'urn:ietf:params:oauth:grant-type:device_code', { scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), {
      openBrowser: async () => undefined,
      onProgress: (p) => {
        if (p.kind === 'device_code') setTimeout(() => controller.abort(), 50);
      },
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('CANCELLED');
  });
});
