import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { recordingBrowser, runCli, tempHome } from './run-cli';

/** `tokenbench token` with PAR, request objects, JARM, hybrid, OIDC parameters and FAPI 2.0 (issue 14). */

let sandbox: SandboxHandle;
let home: string;
let keyFile: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  home = tempHome();
  const key = sandbox.clients['sandbox-jar']!.signingKeys!.find((k) => k.privateJwk.kty === 'EC' && k.privateJwk.crv === 'P-256')!;
  keyFile = join(tempHome(), 'jar-client.pem');
  writeFileSync(keyFile, createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
});
afterAll(async () => {
  await sandbox?.close();
});

const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;

/** Plays the user in the browser the CLI opened, and delivers the response as a browser would (fragment: the relay page's POST). */
async function userSignsIn(url: string): Promise<void> {
  const result = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const target = new URL(result.finalUrl);
  if (result.method === 'POST') await request(result.finalUrl, { method: 'POST', headers: form, body: result.formBody }).then((r) => r.body.dump());
  else if (target.hash) {
    const body = new URLSearchParams(target.hash.slice(1));
    body.set('tokenbench_fragment', '1');
    await request(`${target.origin}${target.pathname}`, { method: 'POST', headers: form, body: body.toString() }).then((r) => r.body.dump());
  } else await request(result.finalUrl).then((r) => r.body.dump());
}

describe('tokenbench token: authorization request features', () => {
  it('--par --request-object --signing-key FILE --response-mode form_post.jwt', async () => {
    const browser = recordingBrowser();
    const run = runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-jar', '--signing-key', keyFile, '--grant-type', 'authorization_code', '--scopes', 'openid', '--par', '--request-object', '--response-mode', 'form_post.jwt'],
      { home, env: { BROWSER: browser.command } },
    );
    const url = new URL(await browser.nextUrl());
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    await userSignsIn(url.href);
    const done = await run;
    expect(done.stderr).toContain('» pushed authorization request');
    expect(done.stderr).toMatch(/authorization response \(JARM\): verified/);
    expect(done.code).toBe(0);
    expect((JSON.parse(done.stdout) as Record<string, string>).id_token).toBeTruthy();
  });

  it('--response-types "code id_token" (hybrid) verifies the front-channel ID token', async () => {
    const browser = recordingBrowser();
    const run = runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-hybrid', '--client-secret', secretOf('sandbox-hybrid'), '--grant-type', 'authorization_code', '--scopes', 'openid', '--response-types', 'code,id_token'],
      { home, env: { BROWSER: browser.command } },
    );
    const url = await browser.nextUrl();
    expect(new URL(url).searchParams.get('response_type')).toBe('code id_token');
    await userSignsIn(url);
    const done = await run;
    expect(done.stderr).toMatch(/front-channel ID token: verified/);
    expect(done.code).toBe(0);
  });

  it('OIDC request parameters as flags', async () => {
    const browser = recordingBrowser();
    const claims = '{"id_token":{"email":{"essential":true}}}';
    const run = runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--scopes', 'openid', '--prompt', 'login,consent', '--max-age', '60', '--acr-values', 'loa1', '--login-hint', 'alice', '--claims', claims, '--silent'],
      { home, env: { BROWSER: browser.command } },
    );
    const url = await browser.nextUrl();
    const q = new URL(url).searchParams;
    expect(q.get('prompt')).toBe('login consent');
    expect(q.get('max_age')).toBe('60');
    expect(q.get('acr_values')).toBe('loa1');
    expect(q.get('login_hint')).toBe('alice');
    expect(q.get('claims')).toBe(claims);
    await userSignsIn(url);
    expect((await run).code).toBe(0);
  });

  it('ensure-fapi2-with-client-secret-fails-before-sending', async () => {
    const run = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secretOf('sandbox-basic'), '--grant-type', 'authorization_code', '--fapi2'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/FAPI 2\.0 Security Profile: .*client authentication "client_secret_basic" is not allowed/);
    expect(run.stderr).toMatch(/sender-constrained/);
    expect(run.stderr).not.toContain('» pushed authorization request');
  });

  it('ensure-bad-claims-and-response-mode-are-refused', async () => {
    const claims = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--claims', '{"access_token":{}}'], { home });
    expect(claims.code).not.toBe(0);
    expect(claims.stderr).toMatch(/claims/);
    const mode = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--response-mode', 'post'], { home });
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--response-mode/);
  });

  it('saved profiles hold the authorization request settings', async () => {
    const save = await runCli(
      ['profiles', 'save', 'fapi-bank', sandbox.issuer, '--client-id', 'sandbox-jar', '--signing-key', 'keystore:bank', '--grant-type', 'authorization_code', '--par', '--request-object', '--response-mode', 'jwt', '--prompt', 'consent', '--max-age', '300', '--fapi2'],
      { home },
    );
    expect(save.code).toBe(0);
    const stored = JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')) as unknown;
    const text = JSON.stringify(stored);
    expect(text).toContain('"authorizationRequest"');
    const profile = (JSON.stringify(stored).match(/"authorizationRequest":(\{[^}]*\})/) ?? [])[1];
    expect(JSON.parse(profile!)).toMatchObject({ par: 'on', requestObject: 'signed', responseMode: 'jwt', prompt: 'consent', maxAge: 300, fapi2: true });
  });
});
