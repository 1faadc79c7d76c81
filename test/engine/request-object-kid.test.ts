import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError } from '../../shared/errors';
import type { KidMode } from '../../shared/interop';
import { ConnectionProfileSchema } from '../../shared/profile';
import { resolveFlowConfig } from '../../electron/app/run-profile';
import { requestObjectKid } from '../../electron/engine/authorization-request';
import { runFlow, transcriptOfFailure } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import type { TranscriptEntry } from '../../shared/transcript';
import { authorizeAsUser } from '../support/scripted-user';
import { Keystore } from '../../electron/keystore/keystore';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';
import { sandboxProfile } from './fixtures';

/**
 * Request objects (RFC 9101) signed with keystore keys on the real keychain follow the profile's kid setting, as
 * client assertions do; the sandbox's sandbox-jar client trusts the keystore's public keys (its live jwks_uri)
 * and looks the request object's key up by that kid, so a wrong kid is refused by a real server.
 */
const REGISTERED_KID = 'registered-jar-7';
const ADMIN_KID = 'admin-console-9';

// One keystore for the file, its keys made before the first request: the provider caches a client's jwks_uri keys.
let env: KeychainEnv;
let keystore: Keystore;
let sandbox: SandboxHandle;
let jarThumbprint: string;
beforeAll(async () => {
  env = await createKeychainEnv();
  keystore = new Keystore({ dataDir: env.dataDir, secrets: env.secrets });
  // The client authenticates with "client" (kid: its thumbprint) and signs request objects with "jar" (a kid the
  // server registered); "admin" has a kid an admin console assigned.
  await keystore.generate({ alias: 'client', alg: 'ES256' });
  await keystore.generate({ alias: 'jar', alg: 'ES256' });
  await keystore.setKid('jar', REGISTERED_KID);
  await keystore.generate({ alias: 'admin', alg: 'ES256' });
  await keystore.setKid('admin', ADMIN_KID);
  jarThumbprint = await calculateJwkThumbprint((await keystore.exportPublicJwk('jar')) as JWK);
  sandbox = await startSandbox({ clientKeys: async () => (await keystore.exportJwks()) as never });
});
afterAll(async () => {
  await sandbox?.close();
  await env?.cleanup();
});

function profile(kid: KidMode, extra: { customKid?: string; requestObjectKeyAlias?: string; keyAlias?: string } = { requestObjectKeyAlias: 'jar' }) {
  return sandboxProfile(sandbox, 'sandbox-jar', 'authorization_code', {
    scopes: ['openid'],
    clientAuth: { method: 'private_key_jwt', keyAlias: extra.keyAlias ?? 'client' },
    interop: { kid, ...(extra.customKid ? { customKid: extra.customKid } : {}) },
    authorizationRequest: { requestObject: 'signed', par: 'on', ...(extra.requestObjectKeyAlias ? { requestObjectKeyAlias: extra.requestObjectKeyAlias } : {}) },
  });
}

async function run(kid: KidMode, extra?: Parameters<typeof profile>[1]) {
  const p = profile(kid, extra);
  const config = await resolveFlowConfig(p, { keystore }, { caPem: sandbox.caPem, interactionTimeoutMs: 20_000 });
  const outcome = await runFlow(config, {
    openBrowser: async (url) => {
      void authorizeAsUser(sandbox, url).catch(() => undefined);
    },
  }).catch((e: unknown) => e);
  const transcript: TranscriptEntry[] = outcome instanceof Error ? (transcriptOfFailure(outcome) ?? []) : (outcome as { transcript: TranscriptEntry[] }).transcript;
  const pushed = transcript.find((e) => e.kind === 'http' && e.label === 'pushed authorization request');
  const requestObject = pushed?.kind === 'http' ? new URLSearchParams(pushed.request.body ?? '').get('request') : null;
  return { outcome, header: requestObject ? decodeProtectedHeader(requestObject) : undefined };
}

describe('request object kid from a keystore key', () => {
  it('kid "key" (the default): the keystore key\'s own kid, and the server finds the key by it', async () => {
    const { outcome, header } = await run('key');
    expect(header).toMatchObject({ typ: 'oauth-authz-req+jwt', alg: 'ES256', kid: REGISTERED_KID });
    expect(outcome).not.toBeInstanceOf(Error);
    expect((outcome as { tokens: { id_token?: string } }).tokens.id_token).toBeTruthy();
  });

  it('ensure-request-object-with-kid-the-server-did-not-register-fails: kid "thumbprint" sends the RFC 7638 thumbprint, which the server does not know', async () => {
    const { outcome, header } = await run('thumbprint');
    expect(header?.kid).toBe(jarThumbprint);
    expect(outcome).toBeInstanceOf(ResponseBodyError);
    expect((outcome as ResponseBodyError).error).toBe('invalid_request_object');
  });

  it('kid "none": no kid header', async () => {
    const { outcome, header } = await run('none');
    expect(header).toMatchObject({ typ: 'oauth-authz-req+jwt', alg: 'ES256' });
    expect(header).not.toHaveProperty('kid');
    // Without a kid the server tries each registered key that fits the alg.
    expect(outcome).not.toBeInstanceOf(Error);
  });

  it('kid "custom" names the client-authentication key: a separate request-object key keeps its own kid', async () => {
    const clientKid = (await keystore.exportPublicJwk('client')).kid!;
    const { outcome, header } = await run('custom', { customKid: clientKid, requestObjectKeyAlias: 'jar' });
    expect(header?.kid).toBe(REGISTERED_KID);
    expect(outcome).not.toBeInstanceOf(Error);
  });

  it('kid "custom" with the client-authentication key signing the request object: the custom value', async () => {
    const { outcome, header } = await run('custom', { customKid: ADMIN_KID, keyAlias: 'admin' });
    expect(header?.kid).toBe(ADMIN_KID);
    expect(outcome).not.toBeInstanceOf(Error);
  });
});

describe('requestObjectKid', () => {
  const base = ConnectionProfileSchema.parse({ id: 'p', name: 'p', grantType: 'authorization_code', clientId: 'c', clientAuth: { method: 'private_key_jwt', keyAlias: 'a' } });
  const withKid = (kid: KidMode, requestObjectKeyAlias?: string) => ({
    ...base,
    interop: { ...base.interop, kid, customKid: 'custom-1' },
    authorizationRequest: { ...base.authorizationRequest, ...(requestObjectKeyAlias ? { requestObjectKeyAlias } : {}) },
  });
  it('follows the profile for key, thumbprint and none whatever the key', () => {
    for (const kid of ['key', 'thumbprint', 'none'] as const) {
      expect(requestObjectKid(withKid(kid))).toEqual({ kid });
      expect(requestObjectKid(withKid(kid, 'other'))).toEqual({ kid });
    }
  });
  it('uses a custom kid only for the client-authentication key', () => {
    expect(requestObjectKid(withKid('custom'))).toEqual({ kid: 'custom', customKid: 'custom-1' });
    expect(requestObjectKid(withKid('custom', 'a'))).toEqual({ kid: 'custom', customKid: 'custom-1' });
    expect(requestObjectKid(withKid('custom', 'other'))).toEqual({ kid: 'key' });
  });
});
