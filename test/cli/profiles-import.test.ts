import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { startCaptureServer, type CaptureServer } from '../support/capture-server';
import { runCli, tempHome } from './run-cli';

/**
 * Issue 11, CLI parity: `tokenbench profiles export|import|confirm` with the
 * app's import rules, run as a user runs them, against the real sandbox, the
 * real keychain and a loopback capture server standing in for a hostile host.
 */
let sandbox: SandboxHandle;
let capture: CaptureServer;
const home = tempHome();
const alias = `cli-import-${process.pid}`;

beforeAll(async () => {
  sandbox = await startSandbox();
  capture = await startCaptureServer();
});
afterAll(async () => {
  for (const name of ['victim', 'victim (imported)', 'jb']) await runCli(['profiles', 'delete', name], { home });
  await runCli(['keys', 'delete', alias], { home });
  await sandbox?.close();
  await capture?.close();
});

const secret = () => sandbox.clients['sandbox-basic']!.client_secret!;
function expectNoSecretAtCapture() {
  const seen = capture.received();
  for (const form of [secret(), encodeURIComponent(secret()), Buffer.from(`sandbox-basic:${secret()}`).toString('base64')]) expect(seen).not.toContain(form);
}

describe('tokenbench profiles import', () => {
  let hostileFile: string;

  beforeAll(async () => {
    const save = await runCli(['profiles', 'save', 'victim', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', secret(), '--grant-type', 'client_credentials'], { home });
    expect(save.code).toBe(0);
    const file = join(home, 'export.json');
    const exp = await runCli(['profiles', 'export', file], { home });
    expect(exp.stderr).toContain('exported 0 group(s) and 1 profile(s)');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(secret());
    // Exporting over an existing file needs --force.
    expect((await runCli(['profiles', 'export', file], { home })).code).toBe(1);
    const doc = JSON.parse(text) as { profiles: Array<Record<string, unknown>> };
    doc.profiles[0] = { ...doc.profiles[0], issuer: undefined, discovery: false, endpoints: { token: `${capture.url}/token` } };
    hostileFile = join(home, 'hostile.json');
    writeFileSync(hostileFile, JSON.stringify(doc));
  });

  it('ensure-cli-import-with-existing-id-creates-a-new-profile', async () => {
    const run = await runCli(['profiles', 'import', hostileFile], { home });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('an existing profile has its id (victim) — imported as new (--replace replaces it)');
    expect(run.stderr).toMatch(/endpoints\.token: \(unset\) → "http:\/\/127\.0\.0\.1:\d+\/token"  \[where requests go\]/);
    expect(run.stderr).toContain('1 new, 0 replaced');
    const list = (await runCli(['profiles', 'list'], { home })).stdout;
    expect(list).toContain('victim (imported)\t');
    expect((await runCli(['token', '--profile', 'victim', '--silent'], { home })).code).toBe(0);
    const copy = await runCli(['token', '--profile', 'victim (imported)', '--silent'], { home });
    expect(copy.code).toBe(1);
    expectNoSecretAtCapture();
  });

  it('ensure-cli-import-replace-with-host-change-clears-secrets', async () => {
    const run = await runCli(['profiles', 'import', hostileFile, '--replace'], { home });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('REPLACED (--replace)');
    expect(run.stderr).toContain('replacing it clears the stored secrets and tokens of "victim"');
    expect(run.stderr).toMatch(/cleared the stored secrets and tokens of "victim": its requests now go elsewhere \(.*Token endpoint.*\) — enter its secrets again/);
    const shown = JSON.parse((await runCli(['profiles', 'show', 'victim'], { home })).stdout) as { secretRefs: string[]; endpoints: { token: string } };
    expect(shown.secretRefs).toEqual([]);
    expect(shown.endpoints.token).toBe(`${capture.url}/token`);
    const token = await runCli(['token', '--profile', 'victim', '--silent'], { home });
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('needs a client secret');
    expectNoSecretAtCapture();
  });

  it('ensure-cli-import-of-a-file-with-one-bad-profile-changes-nothing', async () => {
    const before = readFileSync(join(home, 'profiles.json'));
    const bad = join(home, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'tokenbench-connections',
        version: 1,
        groups: [],
        profiles: [
          { id: 'ok', name: 'fine', grantType: 'client_credentials', issuer: sandbox.issuer },
          { id: 'nope', name: 'broken', grantType: 'client_credentials', endpoints: { token: 'file:///etc/passwd' } },
        ],
      }),
    );
    for (const args of [[bad], [bad, '--replace']]) {
      const run = await runCli(['profiles', 'import', ...args], { home });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/profile "broken": INVALID — Token endpoint.*must be an http\(s\) URL/);
      expect(run.stderr).toContain('nothing was imported');
      expect(readFileSync(join(home, 'profiles.json'))).toEqual(before);
    }
    const dir = join(home, 'a-directory');
    mkdirSync(dir, { recursive: true });
    const dirRun = await runCli(['profiles', 'import', dir], { home });
    expect(dirRun.code).toBe(1);
    expect(dirRun.stderr).toContain('is a directory');
    expect(readFileSync(join(home, 'profiles.json'))).toEqual(before);
  });
});

describe('tokenbench profiles confirm', () => {
  it('ensure-cli-imported-jwt-bearer-profile-is-refused-until-confirmed-then-signs-capped-exp', async () => {
    expect((await runCli(['keys', 'generate', '--alg', 'ES256', '--alias', alias], { home })).code).toBe(0);
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { home })).stdout) as JSONWebKeySet;
    const trusting = await startSandbox({ clientJwks: jwks });
    try {
      const tenYears = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
      const file = join(home, 'jb.json');
      writeFileSync(
        file,
        JSON.stringify({
          format: 'tokenbench-connections',
          version: 1,
          groups: [],
          profiles: [
            {
              id: 'jb',
              name: 'jb',
              issuer: trusting.issuer,
              grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
              clientId: 'sandbox-private-key-jwt',
              clientAuth: { method: 'private_key_jwt', keyAlias: alias },
              jwtBearerClaims: { sub: 'batch-job', exp: tenYears },
            },
          ],
        }),
      );
      const imp = await runCli(['profiles', 'import', file], { home });
      expect(imp.code).toBe(0);
      expect(imp.stderr).toContain('key alias / claims wait for confirmation: clientAuth.keyAlias, jwtBearerClaims');
      expect(imp.stderr).toContain('review them with tokenbench profiles confirm "jb"');

      const refused = await runCli(['token', '--profile', 'jb', '--silent'], { home });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`was imported from a file: review and confirm its Signing key (keystore alias) "${alias}" and JWT bearer assertion claims`);

      // Without a terminal to ask on, and without --yes, nothing is confirmed.
      const shown = await runCli(['profiles', 'confirm', 'jb'], { home });
      expect(shown.code).toBe(1);
      expect(shown.stderr).toContain(`* Signing key (keystore alias): ${alias}`);
      expect(shown.stderr).toContain(`"exp": ${tenYears}`);
      expect(shown.stderr).toContain('not confirmed');
      expect((await runCli(['token', '--profile', 'jb', '--silent'], { home })).code).toBe(1);

      const yes = await runCli(['profiles', 'confirm', 'jb', '--yes'], { home });
      expect(yes.code).toBe(0);
      expect(yes.stderr).toContain('confirmed profile "jb"');
      const token = await runCli(['token', '--profile', 'jb'], { home });
      expect(token.code).toBe(0);
      const assertion = /assertion=([\w-]+\.[\w-]+)\./.exec(token.stderr)?.[1];
      expect(assertion).toBeTruthy();
      const claims = decodeJwt(`${assertion}.x`);
      expect(claims.exp! - claims.iat!).toBe(300);
      expect(token.stderr).toContain('JWT bearer assertion: time claims set by the workbench');
    } finally {
      await trusting.close();
    }
  });
});
