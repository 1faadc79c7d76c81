import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runFlow } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { ResponseBodyError } from '../../shared/errors';
import { sandboxProfile } from '../engine/fixtures';

/**
 * The private_key_jwt client trusts keys from a live source (the keystore in the app and the CLI): a key
 * added after the sandbox started signs accepted assertions at once, one removed stops working, and a
 * refused assertion's invalid_client names the usual causes.
 */
let sandbox: SandboxHandle;
const live: JSONWebKeySet = { keys: [] };

beforeAll(async () => {
  sandbox = await startSandbox({ clientKeys: async () => live });
});
afterAll(async () => sandbox?.close());

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { signingKey: { key: privateKey, alg: 'ES256', kid }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const profile = () => sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'client_credentials');
const run = (signingKey: Awaited<ReturnType<typeof newKey>>['signingKey']) => runFlow({ profile: profile(), inputs: { signingKey }, network: {} }, { openBrowser: async () => undefined });

test('a key added to the live source after start is trusted on the next request, without a restart', async () => {
  const first = await newKey('live-1');
  // Not yet in the source: refused, with a hint at the usual causes.
  const refused = await run(first.signingKey).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ResponseBodyError);
  expect((refused as ResponseBodyError).error).toBe('invalid_client');
  expect(((refused as ResponseBodyError).details?.hints as string[]).join('\n')).toMatch(/not registered.*kid.*audience \(aud/s);

  live.keys.push(first.publicJwk);
  const ok = await run(first.signingKey);
  expect(ok.tokens.access_token).toBeTruthy();

  // A second key added later works as well (the provider's own 60 s cache does not hold the old set).
  const second = await newKey('live-2');
  live.keys.push(second.publicJwk);
  expect((await run(second.signingKey)).tokens.access_token).toBeTruthy();
});

test('ensure-assertion-signed-with-a-removed-key-fails', async () => {
  const gone = await newKey('removed');
  live.keys.push(gone.publicJwk);
  expect((await run(gone.signingKey)).tokens.access_token).toBeTruthy();
  live.keys = live.keys.filter((k) => k.kid !== 'removed');
  const refused = await run(gone.signingKey).catch((e: unknown) => e);
  expect((refused as ResponseBodyError).error).toBe('invalid_client');
});

test('the served jwks_uri holds the live keys and is not cached', async () => {
  const res = await fetch(`${sandbox.issuer}/sandbox/clients/sandbox-private-key-jwt/jwks`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as JSONWebKeySet;
  expect(body.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['live-1', 'live-2']));
  expect(JSON.stringify(body)).not.toMatch(/"d"\s*:/);
});
