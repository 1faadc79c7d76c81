import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { ConnectionProfileSchema } from '../../shared/profile';
import { dpopNonceChallenge, generateDpopKey } from '../../electron/engine/dpop';
import { runFlow } from '../../electron/engine/flow';
import { FOREIGN_JKT, HOSTILE_ROUTES, startHostileServer, type HostileServer } from '../support/hostile-server';

/** DPoP against a server on loopback that lies: the engine must not take its word. */
let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostileServer();
});
afterAll(async () => {
  await hostile?.close();
});

async function dpopTokenFrom(tokenUrl: string) {
  const profile = ConnectionProfileSchema.parse({
    id: 'hostile',
    name: 'hostile',
    discovery: false,
    endpoints: { token: tokenUrl },
    grantType: 'client_credentials',
    clientId: 'client',
    clientAuth: { method: 'client_secret_basic' },
    dpop: { enabled: true },
  });
  const dpopKey = await generateDpopKey();
  return { dpopKey, outcome: await runFlow({ profile, inputs: { clientSecret: 'the-secret-value', dpopKey }, network: { timeoutMs: 5_000 } }, { openBrowser: async () => undefined }).catch((e: unknown) => e) };
}

describe('hostile DPoP servers', () => {
  it('ensure-cnf-jkt-mismatch-fails: a token bound to another key is refused with both thumbprints named', async () => {
    const { dpopKey, outcome } = await dpopTokenFrom(hostile.url(HOSTILE_ROUTES.dpopForeignJkt));
    expect(outcome).toBeInstanceOf(WorkbenchError);
    expect((outcome as WorkbenchError).code).toBe('TOKEN_BINDING_MISMATCH');
    expect((outcome as Error).message).toContain(FOREIGN_JKT);
    expect((outcome as Error).message).toContain(dpopKey.thumbprint);
  });

  it('ensure-endless-use-dpop-nonce-is-retried-only-once', async () => {
    const before = hostile.requests.length;
    const { outcome } = await dpopTokenFrom(hostile.url(HOSTILE_ROUTES.dpopNonceAlways));
    expect(outcome).toBeInstanceOf(ResponseBodyError);
    expect((outcome as ResponseBodyError).error).toBe('use_dpop_nonce');
    const sent = hostile.requests.slice(before);
    expect(sent).toHaveLength(2);
    // Each try carries a new proof; the second one the nonce the server sent first.
    const proofs = sent.map((r) => String(r.headers.dpop));
    expect(new Set(proofs).size).toBe(2);
    expect(JSON.parse(Buffer.from(proofs[1]!.split('.')[1]!, 'base64url').toString()).nonce).toBe(`nonce-${before + 1}`);
  });

  it('ensure-nonce-challenge-with-bad-characters-fails', () => {
    const res = { status: 400, headers: { 'dpop-nonce': 'bad nonce"\n' }, body: '{"error":"use_dpop_nonce"}', url: 'http://127.0.0.1/', durationMs: 1 };
    expect(() => dpopNonceChallenge(res)).toThrow(/not a valid nonce/);
  });

  it('a resource server challenge (401 WWW-Authenticate DPoP error="use_dpop_nonce") is recognised, a plain 401 is not', () => {
    const base = { status: 401, body: '', url: 'http://127.0.0.1/', durationMs: 1 };
    expect(dpopNonceChallenge({ ...base, headers: { 'dpop-nonce': 'n1', 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="nonce required"' } })).toEqual({ nonce: 'n1' });
    expect(dpopNonceChallenge({ ...base, headers: { 'dpop-nonce': 'n1', 'www-authenticate': 'Bearer error="invalid_token"' } })).toBeUndefined();
  });
});
