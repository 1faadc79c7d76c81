import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError } from '../../shared/errors';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { sandboxProfile, sandboxRun } from '../engine/fixtures';

/**
 * CIBA with a login_hint_token (CIBA Core §7.1) through the real engine against the sandbox, whose hint tokens are
 * JWTs the client signs with its secret naming the user as an RFC 9493 subject identifier.
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
    throw new Error(`no browser in CIBA, but asked to open ${url}`);
  },
};

const secret = () => sandbox.clients['sandbox-ciba']!.client_secret!;
function hintToken(claims: Record<string, unknown>, key = secret(), iss = 'sandbox-ciba', lifetime = '5m') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(iss).setIssuedAt().setExpirationTime(lifetime).sign(new TextEncoder().encode(key));
}
const profile = (loginHintToken: string) =>
  sandboxProfile(sandbox, 'sandbox-ciba', 'urn:openid:params:grant-type:ciba', { scopes: ['openid'], ciba: { loginHintToken, bindingMessage: 'LHT-1' } });

describe('CIBA login_hint_token', () => {
  it('the hint token names the user (sub_id email); the request reaches their device and the poll gets their tokens', async () => {
    const token = await hintToken({ sub_id: { format: 'email', email: 'alice@sandbox.test' } });
    const run = runFlow(await sandboxRun(sandbox, profile(token)), noBrowser);
    const pending = await sandbox.ciba.next();
    expect(pending).toMatchObject({ clientId: 'sandbox-ciba', accountId: 'alice', bindingMessage: 'LHT-1' });
    await sandbox.ciba.approve(pending.id);
    const result = await run;
    expect(decodeJwt(result.tokens.id_token!).sub).toBe('alice');
    const sent = result.transcript.find((e) => e.kind === 'http' && e.label === 'backchannel authentication request');
    const body = new URLSearchParams(sent?.kind === 'http' ? sent.request.body : '');
    expect(body.get('login_hint_token')).toBe(token);
    expect(body.has('login_hint')).toBe(false);
  });

  it('ensure-login-hint-token-with-bad-signature-fails', async () => {
    const forged = await hintToken({ sub_id: { format: 'opaque', id: 'alice' } }, 'not-the-client-secret-not-the-client-secret');
    const err = await runFlow(await sandboxRun(sandbox, profile(forged)), noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_request');
    expect((err as ResponseBodyError).error_description).toMatch(/login_hint_token is not valid/);
  });

  it('ensure-login-hint-token-from-another-issuer-fails', async () => {
    const other = await hintToken({ sub: 'alice' }, secret(), 'someone-else');
    const err = await runFlow(await sandboxRun(sandbox, profile(other)), noBrowser).catch((e: unknown) => e);
    expect((err as ResponseBodyError).error).toBe('invalid_request');
  });

  it('ensure-login-hint-token-for-an-unknown-user-fails', async () => {
    const token = await hintToken({ sub_id: { format: 'email', email: 'mallory@elsewhere.test' } });
    const err = await runFlow(await sandboxRun(sandbox, profile(token)), noBrowser).catch((e: unknown) => e);
    expect((err as ResponseBodyError).error).toBe('unknown_user_id');
  });

  it('ensure-two-hints-fail-before-sending', async () => {
    const token = await hintToken({ sub: 'alice' });
    const both = sandboxProfile(sandbox, 'sandbox-ciba', 'urn:openid:params:grant-type:ciba', { scopes: ['openid'], ciba: { loginHintToken: token, loginHint: 'alice' } });
    const err = await runFlow(await sandboxRun(sandbox, both), noBrowser).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/exactly one of login_hint, login_hint_token or id_token_hint/);
  });
});
