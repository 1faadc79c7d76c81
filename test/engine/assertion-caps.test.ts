import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewAssertion } from '../../electron/engine/assertion';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { ASSERTION_LIFETIME_HARD_CAP_SECONDS, cappedAssertionLifetime } from '../../shared/assertion-limits';
import type { HttpExchange, TranscriptEntry } from '../../shared/transcript';
import { sandboxProfile, sandboxRun, sandboxSigningKey } from './fixtures';

/**
 * Issue 11: every assertion the engine signs lives at most the profile's
 * assertion lifetime (default 5 min, hard cap 1 h), with iat/nbf now,
 * whatever its claims say — checked on what reached the real sandbox.
 */
let sandbox: SandboxHandle;
const noBrowser: FlowDeps = { openBrowser: async () => undefined };
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

function sentAssertion(transcript: TranscriptEntry[], param: string) {
  const req = transcript.find((e): e is HttpExchange => e.kind === 'http' && e.label === 'token request')!;
  const jwt = new URLSearchParams(req.request.body).get(param)!;
  // The transcript keeps header and claims and hides the signature.
  return decodeJwt(jwt.replace(/\.[^.]*$/, '.x'));
}

describe('assertion lifetime caps', () => {
  it('the hard cap is an hour and the default five minutes', () => {
    expect(cappedAssertionLifetime(undefined)).toBe(300);
    expect(cappedAssertionLifetime(86_400)).toBe(ASSERTION_LIFETIME_HARD_CAP_SECONDS);
    expect(cappedAssertionLifetime(0)).toBe(1);
    expect(cappedAssertionLifetime(120)).toBe(120);
  });

  it('ensure-custom-claims-cannot-set-exp-iat-or-nbf', () => {
    const now = new Date('2030-01-02T03:04:05Z');
    const iat = Math.floor(now.getTime() / 1000);
    const far = iat + 10 * 365 * 86_400;
    const { payload } = previewAssertion({ claims: { iss: 'a', iat: false, extra: { exp: far, iat: 1, nbf: 1 } } }, { alg: 'ES256' }, now);
    expect(payload.exp).toBe(iat + 3600);
    expect(payload).not.toHaveProperty('iat');
    expect(payload).not.toHaveProperty('nbf');
    expect(previewAssertion({ claims: { lifetimeSeconds: 10 * 365 * 86_400 } }, { alg: 'ES256' }, now).payload.exp).toBe(iat + 3600);
    // Only `tokenbench assertion` (its user types the lifetime) mints past the cap.
    expect(previewAssertion({ claims: { lifetimeSeconds: 7200 }, maxLifetimeSeconds: false }, { alg: 'ES256' }, now).payload.exp).toBe(iat + 7200);
  });

  it('ensure-jwt-bearer-claims-with-ten-year-exp-are-signed-with-the-profile-lifetime', async () => {
    const tenYears = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', JWT_BEARER, {
      jwtBearerClaims: { sub: 'svc', exp: tenYears, iat: 1, nbf: 2 },
      clientAuth: { method: 'private_key_jwt', assertionLifetime: 120 },
    });
    const key = await sandboxSigningKey(sandbox.clients['sandbox-private-key-jwt']!, 'ES256');
    const result = await runFlow(await sandboxRun(sandbox, profile, { assertionSigner: key }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
    const now = Math.floor(Date.now() / 1000);
    const grant = sentAssertion(result.transcript, 'assertion');
    expect(grant.exp! - grant.iat!).toBe(120);
    expect(grant.nbf).toBe(grant.iat);
    expect(Math.abs(grant.iat! - now)).toBeLessThan(30);
    const client = sentAssertion(result.transcript, 'client_assertion');
    expect(client.exp! - client.iat!).toBe(120);
    const note = result.transcript.find((e) => e.kind === 'event' && e.label.startsWith('JWT bearer assertion'));
    expect(note?.kind === 'event' && note.detail).toContain('iat 1 from the claims replaced by now');
  });

  it('ensure-profile-assertion-lifetime-over-an-hour-is-capped', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'client_credentials', { clientAuth: { method: 'private_key_jwt', assertionLifetime: 86_400 } });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    const client = sentAssertion(result.transcript, 'client_assertion');
    expect(client.exp! - client.iat!).toBe(3600);
    expect(result.transcript.some((e) => e.kind === 'event' && e.label === 'client assertion lifetime capped')).toBe(true);
  });

  it('a shorter exp in the claims is kept', async () => {
    const soon = Math.floor(Date.now() / 1000) + 60;
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', JWT_BEARER, { jwtBearerClaims: { sub: 'svc', exp: soon } });
    const key = await sandboxSigningKey(sandbox.clients['sandbox-private-key-jwt']!, 'ES256');
    const result = await runFlow(await sandboxRun(sandbox, profile, { assertionSigner: key }), noBrowser);
    const grant = sentAssertion(result.transcript, 'assertion');
    expect(Math.abs(grant.exp! - soon)).toBeLessThanOrEqual(2);
  });
});
