import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { runCli, tempHome } from './run-cli';

/**
 * The CLI side of the Inspector (issue 12, item 14): `decrypt`, `verify --decryption-key`, the
 * one-line verdict, and `--help` on every command and subcommand.
 */
let sandbox: SandboxHandle;
const home = tempHome();
let accessToken: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const rs = await runCli(
    ['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', sandbox.clients['sandbox-basic']!.client_secret!, '--grant-type', 'client_credentials', '--resource', sandbox.resourceServer.resource, '--silent'],
    { home },
  );
  expect(rs.code, rs.stderr).toBe(0);
  accessToken = (JSON.parse(rs.stdout) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sandbox?.close();
});

const encryptTo = async (jwk: JWK, plaintext: string, alg = 'RSA-OAEP-256') =>
  new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg, enc: 'A256GCM', cty: 'JWT' }).encrypt(await importJWK(jwk, alg));

describe('tokenbench decrypt and verify --decryption-key', () => {
  it('verify of a valid JWT prints the verdict once: "valid: every applicable check passed"', async () => {
    const run = await runCli(['verify', accessToken, '--issuer', sandbox.issuer, '--audience', sandbox.resourceServer.resource, '--access-token'], { home });
    expect(run.code, run.stdout).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1);
    expect(last).toBe('valid: every applicable check passed');
    expect(run.stdout).not.toMatch(/valid: valid/);
  });

  it('decrypts a JWE with a keystore key, and verify --decryption-key keystore:ALIAS checks the nested JWT', async () => {
    expect((await runCli(['keys', 'generate', '--alg', 'RS256', '--alias', 'enc-key'], { home })).code).toBe(0);
    const jwk = JSON.parse((await runCli(['keys', 'export', 'enc-key', '--format', 'jwk'], { home })).stdout) as JWK;
    const jwe = await encryptTo(jwk, accessToken);

    const decrypted = await runCli(['decrypt', jwe, '--keystore', 'enc-key'], { home });
    expect(decrypted.code, decrypted.stderr).toBe(0);
    expect(decrypted.stdout.trim()).toBe(accessToken);
    expect(decrypted.stderr).toMatch(/RSA-OAEP-256 \/ A256GCM.*nested JWT/);

    const json = await runCli(['decrypt', '-', '--keystore', 'enc-key', '--json'], { home, stdin: jwe });
    expect(JSON.parse(json.stdout)).toMatchObject({ header: { alg: 'RSA-OAEP-256' }, plaintext: accessToken, nested: { format: 'jws' } });

    const verified = await runCli(['verify', jwe, '--decryption-key', 'keystore:enc-key', '--issuer', sandbox.issuer, '--audience', sandbox.resourceServer.resource, '--access-token'], { home });
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout.match(/valid: every applicable check passed/g)).toHaveLength(1);
  });

  it('decrypts with a PEM private key file (--key)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = join(home, 'decryption-key.pem');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const jwe = await encryptTo(publicKey.export({ format: 'jwk' }) as JWK, accessToken, 'ECDH-ES+A256KW');
    const run = await runCli(['decrypt', jwe, '--key', file], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(accessToken);
  });

  it('ensure-decrypt-with-the-wrong-key-fails-with-a-clear-message', async () => {
    expect((await runCli(['keys', 'generate', '--alg', 'RS256', '--alias', 'other-key'], { home })).code).toBe(0);
    const jwk = JSON.parse((await runCli(['keys', 'export', 'enc-key', '--format', 'jwk'], { home })).stdout) as JWK;
    const run = await runCli(['decrypt', await encryptTo(jwk, accessToken), '--keystore', 'other-key'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/decryption failed .*wrong key.*\[DECRYPTION_FAILED\]/);
  });

  it('ensure-decrypt-without-a-key-is-a-usage-error', async () => {
    const run = await runCli(['decrypt', accessToken], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--key FILE or --keystore ALIAS/);
  });

  it('ensure-decrypt-of-a-signed-token-says-there-is-nothing-to-decrypt', async () => {
    const run = await runCli(['decrypt', accessToken, '--keystore', 'enc-key'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/signed \(JWS\), not encrypted/);
  });
});

describe('--help on every command and subcommand', () => {
  const commands = [
    ['token'], ['profiles'], ['profiles', 'list'], ['profiles', 'save'], ['keys'], ['keys', 'generate'], ['keys', 'import'], ['keys', 'cert'],
    ['assertion'], ['decode'], ['decrypt'], ['verify'], ['introspect'], ['revoke'], ['userinfo'], ['logout-url'], ['sandbox'],
  ];
  it.each(commands.map((c) => [c.join(' '), c] as const))('tokenbench %s --help prints its usage and exits 0', async (_name, argv) => {
    const run = await runCli([...argv, '--help'], { home });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage/);
  });

  it('a "-h" after "--" is a token, not a request for help', async () => {
    const run = await runCli(['decode', '--', '-h'], { home });
    expect(run.stdout).not.toMatch(/Usage/);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'opaque' });
  });
});
