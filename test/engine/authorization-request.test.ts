import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { ConnectionProfileInput } from '../../shared/profile';
import type { SigningKey } from '../../electron/engine/assertion';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser, ScriptedUserError } from '../support/scripted-user';
import { sandboxProfile, sandboxRun } from './fixtures';

/**
 * Issue 14, authorization-request side: PAR, request objects, JARM, form_post,
 * hybrid, OIDC request parameters and FAPI 2.0 against the real sandbox, the
 * browser played by the scripted user through the real loopback listener.
 */

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/**
 * The scripted user signs in and consents; the response is then delivered as a
 * browser would: a GET for a query, the form POST for form_post, and for a
 * fragment the relay page's POST of the fragment (its script, played here).
 */
function browser(opts: { delayMs?: number } = {}): FlowDeps & { opened: string[]; done: Promise<void>[] } {
  const opened: string[] = [];
  const done: Promise<void>[] = [];
  return {
    opened,
    done,
    openBrowser: async (url) => {
      opened.push(url);
      done.push(
        (async () => {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          const result = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
          const target = new URL(result.finalUrl);
          const form = { 'content-type': 'application/x-www-form-urlencoded' };
          if (result.method === 'POST') {
            await request(result.finalUrl, { method: 'POST', headers: form, body: result.formBody }).then((r) => r.body.dump());
          } else if (target.hash) {
            const relay = await request(`${target.origin}${target.pathname}`);
            expect(await relay.body.text()).toContain("f.method='POST'");
            const body = new URLSearchParams(target.hash.slice(1));
            body.set('tokenbench_fragment', '1');
            await request(`${target.origin}${target.pathname}`, { method: 'POST', headers: form, body: body.toString() }).then((r) => r.body.dump());
          } else {
            await request(result.finalUrl).then((r) => r.body.dump());
          }
        })().catch(() => undefined),
      );
    },
  };
}

const profileFor = (clientId: string, authorizationRequest: ConnectionProfileInput['authorizationRequest'], extra: Partial<ConnectionProfileInput> = {}) =>
  sandboxProfile(sandbox, clientId, 'authorization_code', { scopes: ['openid', 'profile', 'email'], authorizationRequest, ...extra });

const exchange = (transcript: ReturnType<typeof Array.prototype.slice>, label: string) =>
  (transcript as Array<{ kind: string; label: string }>).find((e) => e.label === label) as
    | { kind: 'http'; label: string; request: { body?: string; url: string }; response?: { status: number; body: string } }
    | { kind: 'event'; label: string; detail?: string }
    | undefined;

describe('PAR (RFC 9126)', () => {
  it('pushes the request with client authentication, then opens only client_id + request_uri', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-par', { par: 'on' })), deps);
    const url = new URL(deps.opened[0]!);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const pushed = exchange(result.transcript, 'pushed authorization request');
    expect(pushed?.kind).toBe('http');
    if (pushed?.kind === 'http') {
      expect(pushed.response?.status).toBe(201);
      expect(pushed.request.body).toContain('code_challenge_method=S256');
      expect(pushed.request.body).toContain('state=');
    }
    expect(result.tokens.id_token).toBeTruthy();
    expect(result.verification?.idToken?.ok).toBe(true);
  });

  it('ensure-client-requiring-par-without-par-fails', async () => {
    const err = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-par', { par: 'off' })), browser()).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('AUTHORIZATION_DENIED');
    expect((err as WorkbenchError).message).toMatch(/invalid_request/);
  });

  it('ensure-expired-par-request-uri-fails', async () => {
    // A request object's exp bounds the request_uri's lifetime (RFC 9126 §2.2): 2 s, and the user comes back after 3.
    const profile = profileFor('sandbox-jar', { par: 'on', requestObject: 'signed', requestObjectLifetime: 2 });
    const controller = new AbortController();
    let userSaw: unknown;
    let expiresAt: string | undefined;
    const deps: FlowDeps = {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === 'browser_opened') expiresAt = p.requestUriExpiresAt;
      },
      openBrowser: async (url) => {
        void (async () => {
          await new Promise((r) => setTimeout(r, 3_000));
          // The server cannot trust a redirect_uri from an expired request: it shows its error page, and the user cancels.
          userSaw = await authorizeAsUser(sandbox, url).catch((e: unknown) => e);
          controller.abort();
        })();
      },
    };
    const err = await runFlow(await sandboxRun(sandbox, profile), deps).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('CANCELLED');
    expect(userSaw).toBeInstanceOf(ScriptedUserError);
    expect((userSaw as ScriptedUserError).status).toBe(400);
    expect((userSaw as ScriptedUserError).body).toMatch(/invalid_request_uri|request_uri is invalid, expired/);
    // The engine told the app when the pushed request would expire.
    expect(Date.parse(expiresAt!) - Date.now()).toBeLessThan(0);
  });
});

describe('OIDC request parameters', () => {
  it('sends prompt, max_age, acr_values, login_hint, ui_locales, claims; the server honours claims and max_age', async () => {
    const deps = browser();
    const claims = { id_token: { email: { essential: true } }, userinfo: { name: null } };
    const profile = profileFor('sandbox-basic', { prompt: 'login consent', maxAge: 600, acrValues: 'urn:example:loa:1', loginHint: 'alice', uiLocales: 'en-GB fr', claims });
    const result = await runFlow(await sandboxRun(sandbox, profile, { idTokenHint: undefined }), deps);
    const q = new URL(deps.opened[0]!).searchParams;
    expect(q.get('prompt')).toBe('login consent');
    expect(q.get('max_age')).toBe('600');
    expect(q.get('acr_values')).toBe('urn:example:loa:1');
    expect(q.get('login_hint')).toBe('alice');
    expect(q.get('ui_locales')).toBe('en-GB fr');
    expect(JSON.parse(q.get('claims')!)).toEqual(claims);
    const idToken = decodeJwt(result.tokens.id_token!);
    expect(typeof idToken.auth_time).toBe('number');
    expect(idToken.email).toBeTruthy();
  });

  it('ensure-invalid-claims-request-is-refused-before-sending', () => {
    expect(() => profileFor('sandbox-basic', { claims: { access_token: {} } })).toThrow(/OIDC Core §5.5/);
    expect(() => profileFor('sandbox-basic', { prompt: 'sometimes' })).toThrow(/prompt/);
  });
});

describe('response modes: form_post and JARM', () => {
  it('form_post: the loopback listener accepts the POST', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-basic', { responseMode: 'form_post' })), deps);
    expect(new URL(deps.opened[0]!).searchParams.get('response_mode')).toBe('form_post');
    expect(result.tokens.access_token).toBeTruthy();
  });

  it.each(['jwt', 'query.jwt', 'form_post.jwt', 'fragment.jwt'] as const)('JARM %s: the response JWT is verified (iss, aud, exp, signature)', async (responseMode) => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jarm', { responseMode })), deps);
    const report = result.verification?.authorizationResponse;
    expect(report?.ok).toBe(true);
    expect(report?.header?.alg).toBe('ES256');
    expect(report?.payload?.aud).toBe('sandbox-jarm');
    expect(report?.checks.find((c) => c.id === 'aud')?.status).toBe('passed');
    expect(result.tokens.id_token).toBeTruthy();
  });
});

describe('encrypted JARM', () => {
  it('a JARM response encrypted to the client is decrypted with its key, then verified', async () => {
    const client = sandbox.clients['sandbox-jarm-encrypted']!;
    const key = await importJWK(client.encryptionKey!.privateJwk, 'ECDH-ES');
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jarm-encrypted', { responseMode: 'query.jwt' }), { jarmDecryptionKey: key }), browser());
    const report = result.verification?.authorizationResponse;
    expect(report?.ok).toBe(true);
    expect(report?.checks.find((c) => c.id === 'decryption')?.status).toBe('passed');
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-encrypted-jarm-response-without-key-fails', async () => {
    const err = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jarm-encrypted', { responseMode: 'query.jwt' })), browser()).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('VERIFICATION_FAILED');
    expect((err as WorkbenchError).message).toMatch(/encrypted/);
  });
});

describe('request objects (RFC 9101)', () => {
  it('by value: a signed request object the client must send', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jar', { requestObject: 'signed' })), deps);
    const q = new URL(deps.opened[0]!).searchParams;
    expect([...q.keys()].sort()).toEqual(['client_id', 'request']);
    expect(decodeProtectedHeader(q.get('request')!).typ).toBe('oauth-authz-req+jwt');
    const claims = decodeJwt(q.get('request')!);
    expect(claims.aud).toBe(sandbox.issuer);
    expect(claims.iss).toBe('sandbox-jar');
    expect(claims.code_challenge_method).toBe('S256');
    expect(typeof claims.exp).toBe('number');
    expect(result.tokens.id_token).toBeTruthy();
  });

  it('by reference through PAR, encrypted to the server key from its JWKS', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jar', { requestObject: 'encrypted', par: 'on' })), deps);
    const pushed = exchange(result.transcript, 'pushed authorization request');
    const request = pushed?.kind === 'http' ? new URLSearchParams(pushed.request.body).get('request') : undefined;
    expect(request?.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(request!)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-request-object-signed-with-wrong-key-fails', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const client = sandbox.clients['sandbox-jar']!;
    const wrong: SigningKey = { key: privateKey, alg: 'ES256', kid: client.signingKeys!.find((k) => k.alg === 'ES256')?.kid ?? 'k' };
    const err = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-jar', { requestObject: 'signed', par: 'on' }), { requestObjectKey: wrong }), browser()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_request_object');
  });
});

describe('hybrid response type (code id_token)', () => {
  it('verifies the front-channel ID token with c_hash and s_hash, then redeems the code', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-hybrid', { responseType: 'code id_token' })), deps);
    expect(new URL(deps.opened[0]!).searchParams.get('response_type')).toBe('code id_token');
    const front = result.verification?.frontChannelIdToken;
    expect(front?.ok).toBe(true);
    expect(front?.checks.find((c) => c.id === 'c_hash')?.status).toBe('passed');
    // oidc-provider sends s_hash only under FAPI 1.0; its check is proven against a hostile server.
    expect(result.verification?.idToken?.ok).toBe(true);
  });
});

describe('FAPI 2.0 Security Profile', () => {
  it('a conforming client (mTLS, certificate-bound tokens) runs with PAR, S256 and iss checked', async () => {
    const deps = browser();
    const result = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-fapi', { fapi2: true }, { scopes: ['openid'] })), deps);
    expect(new URL(deps.opened[0]!).searchParams.has('request_uri')).toBe(true);
    expect(exchange(result.transcript, 'pushed authorization request')?.kind).toBe('http');
    expect(result.tokens.access_token).toBeTruthy();
    expect(decodeJwt(result.tokens.id_token!).iss).toBe(sandbox.issuer);
  });

  it('ensure-fapi-profile-with-weak-client-fails-before-sending', async () => {
    const deps = browser();
    const err = await runFlow(await sandboxRun(sandbox, profileFor('sandbox-basic', { fapi2: true, par: 'off' }, { pkce: 'plain' })), deps).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('FAPI_REQUIREMENT');
    const findings = (err as WorkbenchError).details?.findings as Array<{ requirement: string; side: string }>;
    expect(findings.map((f) => f.requirement).sort()).toEqual(['client_auth', 'par', 'pkce_s256', 'sender_constrained']);
    expect(deps.opened).toHaveLength(0);
  });
});
