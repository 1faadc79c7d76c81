import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { recordingBrowser, runCli, tempHome } from './run-cli';

let sandbox: SandboxHandle;
const home = tempHome();
let tokens: { access_token: string; id_token: string; refresh_token: string };
let jwtAccessToken: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const browser = recordingBrowser();
  const run = runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--scopes', 'openid,profile,offline_access', '--auth-param', 'prompt=consent'], {
    home,
    env: { BROWSER: browser.command },
  });
  await authorizeAsUser(sandbox, await browser.nextUrl());
  const done = await run;
  expect(done.stderr).toMatch(/ID token: verified/);
  tokens = JSON.parse(done.stdout) as typeof tokens;
  const rs = await runCli(
    ['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', sandbox.clients['sandbox-basic']!.client_secret!, '--grant-type', 'client_credentials', '--resource', sandbox.resourceServer.resource, '--silent'],
    { home },
  );
  jwtAccessToken = (JSON.parse(rs.stdout) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sandbox?.close();
});

describe('tokenbench decode and verify', () => {
  it('decode prints header and payload', async () => {
    const run = await runCli(['decode', '-'], { home, stdin: tokens.id_token });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { header: { alg: string }; payload: { iss: string } };
    expect(out.header.alg).toBeTruthy();
    expect(out.payload.iss).toBe(sandbox.issuer);
  });

  it('ensure-decode-of-garbage-exits-2-with-a-precise-message', async () => {
    const run = await runCli(['decode', 'eyJhbGciOiJIUzI1NiJ9.e+30.x'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tokenbench: .*standard base64.*\[TOKEN_MALFORMED\]\n$/);
  });

  it('verify an ID token through discovery: every check passes, exit 0', async () => {
    const run = await runCli(['verify', tokens.id_token, '--issuer', sandbox.issuer, '--client-id', 'sandbox-public', '--id-token'], { home });
    expect(run.stdout).toMatch(/✓ .*signature/i);
    expect(run.stdout).toMatch(/^valid: /m);
    expect(run.code).toBe(0);
  });

  it('ensure-verify-with-wrong-audience-exits-1', async () => {
    const run = await runCli(['verify', tokens.id_token, '--issuer', sandbox.issuer, '--audience', 'someone-else', '--json'], { home });
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(false);
  });

  it('ensure-verify-of-a-tampered-token-exits-1', async () => {
    const [h, p, s] = tokens.id_token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    const run = await runCli(['verify', flipped, '--issuer', sandbox.issuer, '--client-id', 'sandbox-public'], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/NOT VALID/);
  });

  it('verify a JWT access token with --jwks', async () => {
    const run = await runCli(['verify', jwtAccessToken, '--jwks', `${sandbox.issuer}/jwks`, '--issuer', sandbox.issuer, '--audience', sandbox.resourceServer.resource, '--access-token'], { home });
    expect(run.code).toBe(0);
  });
});

describe('tokenbench introspect, userinfo, revoke, logout-url', () => {
  it('introspect with a resource server\'s Basic credentials', async () => {
    const rs = sandbox.resourceServer;
    const run = await runCli(['introspect', sandbox.issuer, tokens.access_token, '--resource-server-id', rs.client_id, '--resource-server-secret', rs.client_secret, '--silent'], { home });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ active: true });
  });

  it('a token that starts with a dash is a token, not an option (one in 64 base64url tokens does)', async () => {
    const rs = sandbox.resourceServer;
    const run = await runCli(['introspect', sandbox.issuer, '-7unknownTokenValue', '--resource-server-id', rs.client_id, '--resource-server-secret', rs.client_secret, '--silent'], { home });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ active: false });
  });

  it('userinfo checks sub against the ID token', async () => {
    const run = await runCli(['userinfo', sandbox.issuer, tokens.access_token, '--id-token', tokens.id_token, '--silent'], { home });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sub: 'alice' });
  });

  it('revoke the refresh token, then refreshing with it fails', async () => {
    const run = await runCli(['revoke', sandbox.issuer, tokens.refresh_token, '--client-id', 'sandbox-public', '--token-type-hint', 'refresh_token'], { home });
    expect(run.stderr).toContain('revoked');
    expect(run.code).toBe(0);
    const refresh = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'refresh_token', '--refresh-token', tokens.refresh_token, '--silent'], { home });
    expect(refresh.code).toBe(1);
    expect(refresh.stderr).toContain('invalid_grant');
  });

  it('logout-url builds the end-session URL from discovery', async () => {
    const run = await runCli(['logout-url', sandbox.issuer, '--id-token-hint', tokens.id_token, '--post-logout-redirect-uri', 'http://127.0.0.1/logged-out', '--state', 'xyz'], { home });
    expect(run.code).toBe(0);
    const url = new URL(run.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.issuer}/session/end`);
    expect(url.searchParams.get('state')).toBe('xyz');
    expect(url.searchParams.get('id_token_hint')).toBe(tokens.id_token);
  });
});
