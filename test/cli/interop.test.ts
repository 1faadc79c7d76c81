import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { registeredKid } from '../../electron/sandbox/clients';
import { KID_REQUIRED_CLIENT_ID } from '../../electron/sandbox/kid-quirk';
import { KID_QUIRK_CLIENT_ID, PER_ENDPOINT_CLIENT_ID, RAW_BASIC_CLIENT_ID } from '../../electron/sandbox/quirks';
import { runCli, tempHome } from './run-cli';

/**
 * The interop flags of issue 13 (--kid, --x5t-s256/--x5c, --basic-encoding, the --param rule, keys kid --reset,
 * per-endpoint client authentication) through the built CLI, against sandbox clients that behave like the quirk.
 */

let sandbox: SandboxHandle;
const home = tempHome();
const files = tempHome();
const alias = `interop-es-${process.pid}`;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  // A keystore key, registered at the sandbox the way an admin console does it: under a kid of its own.
  const generated = await runCli(['keys', 'generate', '--alg', 'ES256', '--alias', alias], { home });
  expect(generated.code).toBe(0);
  jwks = JSON.parse((await runCli(['keys', 'jwks'], { home })).stdout) as JSONWebKeySet;
  thumbprintKid = (JSON.parse((await runCli(['keys', 'list', '--json'], { home })).stdout) as Array<{ alias: string; kid: string }>).find((k) => k.alias === alias)!.kid;
  sandbox = await startSandbox({ clientJwks: jwks });
});
afterAll(async () => {
  await runCli(['keys', 'delete', alias], { home });
  await sandbox?.close();
});

let thumbprintKid = '';
/** The key's position in the registered set, which names its registered kid. */
const keyIndex = () => jwks.keys.findIndex((k) => k.kid === thumbprintKid);

describe('--kid and keys kid', () => {
  it('a keystore key keeps its thumbprint kid by default, which a server with its own kids refuses; keys kid fixes it; --reset restores it', async () => {
    expect(jwks.keys.some((k) => k.kid === thumbprintKid)).toBe(true);
    const args = ['token', sandbox.issuer, '--client-id', KID_QUIRK_CLIENT_ID, '--signing-key', `keystore:${alias}`, '--grant-type', 'client_credentials', '--silent'];

    const refused = await runCli(args, { home });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`had kid "${thumbprintKid}"`);
    expect(refused.stderr).toContain('keys kid ALIAS VALUE');

    const registered = registeredKid(keyIndex());
    expect((await runCli(['keys', 'kid', alias, registered], { home })).code).toBe(0);
    const ok = await runCli(args, { home });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty('access_token');

    // The profile setting wins over the key's kid: --kid thumbprint sends the thumbprint again.
    expect((await runCli([...args, '--kid', 'thumbprint'], { home })).code).toBe(1);

    const reset = await runCli(['keys', 'kid', alias, '--reset'], { home });
    expect(reset.stderr).toContain(`is now ${thumbprintKid}`);
    expect((await runCli(['keys', 'kid', alias], { home })).code).toBe(2);
  });

  it('a PEM key file sends no kid unless --kid says which', async () => {
    // The same keystore key, exported as a PEM file (which carries no kid).
    const pem = (await runCli(['keys', 'export', alias, '--private', '--format', 'pem'], { home })).stdout;
    const file = join(files, 'key.pem');
    writeFileSync(file, createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const args = ['token', sandbox.issuer, '--client-id', KID_QUIRK_CLIENT_ID, '--signing-key', file, '--grant-type', 'client_credentials', '--silent'];
    expect((await runCli(args, { home })).code).toBe(0);
    const thumb = await runCli([...args, '--kid', 'thumbprint'], { home });
    expect(thumb.code).toBe(1);
    expect(thumb.stderr).toContain('invalid_client');
    expect((await runCli([...args, '--kid', registeredKid(keyIndex())], { home })).code).toBe(0);
    expect((await runCli([...args, '--kid', 'someone-elses-kid'], { home })).code).toBe(1);
    // A server that selects keys only by kid refuses the kid-less assertion, and the error says which flag fixes it.
    const strict = args.map((a) => (a === KID_QUIRK_CLIENT_ID ? KID_REQUIRED_CLIENT_ID : a));
    const kidless = await runCli(strict, { home });
    expect(kidless.code).toBe(1);
    expect(kidless.stderr).toContain("the client assertion's header had no kid");
    expect(kidless.stderr).toContain('--kid VALUE|thumbprint|none');
    expect((await runCli([...strict, '--kid', registeredKid(keyIndex())], { home })).code).toBe(0);
    // x5c needs a certificate on the key: said before anything is sent.
    const x5c = await runCli([...args, '--x5c'], { home });
    expect(x5c.code).toBe(1);
    expect(x5c.stderr).toContain('need a certificate');
  });
});

describe('--basic-encoding', () => {
  const secret = () => sandbox.clients[RAW_BASIC_CLIENT_ID]!.client_secret!;
  const args = () => ['token', sandbox.issuer, '--client-id', RAW_BASIC_CLIENT_ID, '--client-secret', secret(), '--grant-type', 'client_credentials', '--silent'];

  it('ensure-form-encoded-basic-to-a-non-decoding-server-exits-naming-the-flag, in one line without the secret', async () => {
    const run = await runCli(args(), { home });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('HTTP 403 with an empty body');
    expect(run.stderr).toContain('--basic-encoding raw');
    expect(run.stderr).not.toContain(secret());
  });

  it('--basic-encoding raw gets a token; a saved profile keeps the setting; a bad value is a usage error', async () => {
    expect((await runCli([...args(), '--basic-encoding', 'raw'], { home })).code).toBe(0);
    const save = await runCli(['profiles', 'save', 'raw-basic', sandbox.issuer, '--client-id', RAW_BASIC_CLIENT_ID, '--client-secret', secret(), '--grant-type', 'client_credentials', '--basic-encoding', 'raw'], { home });
    expect(save.code).toBe(0);
    expect((JSON.parse((await runCli(['profiles', 'show', 'raw-basic'], { home })).stdout) as { interop: { basicEncoding: string } }).interop.basicEncoding).toBe('raw');
    expect((await runCli(['token', '--profile', 'raw-basic', '--silent'], { home })).code).toBe(0);
    await runCli(['profiles', 'delete', 'raw-basic'], { home });
    const bad = await runCli([...args(), '--basic-encoding', 'url'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--basic-encoding is form');
  });
});

describe('--param and authorization-request parameters', () => {
  it('ensure-param-prompt-is-refused-naming-auth-param', async () => {
    const run = await runCli(['token', sandbox.issuer, '--client-id', 'sandbox-public', '--grant-type', 'authorization_code', '--param', 'prompt=consent'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--auth-param prompt=');
  });

  it('token --help documents the interop flags', async () => {
    const help = (await runCli(['token', '--help'], { home })).stdout;
    for (const flag of ['--kid VALUE|thumbprint|key|none', '--basic-encoding form|raw', '--x5c', '--x5t-s256']) expect(help).toContain(flag);
  });
});

describe('client authentication per endpoint', () => {
  let quirky: SandboxHandle;
  let pemFile: string;
  beforeAll(async () => {
    quirky = await startSandbox({ introspectionAuthMethods: ['client_secret_basic', 'client_secret_post'] });
    const key = quirky.clients[PER_ENDPOINT_CLIENT_ID]!.signingKeys!.find((k) => k.privateJwk.crv === 'P-256')!;
    pemFile = join(files, 'per-endpoint.pem');
    writeFileSync(pemFile, createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  });
  afterAll(async () => {
    await quirky?.close();
  });

  it('introspects with client_secret_basic when the endpoint does not list private_key_jwt, and says so', async () => {
    const client = ['--client-id', PER_ENDPOINT_CLIENT_ID, '--signing-key', pemFile, '--auth-method', 'private_key_jwt'];
    const token = await runCli(['token', quirky.issuer, ...client, '--grant-type', 'client_credentials', '--silent'], { home });
    expect(token.code).toBe(0);
    const at = (JSON.parse(token.stdout) as { access_token: string }).access_token;
    const secret = quirky.clients[PER_ENDPOINT_CLIENT_ID]!.client_secret!;

    const run = await runCli(['introspect', quirky.issuer, at, ...client, '--client-secret', secret], { home });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ active: true });
    expect(run.stderr).toContain('does not list private_key_jwt in introspection_endpoint_auth_methods_supported (client_secret_basic, client_secret_post); used client_secret_basic');

    const noSecret = await runCli(['revoke', quirky.issuer, at, ...client], { home });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toContain('add the client secret');
  });
});
