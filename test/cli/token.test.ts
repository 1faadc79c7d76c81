import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser, enterDeviceCode } from '../support/scripted-user';
import { recordingBrowser, runCli, tempHome } from './run-cli';

let sandbox: SandboxHandle;
let home: string;
let files: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  home = tempHome();
  files = tempHome();
});
afterAll(async () => {
  await sandbox?.close();
});

const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;

/** One of the sandbox's generated private_key_jwt keys, written as a PKCS#8 PEM file. */
function sandboxKeyPem(kty: 'RSA' | 'EC'): string {
  const key = sandbox.clients['sandbox-private-key-jwt']!.signingKeys!.find((k) => k.privateJwk.kty === kty && (kty === 'RSA' || k.privateJwk.crv === 'P-256'))!;
  const pem = createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  const file = join(files, `client-${kty}.pem`);
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}

describe('tokenbench token', () => {
  it('client_credentials: exchanges on stderr (secret redacted), token response on stdout', async () => {
    const run = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secretOf('sandbox-basic'), '--grant-type', 'client_credentials'], { home });
    expect(run.code).toBe(0);
    const tokens = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(run.stderr).toContain('» token request');
    expect(run.stderr).toContain('authorization: Basic [redacted]');
    expect(run.stderr).not.toContain(secretOf('sandbox-basic'));
  });

  it('--silent prints only the token endpoint JSON', async () => {
    const run = await runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-post', '--client-secret', secretOf('sandbox-post'), '--auth-method', 'client_secret_post', '--grant-type', 'client_credentials', '--silent'],
      { home },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(Object.keys(JSON.parse(run.stdout) as object).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  });

  it('ensure-wrong-secret-exits-non-zero-with-one-line-server-error', async () => {
    const run = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', 'wrong', '--grant-type', 'client_credentials', '--silent'], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^tokenbench: invalid_client: .+\(HTTP 401\)\n$/);
  });

  it('ensure-unknown-flag-is-a-usage-error', async () => {
    const run = await runCli(['token', '--client-idd', 'x'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/client-idd/);
  });

  it('client_secret_jwt and private_key_jwt from a PEM file', async () => {
    const jwt = await runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-secret-jwt', '--client-secret', secretOf('sandbox-secret-jwt'), '--auth-method', 'client_secret_jwt', '--signing-alg', 'HS512', '--grant-type', 'client_credentials', '--silent'],
      { home },
    );
    expect(jwt.code).toBe(0);
    const pemFile = sandboxKeyPem('RSA');
    const pk = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-private-key-jwt', '--signing-key', pemFile, '--signing-alg', 'PS256', '--grant-type', 'client_credentials'], { home });
    expect(pk.stderr).toContain('client_assertion_type=urn');
    expect(pk.code).toBe(0);
  });

  it('tls_client_auth with --tls-cert, --tls-key and --tls-root-ca', async () => {
    const tls = sandbox.clients['sandbox-tls']!.tls!;
    const [cert, key, ca] = ['c.pem', 'k.pem', 'ca.pem'].map((f) => join(files, f)) as [string, string, string];
    writeFileSync(cert, tls.certPem);
    writeFileSync(key, tls.keyPem, { mode: 0o600 });
    writeFileSync(ca, sandbox.caPem);
    const run = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-tls', '--auth-method', 'tls_client_auth', '--tls-cert', cert, '--tls-key', key, '--tls-root-ca', ca, '--grant-type', 'client_credentials'], { home });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/POST https:\/\/127\.0\.0\.1:\d+\/token/);
  });

  it('password, saml2_bearer (file), jwt_bearer (claims) and token_exchange by their short names', async () => {
    const pw = await runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secretOf('sandbox-basic'), '--grant-type', 'password', '--username', 'alice', '--password', sandbox.user.password, '--silent'],
      { home },
    );
    expect(pw.code).toBe(0);
    const userToken = (JSON.parse(pw.stdout) as { access_token: string }).access_token;

    const samlFile = join(files, 'assertion.xml');
    writeFileSync(samlFile, sandbox.mintSamlAssertion({ subject: 'alice' }));
    const saml = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secretOf('sandbox-basic'), '--grant-type', 'saml2_bearer', '--assertion', samlFile, '--silent'], { home });
    expect(saml.code).toBe(0);

    const pem = sandboxKeyPem('EC');
    const jwtBearer = await runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-private-key-jwt', '--signing-key', pem, '--grant-type', 'jwt_bearer', '--assertion', '{"sub":"batch-job"}', '--silent'],
      { home },
    );
    expect(jwtBearer.stderr).toBe('');
    expect(jwtBearer.code).toBe(0);

    const exchange = await runCli(
      ['token', sandbox.issuer, '--client-id', 'sandbox-post', '--client-secret', secretOf('sandbox-post'), '--auth-method', 'client_secret_post', '--grant-type', 'token_exchange', '--subject-token', userToken, '--subject-token-type', 'access_token', '--silent'],
      { home },
    );
    expect(exchange.code).toBe(0);
    expect(JSON.parse(exchange.stdout)).toHaveProperty('issued_token_type');
  });

  it('authorization_code: opens $BROWSER, listens on loopback, prints ID and refresh tokens', async () => {
    const browser = recordingBrowser();
    const run = runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--scopes', 'openid,offline_access', '--auth-param', 'prompt=consent'], {
      home,
      env: { BROWSER: browser.command },
    });
    await authorizeAsUser(sandbox, await browser.nextUrl());
    const done = await run;
    expect(done.code).toBe(0);
    const tokens = JSON.parse(done.stdout) as Record<string, string>;
    expect(tokens.id_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    expect(done.stderr).toContain('Waiting for you to sign in');
  });

  it('device_code: shows the user code and polls', async () => {
    const browser = recordingBrowser();
    const run = runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'device_code', '--scopes', 'openid'], { home, env: { BROWSER: browser.command } });
    await enterDeviceCode(sandbox, { verificationUriComplete: await browser.nextUrl() });
    const done = await run;
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/Enter the code \S+ at http/);
  });

  it('ensure-refused-port-gives-a-clear-error', async () => {
    const run = await runCli(['token', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'x', '--client-secret', 'y', '--grant-type', 'client_credentials', '--silent'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/connection refused/);
  });
});
