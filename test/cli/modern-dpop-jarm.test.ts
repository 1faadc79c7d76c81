import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { authorizeAsUser } from '../support/scripted-user';
import { recordingBrowser, runCli, tempHome } from './run-cli';

/**
 * Issue 14 leftovers through the built CLI against the sandbox: DPoP on userinfo and introspect (--dpop-key,
 * --dpop), --jarm-decryption-key on token (a key file, or a keystore key), and CIBA's --login-hint-token.
 */
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

/** Plays the user in the browser the CLI opened; the response reaches the CLI's loopback listener as a browser would deliver it. */
async function userSignsIn(url: string): Promise<void> {
  const result = await authorizeAsUser(sandbox, url, { stopBeforeFinal: true });
  if (result.method === 'POST')
    await request(result.finalUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: result.formBody }).then((r) => r.body.dump());
  else await request(result.finalUrl).then((r) => r.body.dump());
}

/** `token` through the authorization code grant, the user played at the URL the CLI opened. */
async function codeFlow(args: string[]) {
  const browser = recordingBrowser();
  const run = runCli(['token', sandbox.issuer, '--grant-type', 'authorization_code', '--scopes', 'openid', ...args], { home, env: { BROWSER: browser.command } });
  await userSignsIn(await browser.nextUrl());
  return run;
}

function otherKeyFile(): string {
  const path = join(files, 'other-dpop.pem');
  writeFileSync(path, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  return path;
}

describe('userinfo and introspect with DPoP', () => {
  let accessToken: string;
  const DPOP_CLIENT = () => ['--client-id', 'sandbox-dpop-nonce', '--client-secret', secretOf('sandbox-dpop-nonce')];

  beforeAll(async () => {
    const gen = await runCli(['keys', 'generate', '--alg', 'ES256', '--alias', 'dp'], { home });
    expect(gen.code, gen.stderr).toBe(0);
    const run = await codeFlow([...DPOP_CLIENT(), '--dpop-key', 'keystore:dp']);
    expect(run.code, run.stderr).toBe(0);
    const tokens = JSON.parse(run.stdout) as { token_type: string; access_token: string };
    expect(tokens.token_type).toBe('DPoP');
    accessToken = tokens.access_token;
  });

  it('userinfo --dpop-key keystore:ALIAS presents the DPoP-bound token with a proof of its key (nonce retried once)', async () => {
    const run = await runCli(['userinfo', sandbox.issuer, accessToken, '--dpop-key', 'keystore:dp'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { sub: string }).sub).toBe('alice');
    // The sandbox's userinfo demands a nonce: the first try is refused, the retry carries it.
    expect(run.stderr).toContain('» DPoP nonce required');
    expect(run.stderr).toContain('» userinfo (DPoP nonce)');
    expect(run.stderr).toMatch(/authorization: DPoP /i);
    expect(run.stderr).toContain('"ath"');
  });

  it('ensure-dpop-bound-token-at-userinfo-without-proof-fails', async () => {
    const run = await runCli(['userinfo', sandbox.issuer, accessToken], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
  });

  it('ensure-dpop-bound-token-at-userinfo-with-another-key-fails', async () => {
    const run = await runCli(['userinfo', sandbox.issuer, accessToken, '--dpop-key', otherKeyFile()], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid_token|invalid_dpop_proof/);
  });

  it('ensure-userinfo-dpop-with-a-fresh-key-is-refused-before-sending', async () => {
    const run = await runCli(['userinfo', sandbox.issuer, accessToken, '--dpop'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dpop-key FILE\|keystore:ALIAS/);
    expect(run.stderr).not.toContain('» userinfo');
  });

  it('introspect --dpop-key sends a proof and checks the answer\'s cnf.jkt against the key', async () => {
    const run = await runCli(['introspect', sandbox.issuer, accessToken, ...DPOP_CLIENT(), '--dpop-key', 'keystore:dp'], { home });
    expect(run.code, run.stderr).toBe(0);
    const claims = JSON.parse(run.stdout) as { active: boolean; cnf?: { jkt?: string } };
    expect(claims.active).toBe(true);
    expect(claims.cnf?.jkt).toMatch(/^[\w-]{43}$/);
    expect(run.stderr).toMatch(/DPoP binding: bound/);
    expect(run.stderr).toContain('"typ": "dpop+jwt"');
  });

  it('ensure-introspected-token-bound-to-another-key-is-reported-as-mismatch', async () => {
    const run = await runCli(['introspect', sandbox.issuer, accessToken, ...DPOP_CLIENT(), '--dpop-key', otherKeyFile()], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/DPoP binding: mismatch — the access token is bound to another DPoP key/);
  });

  it('introspect --dpop proves a fresh key and makes no binding claim about it', async () => {
    const run = await runCli(['introspect', sandbox.issuer, accessToken, ...DPOP_CLIENT(), '--dpop'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('"typ": "dpop+jwt"');
    expect(run.stderr).not.toMatch(/DPoP binding:/);
  });

  it('--help of userinfo and introspect names the DPoP flags', async () => {
    for (const command of ['userinfo', 'introspect']) {
      const run = await runCli([command, '--help'], { home });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('--dpop-key FILE|keystore:ALIAS');
      expect(run.stdout).toContain('--dpop ');
    }
  });
});

describe('token --jarm-decryption-key', () => {
  const JARM_CLIENT = () => ['--client-id', 'sandbox-jarm-encrypted', '--client-secret', secretOf('sandbox-jarm-encrypted'), '--response-mode', 'query.jwt'];
  const keyJwk = () => JSON.stringify(sandbox.clients['sandbox-jarm-encrypted']!.encryptionKey!.privateJwk);

  it('a JWK key file decrypts the encrypted JARM response, which is then verified', async () => {
    const path = join(files, 'jarm.jwk');
    writeFileSync(path, keyJwk(), { mode: 0o600 });
    const run = await codeFlow([...JARM_CLIENT(), '--jarm-decryption-key', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/authorization response \(JARM\): verified/);
    expect((JSON.parse(run.stdout) as { id_token?: string }).id_token).toBeTruthy();
  });

  it('a keystore key (keystore:ALIAS) does the same, and a saved profile keeps the alias', async () => {
    const path = join(files, 'jarm-import.jwk');
    writeFileSync(path, keyJwk(), { mode: 0o600 });
    const imported = await runCli(['keys', 'import', path, '--alias', 'jarm-enc'], { home });
    expect(imported.code, imported.stderr).toBe(0);
    const saved = await runCli(['profiles', 'save', 'jarm-profile', sandbox.issuer, ...JARM_CLIENT(), '--grant-type', 'authorization_code', '--scopes', 'openid', '--jarm-decryption-key', 'keystore:jarm-enc'], { home });
    expect(saved.code, saved.stderr).toBe(0);
    const shown = await runCli(['profiles', 'show', 'jarm-profile'], { home });
    expect(shown.stdout).toContain('"jarmDecryptionKeyAlias": "jarm-enc"');
    const browser = recordingBrowser();
    const run = runCli(['token', '--profile', 'jarm-profile', '--client-secret', secretOf('sandbox-jarm-encrypted')], { home, env: { BROWSER: browser.command } });
    await userSignsIn(await browser.nextUrl());
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/authorization response \(JARM\): verified/);
  });

  it('ensure-encrypted-jarm-response-with-the-wrong-key-file-fails', async () => {
    const wrong = join(files, 'wrong-jarm.pem');
    writeFileSync(wrong, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const run = await codeFlow([...JARM_CLIENT(), '--jarm-decryption-key', wrong]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/JARM response is not valid/);
  });

  it('--help of token names the flag', async () => {
    const run = await runCli(['token', '--help'], { home });
    expect(run.stdout).toContain('--jarm-decryption-key FILE|keystore:ALIAS');
  });
});

describe('token --grant-type ciba --login-hint-token', () => {
  it('sends the hint token (read from @FILE) instead of a login hint; the user approves and the poll gets tokens', async () => {
    const secret = secretOf('sandbox-ciba');
    const token = await new SignJWT({ sub_id: { format: 'opaque', id: 'alice' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('sandbox-ciba')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    const file = join(files, 'hint.jwt');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const run = runCli(['token', sandbox.issuer, '--client-id', 'sandbox-ciba', '--client-secret', secret, '--grant-type', 'ciba', '--scopes', 'openid', '--login-hint-token', `@${file}`, '--binding-message', 'CLI-LHT'], { home });
    const pending = await sandbox.ciba.next(20_000);
    expect(pending).toMatchObject({ accountId: 'alice', bindingMessage: 'CLI-LHT' });
    await sandbox.ciba.approve(pending.id);
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain('login_hint_token');
    expect((JSON.parse(done.stdout) as { id_token?: string }).id_token).toBeTruthy();
  });
});
