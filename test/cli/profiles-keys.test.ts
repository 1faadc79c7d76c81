import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader, importJWK, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { recordingBrowser, runCli, tempHome } from './run-cli';

/** Every file under the data directory, as text, for grepping. */
function allData(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    text += statSync(path).isDirectory() ? allData(path) : readFileSync(path, 'latin1');
  }
  return text;
}

let sandbox: SandboxHandle;
const home = tempHome();
const alias = `cli-es-${process.pid}`;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await runCli(['keys', 'delete', alias], { home });
  await sandbox?.close();
});

describe('tokenbench profiles (secrets in the OS keychain)', () => {
  it('save, list, show, use and delete a client-credentials profile', async () => {
    const secret = sandbox.clients['sandbox-basic']!.client_secret!;
    const save = await runCli(['profiles', 'save', 'sb-basic', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secret, '--grant-type', 'client_credentials'], { home });
    expect(save.stderr).toContain('clientSecret in the keychain');
    expect(save.code).toBe(0);

    const list = await runCli(['profiles', 'list'], { home });
    expect(list.stdout).toMatch(/^sb-basic\tclient_credentials\tclient_secret_basic\thttp:\/\/127\.0\.0\.1:\d+$/m);
    const show = JSON.parse((await runCli(['profiles', 'show', 'sb-basic'], { home })).stdout) as { secretRefs: string[] };
    expect(show.secretRefs).toEqual(['clientSecret']);

    const token = await runCli(['token', '--profile', 'sb-basic', '--silent'], { home });
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toHaveProperty('access_token');
    // Flags override the saved profile.
    const wrong = await runCli(['token', '--profile', 'sb-basic', '--client-secret', 'nope', '--silent'], { home });
    expect(wrong.stderr).toContain('invalid_client');

    expect(allData(home)).not.toContain(secret);

    const del = await runCli(['profiles', 'delete', 'sb-basic'], { home });
    expect(del.code).toBe(0);
    expect((await runCli(['token', '--profile', 'sb-basic'], { home })).stderr).toContain('no saved profile "sb-basic"');
  });

  it('a saved authorization-code profile keeps the rotated refresh token in the keychain', async () => {
    const save = await runCli(['profiles', 'save', 'sb-code', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--scopes', 'openid,offline_access', '--auth-param', 'prompt=consent'], { home });
    expect(save.code).toBe(0);
    const browser = recordingBrowser();
    const login = runCli(['token', '--profile', 'sb-code', '--silent'], { home, env: { BROWSER: browser.command } });
    await authorizeAsUser(sandbox, await browser.nextUrl());
    const first = JSON.parse((await login).stdout) as { refresh_token: string };
    expect(first.refresh_token).toBeTruthy();

    const r1 = await runCli(['token', '--profile', 'sb-code', '--grant-type', 'refresh_token', '--silent'], { home });
    expect(r1.code).toBe(0);
    const rotated = (JSON.parse(r1.stdout) as { refresh_token: string }).refresh_token;
    expect(rotated).not.toBe(first.refresh_token);
    // The next refresh uses the rotated token; the old one would be refused.
    const r2 = await runCli(['token', '--profile', 'sb-code', '--grant-type', 'refresh_token', '--silent'], { home });
    expect(r2.code).toBe(0);
    const data = allData(home);
    expect(data).not.toContain(first.refresh_token);
    expect(data).not.toContain(rotated);
  });

  it('ensure-saving-a-profile-with-a-key-file-is-refused', async () => {
    const run = await runCli(['profiles', 'save', 'bad', sandbox.issuer, '--client-id', 'x', '--signing-key', '/tmp/key.pem'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('keystore');
  });
});

describe('tokenbench keys, assertion and --signing-key keystore:ALIAS', () => {
  it('a generated key signs private_key_jwt at a sandbox that trusts the keystore JWKS', async () => {
    const gen = await runCli(['keys', 'generate', '--alg', 'ES256', '--alias', alias], { home });
    expect(gen.code).toBe(0);
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { home })).stdout) as JSONWebKeySet;
    expect(jwks.keys.some((k) => k.alg === 'ES256' && k.use === 'sig' && !('d' in k))).toBe(true);

    const trusting = await startSandbox({ clientJwks: jwks });
    try {
      const run = await runCli(['token', trusting.issuer, '--client-id', 'sandbox-private-key-jwt', '--signing-key', `keystore:${alias}`, '--grant-type', 'client_credentials', '--silent'], { home });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    } finally {
      await trusting.close();
    }
  });

  it('assertion prints a JWT that verifies with the exported public key', async () => {
    const run = await runCli(['assertion', '--key', alias, '--iss', 'me', '--sub', 'me', '--aud', 'https://as.example/token', '--lifetime', '2m', '--claim', 'scope=read', '--claim', 'n=5'], { home });
    expect(run.code).toBe(0);
    const jwt = run.stdout.trim();
    const jwk = JSON.parse((await runCli(['keys', 'export', alias, '--format', 'jwk'], { home })).stdout) as Record<string, string>;
    const { payload } = await jwtVerify(jwt, await importJWK(jwk, 'ES256'), { issuer: 'me', audience: 'https://as.example/token' });
    expect(payload).toMatchObject({ sub: 'me', scope: 'read', n: 5 });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    expect(decodeProtectedHeader(jwt).kid).toBe(jwk.kid);
  });

  it('private key material never lands in the data directory', async () => {
    const priv = JSON.parse((await runCli(['keys', 'export', alias, '--private', '--format', 'jwk'], { home })).stdout) as { d: string };
    expect(priv.d).toBeTruthy();
    expect(allData(home)).not.toContain(priv.d);
  });
});
