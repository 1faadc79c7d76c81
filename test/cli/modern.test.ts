import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { runCli, tempHome } from './run-cli';

/** Issue 14 (token side) through the built CLI against the sandbox: DPoP, mTLS-bound, RAR, CIBA, registration. */
let sandbox: SandboxHandle;
let home: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  home = tempHome();
});
afterAll(async () => {
  await sandbox?.close();
});

const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;
const API = ['--resource', 'https://api.sandbox.test', '--scopes', 'api:read'];
const cc = (id: string) => ['token', sandbox.issuer, '--client-id', id, '--client-secret', secretOf(id), '--grant-type', 'client_credentials', ...API];
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

describe('tokenbench token --dpop', () => {
  it('gets a DPoP-bound token from a server that demands a nonce, retrying once, and says the binding holds', async () => {
    const run = await runCli([...cc('sandbox-dpop-nonce'), '--dpop'], { home });
    expect(run.code, run.stderr).toBe(0);
    const tokens = JSON.parse(run.stdout) as { token_type: string; access_token: string };
    expect(tokens.token_type).toBe('DPoP');
    expect(decode(tokens.access_token).cnf.jkt).toMatch(/^[\w-]{43}$/);
    expect(run.stderr).toContain('» DPoP nonce required');
    expect(run.stderr).toContain('» token request (DPoP nonce)');
    expect(run.stderr).toContain('"typ": "dpop+jwt"');
    expect(run.stderr).toMatch(/DPoP binding: bound/);
  });

  it('ensure-dpop-key-from-a-missing-keystore-alias-fails', async () => {
    const run = await runCli([...cc('sandbox-dpop-nonce'), '--dpop-key', 'keystore:no-such-key'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no-such-key/);
  });
});

describe('tokenbench token --certificate-bound-tokens', () => {
  it('obtains the token on the mTLS alias and checks cnf.x5t#S256 against the certificate', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const c = sandbox.clients['sandbox-mtls-bound']!.tls!;
    const files = tempHome();
    writeFileSync(join(files, 'c.crt'), c.certPem);
    writeFileSync(join(files, 'c.key'), c.keyPem);
    writeFileSync(join(files, 'ca.pem'), sandbox.caPem);
    const run = await runCli(
      [...cc('sandbox-mtls-bound'), '--auth-method', 'client_secret_basic', '--tls-cert', join(files, 'c.crt'), '--tls-key', join(files, 'c.key'), '--tls-root-ca', join(files, 'ca.pem'), '--certificate-bound-tokens'],
      { home },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(decode((JSON.parse(run.stdout) as { access_token: string }).access_token).cnf['x5t#S256']).toBeTruthy();
    expect(run.stderr).toMatch(/mTLS binding: bound/);
    expect(run.stderr).toContain(`POST ${sandbox.mtlsOrigin}/token`);
  });
});

describe('tokenbench token --rar', () => {
  const details = [{ type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '9.99' } }];
  it('sends authorization_details and prints them back from the token response', async () => {
    const run = await runCli([...cc('sandbox-rar'), '--rar', JSON.stringify(details), '--silent'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { authorization_details: unknown }).authorization_details).toEqual(details);
  });

  it('ensure-rar-without-type-is-refused-before-sending', async () => {
    const run = await runCli([...cc('sandbox-rar'), '--rar', '[{"instructedAmount":{}}]'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--rar: .*type/);
    expect(run.stderr).not.toContain('» token request');
  });
});

describe('tokenbench token --grant-type ciba', () => {
  it('shows the binding message, polls, and prints the tokens once the user approves', async () => {
    const running = runCli(['token', sandbox.issuer, '--client-id', 'sandbox-ciba', '--client-secret', secretOf('sandbox-ciba'), '--grant-type', 'ciba', '--scopes', 'openid', '--login-hint', 'alice', '--binding-message', 'CLI-42'], { home });
    const pending = await sandbox.ciba.next(20_000);
    expect(pending.bindingMessage).toBe('CLI-42');
    await sandbox.ciba.approve(pending.id);
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('binding message: CLI-42');
    expect(run.stderr).toContain('» CIBA token poll');
    expect(decode((JSON.parse(run.stdout) as { id_token: string }).id_token).sub).toBe('alice');
  });
});

describe('tokenbench register', () => {
  it('registers, saves a profile with its secrets in the keychain, gets a token with it, then reads, updates and deletes the registration', async () => {
    const reg = await runCli(
      ['register', sandbox.issuer, '--initial-access-token', sandbox.registration.initialAccessToken, '--grant-type', 'client_credentials', '--client-name', 'cli test', '--save', 'registered', '--silent'],
      { home },
    );
    expect(reg.code, reg.stderr).toBe(0);
    expect(reg.stderr).toBe('');
    const response = JSON.parse(reg.stdout) as Record<string, unknown>;
    expect(response.client_id).toEqual(expect.any(String));
    // Saved: the secrets are in the keychain, not on the terminal.
    expect(response.client_secret).toBe('[keychain]');
    expect(response.registration_access_token).toBe('[keychain]');

    const token = await runCli(['token', '--profile', 'registered', ...API, '--silent'], { home });
    expect(token.code, token.stderr).toBe(0);

    const read = await runCli(['register', '--read', '--profile', 'registered', '--silent'], { home });
    expect(read.code, read.stderr).toBe(0);
    expect((JSON.parse(read.stdout) as Record<string, unknown>).client_name).toBe('cli test');

    const update = await runCli(['register', '--update', '--profile', 'registered', '--metadata', '{"client_name":"renamed"}', '--silent'], { home });
    expect(update.code, update.stderr).toBe(0);
    expect((JSON.parse(update.stdout) as Record<string, unknown>).client_name).toBe('renamed');

    const del = await runCli(['register', '--delete', '--profile', 'registered'], { home });
    expect(del.code, del.stderr).toBe(0);
    const after = await runCli(['token', '--profile', 'registered', ...API], { home });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/invalid_client/);
  });

  it('without --save prints the whole response, client secret included', async () => {
    const reg = await runCli(['register', sandbox.issuer, '--initial-access-token', sandbox.registration.initialAccessToken, '--silent'], { home });
    expect(reg.code, reg.stderr).toBe(0);
    const response = JSON.parse(reg.stdout) as Record<string, unknown>;
    expect(response.client_secret).toMatch(/\S{20,}/);
    expect(response.redirect_uris).toEqual(['http://127.0.0.1/callback']);
    expect(response.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('ensure-registration-with-a-bad-initial-access-token-fails', async () => {
    const run = await runCli(['register', sandbox.issuer, '--initial-access-token', 'not-the-token', '--save', 'refused'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid_token|invalid_client_metadata|invalid/);
    expect(run.stderr).not.toContain('not-the-token');
    const list = await runCli(['profiles', 'list'], { home });
    expect(list.stdout).not.toContain('refused');
  });
});
