import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { SANDBOX_RESOURCE } from '../../electron/sandbox/resources';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import { ProfileStore } from '../../electron/storage/profile-store';
import { environmentSecretAccount } from '../../shared/environments';
import { runCli, tempHome } from './run-cli';

/**
 * The CLI side of issue 13 §2–§4, run as a user runs it: presets, `profiles save --preset`,
 * `profiles import`, `token --env`, and `profiles command` whose output is run in a shell
 * (curl and tokenbench) against the sandbox.
 */
const run = promisify(execFile);
let sandbox: SandboxHandle;
let keySandbox: SandboxHandle;
const home = tempHome();
const alias = `h13-key-${process.pid}`;
const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;
/** `tokenbench` on PATH for the generated commands, as an installed CLI would be. */
const bin = mkdtempSync(join(tmpdir(), 'tokenbench-bin-'));
writeFileSync(join(bin, 'tokenbench'), `#!/bin/sh\nexec "${process.execPath}" "${resolve('bin/tokenbench.js')}" "$@"\n`);
chmodSync(join(bin, 'tokenbench'), 0o755);

async function shell(script: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('/bin/sh', ['-c', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TOKENBENCH_HOME: home, NO_COLOR: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  sandbox = await startSandbox();
  expect((await runCli(['keys', 'generate', '--alg', 'ES256', '--alias', alias], { home })).code).toBe(0);
  const jwks = JSON.parse((await runCli(['keys', 'jwks'], { home })).stdout) as JSONWebKeySet;
  keySandbox = await startSandbox({ clientJwks: jwks });
});
afterAll(async () => {
  await runCli(['keys', 'delete', alias], { home });
  const secrets = openSecretStore({ dataDir: home });
  for (const a of await secrets.list().catch(() => [])) await secrets.delete(a).catch(() => undefined);
  await sandbox?.close();
  await keySandbox?.close();
});

describe('tokenbench presets', () => {
  it('lists every preset and shows one with its inputs, quirks and documentation', async () => {
    const list = await runCli(['presets'], { home });
    expect(list.code).toBe(0);
    for (const id of ['entra', 'okta', 'auth0', 'keycloak', 'google', 'salesforce', 'pingfederate', 'adfs', 'cognito', 'duende', 'netiq', 'generic']) expect(list.stdout).toMatch(new RegExp(`^${id}\\s`, 'm'));
    const show = await runCli(['presets', 'show', 'entra'], { home });
    expect(show.stdout).toContain('https://{authority}/{tenant}/v2.0');
    expect(show.stdout).toContain('--tenant');
    expect(show.stdout).toContain('https://learn.microsoft.com/');
  });

  it('profiles save --preset entra --tenant … builds the profile; its flow passes against the Entra-like client', async () => {
    const save = await runCli(['profiles', 'save', 'entra-cc', '--preset', 'entra', '--tenant', 'contoso.onmicrosoft.com', '--client-id', 'sandbox-entra-like', '--client-secret', secretOf('sandbox-entra-like'), '--grant-type', 'client_credentials', '--api', SANDBOX_RESOURCE], { home });
    expect(save.stderr).toContain('from preset Microsoft Entra ID');
    expect(save.code).toBe(0);
    const profile = JSON.parse((await runCli(['profiles', 'show', 'entra-cc'], { home })).stdout) as { issuer: string; scopes: string[]; clientAuth: { method: string } };
    expect(profile).toMatchObject({ issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', scopes: [`${SANDBOX_RESOURCE}/.default`], clientAuth: { method: 'client_secret_post' } });
    // The sandbox stands in for login.microsoftonline.com.
    const token = await runCli(['token', sandbox.issuer, '--profile', 'entra-cc', '--silent'], { home });
    expect(token.stderr).toBe('');
    expect(JSON.parse(token.stdout)).toHaveProperty('access_token');
  });

  it('ensure-preset-input-for-another-preset-fails', async () => {
    const r = await runCli(['profiles', 'save', 'x', '--preset', 'okta', '--domain', 'a.okta.com', '--client-id', 'c', '--tenant', 't'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not take --tenant');
  });
});

describe('profiles import and --env', () => {
  it('imports a Postman collection and environment, lists the secret it left out, and runs with --env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-import-'));
    const fixtures = resolve('test/fixtures/imports');
    writeFileSync(join(dir, 'collection.json'), readFileSync(join(fixtures, 'postman-collection.json'), 'utf8'));
    writeFileSync(join(dir, 'dev.json'), readFileSync(join(fixtures, 'postman-environment.json'), 'utf8').replace('http://127.0.0.1:9', sandbox.issuer));
    const imp = await runCli(['profiles', 'import', join(dir, 'collection.json'), join(dir, 'dev.json')], { home });
    expect(imp.code).toBe(0);
    expect(imp.stderr).toContain('imported from postman: 1 group(s), 2 profile(s)');
    expect(imp.stderr).toContain('needs secret: clientSecret of "Partner API"');
    expect(imp.stderr).toContain('not mapped: Legacy');
    expect(readFileSync(join(home, 'profiles.json'), 'utf8')).not.toContain('s3cr3t-in-the-collection');

    expect((await runCli(['profiles', 'save', 'Partner API', '--client-secret', secretOf('sandbox-post')], { home })).code).toBe(0);
    const token = await runCli(['token', '--profile', 'Partner API', '--env', 'dev', '--silent'], { home });
    expect(token.stderr).toBe('');
    expect(JSON.parse(token.stdout)).toHaveProperty('access_token');

    const wrongEnv = await runCli(['token', '--profile', 'Partner API', '--env', 'prod'], { home });
    expect(wrongEnv.code).toBe(1);
    expect(wrongEnv.stderr).toContain('has no environment "prod" (it has: dev)');
  });

  it('--env fills secret variables from the keychain; an unresolved variable is an error naming it and the field', async () => {
    const store = new ProfileStore({ dataDir: home });
    const group = store.saveGroup({
      name: 'env-group',
      defaults: {},
      environments: [
        { id: 'd', name: 'dev', variables: [{ name: 'iss', value: sandbox.issuer, secret: false }, { name: 'sec', secret: true }] },
        { id: 'p', name: 'prod', production: true, variables: [{ name: 'iss', value: sandbox.issuer, secret: false }] },
      ],
      activeEnvironmentId: 'd',
    });
    const p = store.saveProfile({ name: 'env-profile', groupId: group.id, issuer: '{{iss}}', grantType: 'client_credentials', clientId: 'sandbox-basic', secretRefs: ['clientSecret'] });
    const secrets = openSecretStore({ dataDir: home });
    await secrets.set(`profile:${p.id}:clientSecret`, '{{sec}}');
    await secrets.set(environmentSecretAccount(group.id, 'd', 'sec'), secretOf('sandbox-basic'));
    const ok = await runCli(['token', '--profile', 'env-profile', '--env', 'dev'], { home });
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toContain(secretOf('sandbox-basic'));
    const prod = await runCli(['token', '--profile', 'env-profile', '--env', 'prod'], { home });
    expect(prod.code).toBe(1);
    expect(prod.stderr).toContain('{{sec}} in the client secret is not defined in environment "prod"');
    expect(prod.stderr).not.toContain('» token request');
  });
});

describe('profiles command: exports that run', () => {
  it('curl with secrets as environment variables (-u "$CLIENT_ID:$CLIENT_SECRET") gets a token', async () => {
    expect((await runCli(['profiles', 'save', 'cmd-basic', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secretOf('sandbox-basic'), '--grant-type', 'client_credentials', '--scopes', 'api:read'], { home })).code).toBe(0);
    const cmd = await runCli(['profiles', 'command', 'cmd-basic', '--as', 'curl'], { home });
    expect(cmd.stdout).toContain('-u "$CLIENT_ID:$CLIENT_SECRET"');
    expect(cmd.stdout).not.toContain(secretOf('sandbox-basic'));
    expect(cmd.stderr).toContain('set first: $CLIENT_ID $CLIENT_SECRET');
    const out = await shell(cmd.stdout, { CLIENT_ID: 'sandbox-basic', CLIENT_SECRET: secretOf('sandbox-basic') });
    expect(JSON.parse(out.stdout)).toHaveProperty('access_token');
    // Real values only when asked for.
    const real = await runCli(['profiles', 'command', 'cmd-basic', '--as', 'curl', '--reveal-secrets'], { home });
    expect(real.stdout).toContain(secretOf('sandbox-basic'));
    expect(JSON.parse((await shell(real.stdout, {})).stdout)).toHaveProperty('access_token');
  });

  it('the tokenbench command runs as it is, with $CLIENT_SECRET', async () => {
    const cmd = await runCli(['profiles', 'command', 'cmd-basic', '--as', 'tokenbench'], { home });
    expect(cmd.stdout).toMatch(/^tokenbench token http:\/\/127\.0\.0\.1:\d+ --grant-type client_credentials --client-id sandbox-basic --client-secret "\$CLIENT_SECRET" --auth-method client_secret_basic --scopes api:read/);
    const out = await shell(`${cmd.stdout.trim()} --silent`, { CLIENT_SECRET: secretOf('sandbox-basic') });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toHaveProperty('access_token');
  });

  it('private_key_jwt: curl with $CLIENT_ASSERTION built by tokenbench assertion', async () => {
    expect((await runCli(['profiles', 'save', 'cmd-pkjwt', keySandbox.issuer, '--client-id', 'sandbox-private-key-jwt', '--signing-key', `keystore:${alias}`, '--grant-type', 'client_credentials'], { home })).code).toBe(0);
    const cmd = await runCli(['profiles', 'command', 'cmd-pkjwt', '--as', 'curl'], { home });
    expect(cmd.stdout).toContain(`CLIENT_ASSERTION=$(tokenbench assertion --key ${alias} --iss sandbox-private-key-jwt`);
    expect(cmd.stdout).toContain('"client_assertion=$CLIENT_ASSERTION"');
    const out = await shell(cmd.stdout, {});
    expect(JSON.parse(out.stdout)).toHaveProperty('access_token');
  });

  it('client_secret_jwt: curl with the assertion signed by tokenbench assertion, the secret in a 0600 temporary file', async () => {
    expect((await runCli(['profiles', 'save', 'cmd-sjwt', sandbox.issuer, '--client-id', 'sandbox-secret-jwt', '--client-secret', secretOf('sandbox-secret-jwt'), '--auth-method', 'client_secret_jwt', '--grant-type', 'client_credentials'], { home })).code).toBe(0);
    const cmd = await runCli(['profiles', 'command', 'cmd-sjwt', '--as', 'curl'], { home });
    expect(cmd.stdout).toContain('SECRET_FILE=$(mktemp) && printf %s "$CLIENT_SECRET" > "$SECRET_FILE" && CLIENT_ASSERTION=$(tokenbench assertion --secret-file "$SECRET_FILE" --alg HS256');
    const out = await shell(cmd.stdout, { CLIENT_SECRET: secretOf('sandbox-secret-jwt') });
    expect(JSON.parse(out.stdout)).toHaveProperty('access_token');
  });

  it('oauth2c: the same flags, the key as a file it must be given', async () => {
    const cmd = await runCli(['profiles', 'command', 'cmd-pkjwt', '--as', 'oauth2c'], { home });
    expect(cmd.stdout).toMatch(/^oauth2c http:\/\/127\.0\.0\.1:\d+ --grant-type client_credentials --client-id sandbox-private-key-jwt --auth-method private_key_jwt --signing-key "\$SIGNING_KEY_FILE"/);
    expect(cmd.stderr).toContain('never exports it');
  });
});
