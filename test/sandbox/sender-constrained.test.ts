import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { certificateThumbprint } from '../../electron/engine/binding';
import { generateDpopKey } from '../../electron/engine/dpop';
import { runFlow, type FlowDeps, type FlowProgress } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { sandboxProfile, sandboxRun } from '../engine/fixtures';

/**
 * Issue 14, token side, through the real engine against the real sandbox:
 * DPoP (nonce, cnf.jkt, dpop_jkt), certificate-bound tokens, RAR and CIBA.
 */
let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const noBrowser: FlowDeps = {
  openBrowser: async (url) => {
    throw new Error(`no browser in this test, but asked to open ${url}`);
  },
};

function userAtBrowser(): FlowDeps & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    openBrowser: async (url) => {
      opened.push(url);
      void authorizeAsUser(sandbox, url).catch(() => undefined);
    },
  };
}

const API = { resource: ['https://api.sandbox.test'], scopes: ['api:read'] };
const httpLabels = (t: Array<{ kind: string; label: string }>) => t.filter((e) => e.kind === 'http').map((e) => e.label);

describe('DPoP (RFC 9449)', () => {
  it('ensure-dpop-nonce-required-is-retried-once: the first token request is refused with use_dpop_nonce, the retry carries the nonce', async () => {
    const dpopKey = await generateDpopKey();
    const profile = sandboxProfile(sandbox, 'sandbox-dpop-nonce', 'client_credentials', { ...API, dpop: { enabled: true } });
    const result = await runFlow(await sandboxRun(sandbox, profile, { dpopKey }), noBrowser);
    expect(result.tokens.token_type).toBe('DPoP');
    const calls = result.transcript.filter((e) => e.kind === 'http' && e.label.startsWith('token request'));
    expect(calls).toHaveLength(2);
    const [first, second] = calls;
    expect(first?.kind === 'http' && first.response?.status).toBe(400);
    expect(first?.kind === 'http' && first.response?.body).toContain('use_dpop_nonce');
    const nonce = first?.kind === 'http' ? first.response?.headers['dpop-nonce'] : undefined;
    expect(nonce).toBeTruthy();
    const proof = second?.kind === 'http' ? second.request.headers.dpop : undefined;
    expect(decodeJwt(proof!).nonce).toBe(nonce);
    expect(decodeProtectedHeader(proof!)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    // The JWT access token is bound to our key, and the engine said so.
    expect((decodeJwt(result.tokens.access_token).cnf as { jkt: string }).jkt).toBe(dpopKey.thumbprint);
    expect(result.bindings?.[0]).toMatchObject({ kind: 'dpop', status: 'bound', expected: dpopKey.thumbprint });
    // The proof is in the transcript, decoded.
    const shown = result.transcript.find((e) => e.kind === 'event' && e.label === 'DPoP proof');
    expect(shown?.kind === 'event' && JSON.parse(shown.detail!).payload.htm).toBe('POST');
  });

  it('a client without a nonce requirement gets a DPoP token on the first try', async () => {
    const dpopKey = await generateDpopKey();
    const profile = sandboxProfile(sandbox, 'sandbox-dpop', 'authorization_code', { ...API, scopes: ['api:read', 'offline_access'], dpop: { enabled: true }, params: { authorization: [{ name: 'prompt', value: 'consent' }], token: [], refresh: [] } });
    const deps = userAtBrowser();
    const result = await runFlow(await sandboxRun(sandbox, profile, { dpopKey }), deps);
    // dpop_jkt binds the code to the key (RFC 9449 §10).
    expect(new URL(deps.opened[0]!).searchParams.get('dpop_jkt')).toBe(dpopKey.thumbprint);
    expect(result.tokens.token_type).toBe('DPoP');
    expect(httpLabels(result.transcript).filter((l) => l.startsWith('token request'))).toEqual(['token request']);
    expect(result.bindings?.[0]?.status).toBe('bound');
    // The DPoP-bound refresh token refreshes only with a proof from the same key.
    const refresh = sandboxProfile(sandbox, 'sandbox-dpop', 'refresh_token', { ...API, dpop: { enabled: true } });
    const again = await runFlow(await sandboxRun(sandbox, refresh, { dpopKey, refreshToken: result.tokens.refresh_token }), noBrowser);
    expect(again.tokens.token_type).toBe('DPoP');
    const other = await generateDpopKey();
    await expect(runFlow(await sandboxRun(sandbox, refresh, { dpopKey: other, refreshToken: again.tokens.refresh_token }), noBrowser)).rejects.toBeInstanceOf(ResponseBodyError);
  });

  it('ensure-dpop-required-client-without-proof-fails', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-dpop-nonce', 'client_credentials', API);
    const err = await runFlow(await sandboxRun(sandbox, profile), noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).status).toBe(400);
  });

  it('a keystore-style key (a KeyObject) signs proofs too, and its thumbprint is the RFC 7638 one', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { dpopKeyFromSigningKey } = await import('../../electron/engine/dpop');
    const key = await dpopKeyFromSigningKey({ key: privateKey, alg: 'ES256' }, 'keystore:test');
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as never));
    expect(key.publicJwk).not.toHaveProperty('d');
    const profile = sandboxProfile(sandbox, 'sandbox-dpop-nonce', 'client_credentials', { ...API, dpop: { enabled: true } });
    const result = await runFlow(await sandboxRun(sandbox, profile, { dpopKey: key }), noBrowser);
    expect((decodeJwt(result.tokens.access_token).cnf as { jkt: string }).jkt).toBe(key.thumbprint);
  });
});

describe('certificate-bound access tokens (RFC 8705)', () => {
  it('a token obtained on the mTLS alias carries cnf.x5t#S256 of the client certificate, and the engine checks it', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-mtls-bound', 'client_credentials', { ...API, certificateBoundTokens: { enabled: true } });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    const tokenCall = result.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    expect(tokenCall?.kind === 'http' && tokenCall.request.url.startsWith(sandbox.mtlsOrigin)).toBe(true);
    const expected = certificateThumbprint(sandbox.clients['sandbox-mtls-bound']!.tls!.certPem);
    expect((decodeJwt(result.tokens.access_token).cnf as Record<string, string>)['x5t#S256']).toBe(expected);
    expect(result.bindings).toEqual([expect.objectContaining({ kind: 'mtls', status: 'bound', expected })]);
  });
});

describe('Rich Authorization Requests (RFC 9396)', () => {
  const details = [{ type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '123.50' }, creditorName: 'Merchant A' }];

  it('client credentials sends authorization_details and the token response returns them', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-rar', 'client_credentials', { ...API, rar: { authorizationDetails: details } });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(result.tokens.authorization_details).toEqual(details);
    const call = result.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    expect(new URLSearchParams(call?.kind === 'http' ? call.request.body : '').get('authorization_details')).toBe(JSON.stringify(details));
  });

  it('the authorization request carries them, the user consents, the token response returns them', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-rar', 'authorization_code', { scopes: ['openid'], rar: { authorizationDetails: details } });
    const deps = userAtBrowser();
    const result = await runFlow(await sandboxRun(sandbox, profile), deps);
    expect(JSON.parse(new URL(deps.opened[0]!).searchParams.get('authorization_details')!)).toEqual(details);
    expect(result.tokens.authorization_details).toEqual(details);
  });

  it('ensure-rar-of-an-unknown-type-fails', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-rar', 'client_credentials', { ...API, rar: { authorizationDetails: [{ type: 'account_information' }] } });
    const err = await runFlow(await sandboxRun(sandbox, profile), noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_authorization_details');
  });
});

describe('CIBA poll mode', () => {
  const ciba = (extra: Record<string, unknown> = {}) =>
    sandboxProfile(sandbox, 'sandbox-ciba', 'urn:openid:params:grant-type:ciba', { scopes: ['openid', 'profile'], ciba: { loginHint: 'alice', bindingMessage: 'W4SCT', ...extra } });

  it('the user approves on the sandbox device; the poll gets tokens', async () => {
    const progress: FlowProgress[] = [];
    const run = runFlow(await sandboxRun(sandbox, ciba()), { ...noBrowser, onProgress: (p) => progress.push(p) });
    const pending = await sandbox.ciba.next();
    expect(pending).toMatchObject({ clientId: 'sandbox-ciba', accountId: 'alice', bindingMessage: 'W4SCT' });
    await sandbox.ciba.approve(pending.id);
    const result = await run;
    expect(result.tokens.id_token).toBeTruthy();
    expect(decodeJwt(result.tokens.id_token!).sub).toBe('alice');
    expect(progress.find((p) => p.kind === 'ciba')).toMatchObject({ bindingMessage: 'W4SCT', intervalSeconds: 1 });
    expect(httpLabels(result.transcript)).toContain('backchannel authentication request');
    expect(httpLabels(result.transcript).filter((l) => l === 'CIBA token poll').length).toBeGreaterThanOrEqual(1);
  });

  it('the user approves from the page the sandbox serves, matching the binding message', async () => {
    const run = runFlow(await sandboxRun(sandbox, ciba({ bindingMessage: 'PAGE-1' })), noBrowser);
    await sandbox.ciba.next();
    const list = await fetch(sandbox.ciba.pageUrl).then((r) => r.text());
    expect(list).toContain('<strong data-binding-message>PAGE-1</strong>');
    const action = /action="(\/ciba\/[^"]+\/approve)"/.exec(list)?.[1];
    expect(action).toBeTruthy();
    const answer = await fetch(`${sandbox.issuer}${action}`, { method: 'POST' });
    expect(answer.status).toBe(200);
    expect((await run).tokens.id_token).toBeTruthy();
  });

  it('ensure-ciba-denied-fails', async () => {
    const run = runFlow(await sandboxRun(sandbox, ciba()), noBrowser).catch((e: unknown) => e);
    await sandbox.ciba.deny((await sandbox.ciba.next()).id);
    const err = await run;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('AUTHORIZATION_DENIED');
  });

  it('ensure-ciba-expired-fails', async () => {
    const err = await runFlow(await sandboxRun(sandbox, ciba({ requestedExpiry: 2, bindingMessage: 'EXPIRE' })), noBrowser).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('AUTHENTICATION_EXPIRED');
    // Leave nothing waiting for the next test.
    await sandbox.ciba.deny((await sandbox.ciba.next()).id).catch(() => undefined);
  });

  it('ensure-ciba-without-a-hint-fails-before-sending', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-ciba', 'urn:openid:params:grant-type:ciba', { scopes: ['openid'] });
    const err = await runFlow(await sandboxRun(sandbox, profile), noBrowser).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('MISSING_CONFIGURATION');
  });
});
