import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/errors';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../shared/profile';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { oidcHash } from '../../electron/inspector/oidc-hash';
import { startHostileAuthorizationServer, type HostileAuthorizationServer } from '../support/hostile-authorization-server';

/**
 * Forged authorization responses (issue 14): JARM JWTs and hybrid ID tokens a
 * hostile server sends, delivered through the real loopback listener. Each must
 * fail before the code is redeemed.
 */

let as: HostileAuthorizationServer;
beforeAll(async () => {
  as = await startHostileAuthorizationServer();
});
afterAll(async () => {
  await as?.close();
});

const CLIENT = 'victim-client';

function profile(authorizationRequest: ConnectionProfileInput['authorizationRequest']) {
  return ConnectionProfileSchema.parse({
    id: 'hostile',
    name: 'hostile',
    issuer: as.issuer,
    grantType: 'authorization_code',
    clientId: CLIENT,
    clientAuth: { method: 'none' },
    scopes: ['openid'],
    authorizationRequest,
  });
}

interface Sent {
  state: string;
  nonce: string;
  redirectUri: string;
}

/** Reads what the engine asked for, and delivers the response a test forges — as a GET query, or as the fragment relay's POST. */
function forge(make: (sent: Sent) => Promise<{ params: Record<string, string>; as: 'query' | 'fragment' }>): FlowDeps {
  return {
    openBrowser: async (url) => {
      const q = new URL(url).searchParams;
      const sent = { state: q.get('state')!, nonce: q.get('nonce')!, redirectUri: q.get('redirect_uri')! };
      void (async () => {
        const { params, as: via } = await make(sent);
        const body = new URLSearchParams(params);
        if (via === 'query') await request(`${sent.redirectUri}?${body}`).then((r) => r.body.dump());
        else {
          body.set('tokenbench_fragment', '1');
          await request(sent.redirectUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() }).then((r) => r.body.dump());
        }
      })().catch(() => undefined);
    },
  };
}

const run = (authorizationRequest: ConnectionProfileInput['authorizationRequest'], deps: FlowDeps, interactionTimeoutMs = 10_000) =>
  runFlow({ profile: profile(authorizationRequest), inputs: {}, network: {}, interactionTimeoutMs, discoveryCache: 'off' }, deps).then(
    () => {
      throw new Error('the forged response was accepted');
    },
    (e: unknown) => e as WorkbenchError,
  );

const now = () => Math.floor(Date.now() / 1000);
const jarmClaims = (sent: Sent, extra: Record<string, unknown> = {}) => ({ iss: as.issuer, aud: CLIENT, exp: now() + 300, code: 'forged-code', state: sent.state, ...extra });

describe('JARM responses from a hostile server', () => {
  it('ensure-jarm-response-with-bad-signature-fails', async () => {
    const before = as.requests.filter((p) => p === '/token').length;
    const err = await run({ responseMode: 'query.jwt' }, forge(async (sent) => ({ params: { response: await as.signWithRogueKey(jarmClaims(sent)) }, as: 'query' })));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/signature/);
    expect(as.requests.filter((p) => p === '/token').length).toBe(before);
  });

  it('ensure-jarm-response-with-wrong-aud-fails', async () => {
    const err = await run({ responseMode: 'jwt' }, forge(async (sent) => ({ params: { response: await as.signWithPublishedKey(jarmClaims(sent, { aud: 'another-client' })) }, as: 'query' })));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/aud/);
  });

  it('ensure-jarm-response-with-wrong-iss-fails', async () => {
    const err = await run({ responseMode: 'query.jwt' }, forge(async (sent) => ({ params: { response: await as.signWithPublishedKey(jarmClaims(sent, { iss: 'https://mix-up.example' })) }, as: 'query' })));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/iss/);
  });

  it('ensure-jarm-response-without-exp-fails', async () => {
    const err = await run({ responseMode: 'query.jwt' }, forge(async (sent) => ({ params: { response: await as.signWithPublishedKey(jarmClaims(sent, { exp: undefined })) }, as: 'query' })));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/exp/);
  });

  it('ensure-jarm-response-with-invalid-state-is-ignored', async () => {
    // Its state (inside the JWT) is not this flow's: the listener ignores it and the run waits for the real one.
    const err = await run(
      { responseMode: 'fragment.jwt' },
      forge(async (sent) => ({ params: { response: await as.signWithPublishedKey(jarmClaims(sent, { state: 'another-state' })) }, as: 'fragment' })),
      2_000,
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/1 request\(s\) with a wrong or missing state were ignored/);
  });
});

describe('hybrid responses from a hostile server', () => {
  const idToken = (sent: Sent, extra: Record<string, unknown>) =>
    as.signWithPublishedKey({ iss: as.issuer, aud: CLIENT, sub: 'alice', iat: now(), exp: now() + 300, nonce: sent.nonce, ...extra });

  it('ensure-hybrid-id-token-with-wrong-c_hash-fails', async () => {
    const err = await run(
      { responseType: 'code id_token' },
      forge(async (sent) => ({ params: { code: 'real-code', state: sent.state, id_token: await idToken(sent, { c_hash: oidcHash('another-code', 'ES256') }) }, as: 'fragment' })),
    );
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/c_hash/);
  });

  it('ensure-hybrid-id-token-without-c_hash-fails', async () => {
    const err = await run({ responseType: 'code id_token' }, forge(async (sent) => ({ params: { code: 'real-code', state: sent.state, id_token: await idToken(sent, {}) }, as: 'fragment' })));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/c_hash/);
  });

  it('ensure-hybrid-id-token-with-wrong-s_hash-fails', async () => {
    const err = await run(
      { responseType: 'code id_token' },
      forge(async (sent) => ({
        params: { code: 'real-code', state: sent.state, id_token: await idToken(sent, { c_hash: oidcHash('real-code', 'ES256'), s_hash: oidcHash('another-state', 'ES256') }) },
        as: 'fragment',
      })),
    );
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(/s_hash/);
  });

  it('a hybrid ID token whose hashes match is accepted, and only then is the code redeemed', async () => {
    const before = as.requests.filter((p) => p === '/token').length;
    const err = await run(
      { responseType: 'code id_token' },
      forge(async (sent) => ({
        params: { code: 'real-code', state: sent.state, id_token: await idToken(sent, { c_hash: oidcHash('real-code', 'ES256'), s_hash: oidcHash(sent.state, 'ES256') }) },
        as: 'fragment',
      })),
    );
    // The hostile token endpoint refuses every code: reaching it proves the front channel passed.
    expect(as.requests.filter((p) => p === '/token').length).toBe(before + 1);
    expect((err as unknown as { error?: string }).error).toBe('invalid_grant');
  });
});

describe('PAR required by the server metadata', () => {
  it('pushes automatically when the metadata says require_pushed_authorization_requests', async () => {
    const strict = await startHostileAuthorizationServer({ requirePar: true });
    try {
      let opened = '';
      const profile = ConnectionProfileSchema.parse({ id: 'p', name: 'p', issuer: strict.issuer, grantType: 'authorization_code', clientId: CLIENT, clientAuth: { method: 'none' } });
      const controller = new AbortController();
      const err = await runFlow(
        { profile, inputs: {}, network: {}, interactionTimeoutMs: 5_000, discoveryCache: 'off' },
        {
          signal: controller.signal,
          openBrowser: async (url) => {
            opened = url;
            controller.abort();
          },
        },
      ).then(
        () => undefined,
        (e: unknown) => e as WorkbenchError,
      );
      expect(err?.code).toBe('CANCELLED');
      expect(strict.requests).toContain('/par');
      expect([...new URL(opened).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);

      const off = ConnectionProfileSchema.parse({ ...profile, authorizationRequest: { par: 'off' } });
      const refused = await runFlow({ profile: off, inputs: {}, network: {}, discoveryCache: 'off' }, { openBrowser: async () => undefined }).then(
        () => undefined,
        (e: unknown) => e as WorkbenchError,
      );
      expect(refused?.code).toBe('MISSING_CONFIGURATION');
      expect(refused?.message).toMatch(/requires pushed authorization requests/);
    } finally {
      await strict.close();
    }
  });
});
