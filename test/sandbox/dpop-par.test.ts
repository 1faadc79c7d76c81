import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError } from '../../shared/errors';
import type { TranscriptEntry } from '../../shared/transcript';
import { generateDpopKey, type DpopKey } from '../../electron/engine/dpop';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { sandboxProfile, sandboxRun } from '../engine/fixtures';

/**
 * DPoP on the pushed authorization request (RFC 9449 §10.1), through the real engine against the real sandbox
 * (oidc-provider reads the proof on its PAR endpoint and binds the code to the proof's key).
 */
let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const API = { resource: ['https://api.sandbox.test'], scopes: ['api:read'] };
type HttpEntry = Extract<TranscriptEntry, { kind: 'http' }>;
const httpCalls = (t: TranscriptEntry[], prefix: string) => t.filter((e): e is HttpEntry => e.kind === 'http' && e.label.startsWith(prefix));

/** The scripted user signs in and consents; the redirect reaches the run's loopback listener. */
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

async function expectProofFor(request: HttpEntry['request'], key: DpopKey, nonce?: string) {
  const proof = request.headers.dpop;
  expect(proof, `a DPoP header on ${request.url}`).toBeTruthy();
  const header = decodeProtectedHeader(proof!);
  expect(header.typ).toBe('dpop+jwt');
  expect(await calculateJwkThumbprint(header.jwk as JWK)).toBe(key.thumbprint);
  const claims = decodeJwt(proof!);
  expect(claims).toMatchObject({ htm: 'POST', htu: request.url.split('?')[0] });
  if (nonce) expect(claims.nonce).toBe(nonce);
}

describe('DPoP proof on the PAR request (RFC 9449 §10.1)', () => {
  it('the pushed request carries a proof of the run\'s key, and the code it yields is redeemed with that key', async () => {
    const dpopKey = await generateDpopKey();
    const profile = sandboxProfile(sandbox, 'sandbox-dpop', 'authorization_code', { ...API, dpop: { enabled: true }, authorizationRequest: { par: 'on' } });
    const deps = userAtBrowser();
    const result = await runFlow(await sandboxRun(sandbox, profile, { dpopKey }), deps);
    const [pushed] = httpCalls(result.transcript, 'pushed authorization request');
    expect(pushed?.response?.status).toBe(201);
    await expectProofFor(pushed!.request, dpopKey);
    // The browser gets only client_id and request_uri: the binding travelled with the pushed request.
    expect([...new URL(deps.opened[0]!).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(result.tokens.token_type).toBe('DPoP');
    expect(result.bindings?.[0]).toMatchObject({ kind: 'dpop', status: 'bound', expected: dpopKey.thumbprint });
  });

  it('a client that must use a DPoP nonce: the PAR request is refused with use_dpop_nonce once, retried with the nonce', async () => {
    const dpopKey = await generateDpopKey();
    const profile = sandboxProfile(sandbox, 'sandbox-dpop-nonce', 'authorization_code', { ...API, dpop: { enabled: true }, authorizationRequest: { par: 'on' } });
    const result = await runFlow(await sandboxRun(sandbox, profile, { dpopKey }), userAtBrowser());
    const pushes = httpCalls(result.transcript, 'pushed authorization request');
    expect(pushes.map((e) => e.response?.status)).toEqual([400, 201]);
    expect(pushes[0]!.response?.body).toContain('use_dpop_nonce');
    const nonce = pushes[0]!.response?.headers['dpop-nonce'];
    expect(nonce).toBeTruthy();
    await expectProofFor(pushes[1]!.request, dpopKey, nonce);
    // Two proofs, two jti: a retried proof is never replayed.
    expect(decodeJwt(pushes[0]!.request.headers.dpop!).jti).not.toBe(decodeJwt(pushes[1]!.request.headers.dpop!).jti);
    expect(result.tokens.token_type).toBe('DPoP');
  });

  it('ensure-code-bound-by-dpop-on-par-redeemed-with-another-key-fails', async () => {
    const dpopKey = await generateDpopKey();
    const profile = sandboxProfile(sandbox, 'sandbox-dpop', 'authorization_code', { ...API, dpop: { enabled: true }, authorizationRequest: { par: 'on' } });
    // The token request proves another key than the PAR request did: the engine is given a second key mid-run.
    const other = await generateDpopKey();
    const config = await sandboxRun(sandbox, profile, { dpopKey });
    const deps = userAtBrowser();
    const swap: FlowDeps = {
      ...deps,
      openBrowser: async (url) => {
        // After PAR, before the token request: the proofs from now on come from `other`.
        Object.assign(dpopKey, { privateKey: other.privateKey, publicJwk: other.publicJwk, thumbprint: other.thumbprint });
        await deps.openBrowser(url);
      },
    };
    const err = await runFlow(config, swap).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });
});
