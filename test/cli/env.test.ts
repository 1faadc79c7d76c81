import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import { runCli, tempHome } from './run-cli';

/**
 * `tokenbench env` (issue 13 §3 from the command line): environments and variables of a group, edited through the
 * built CLI; secret values go to the OS keychain (never profiles.json), and `token --profile` uses them.
 */
let sandbox: SandboxHandle;
const home = tempHome();
const secretOf = (id: string) => sandbox.clients[id]!.client_secret!;
const cli = (args: string[], stdin?: string) => runCli(args, { home, ...(stdin !== undefined ? { stdin } : {}) });
const profilesFile = () => readFileSync(join(home, 'profiles.json'), 'utf8');

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  const secrets = openSecretStore({ dataDir: home });
  for (const a of await secrets.list().catch(() => [])) await secrets.delete(a).catch(() => undefined);
  await sandbox?.close();
});

describe('tokenbench env', () => {

  it('adds environments, sets plain and secret variables, and a profile of the group runs in each', async () => {
    expect((await cli(['env', 'add', 'Team', 'dev'])).stderr).toContain('created group "Team" with environment "dev"');
    expect((await cli(['env', 'add', 'Team', 'prod', '--production'])).code).toBe(0);
    for (const [env, client] of [['dev', 'sandbox-basic'], ['prod', 'sandbox-post']] as const) {
      expect((await cli(['env', 'set', 'Team', env, 'iss', sandbox.issuer])).code).toBe(0);
      expect((await cli(['env', 'set', 'Team', env, 'client', client])).code).toBe(0);
      // The secret comes on stdin: not in the shell history or the process list.
      const secret = await cli(['env', 'set', 'Team', env, 'secret', '--secret'], `${secretOf(client)}\n`);
      expect(secret.code, secret.stderr).toBe(0);
      expect(secret.stderr).not.toContain(secretOf(client));
    }
    const saved = await cli(['profiles', 'save', 'orders', '{{iss}}', '--group', 'Team', '--client-id', '{{client}}', '--client-secret', '{{secret}}', '--grant-type', 'client_credentials', '--scopes', 'api:read']);
    expect(saved.code, saved.stderr).toBe(0);

    const list = await cli(['env', 'list', 'Team']);
    expect(list.stdout).toContain('Team / dev (active)');
    expect(list.stdout).toContain('Team / prod ⚠ PRODUCTION');
    expect(list.stdout).toMatch(/secret = •+\S\S \(secret, in the keychain\)/);
    expect(list.stdout).toContain(`iss = ${sandbox.issuer}`);
    for (const client of ['sandbox-basic', 'sandbox-post']) {
      expect(list.stdout).not.toContain(secretOf(client));
      expect(profilesFile()).not.toContain(secretOf(client));
    }

    const dev = await cli(['token', '--profile', 'orders', '--silent']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(JSON.parse(dev.stdout)).toHaveProperty('access_token');
    expect((await cli(['env', 'use', 'Team', 'prod'])).stderr).toContain('"Team" now uses "prod" ⚠ PRODUCTION');
    const prod = await cli(['token', '--profile', 'orders', '--silent']);
    expect(prod.code, prod.stderr).toBe(0);
    const json = JSON.parse((await cli(['env', 'list', '--json'])).stdout) as Array<{ environment: string; active: boolean }>;
    expect(json.filter((e) => e.active).map((e) => e.environment)).toEqual(['prod']);
  });

  it('unset removes the variable and its keychain value; the run then names the missing variable', async () => {
    expect((await cli(['env', 'unset', 'Team', 'prod', 'secret'])).code).toBe(0);
    const secrets = openSecretStore({ dataDir: home });
    expect((await secrets.list()).filter((a) => a.startsWith('env:') && a.endsWith(':secret'))).toHaveLength(1); // dev's only
    const run = await cli(['token', '--profile', 'orders', '--env', 'prod']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('{{secret}} in the client secret is not defined in environment "prod"');
    // A secret variable set plain again leaves nothing behind in the keychain.
    expect((await cli(['env', 'set', 'Team', 'dev', 'secret', 'now-plain'])).code).toBe(0);
    expect((await secrets.list()).filter((a) => a.startsWith('env:'))).toHaveLength(0);
  });

  it('delete removes an environment; the group falls back to none active', async () => {
    expect((await cli(['env', 'delete', 'Team', 'prod'])).code).toBe(0);
    const json = JSON.parse((await cli(['env', 'list', 'Team', '--json'])).stdout) as Array<{ environment: string; active: boolean }>;
    expect(json).toEqual([expect.objectContaining({ environment: 'dev', active: false })]);
  });

  it('ensure-invalid-variable-name-fails-naming-the-field-and-changes-nothing', async () => {
    const before = profilesFile();
    const bad = await cli(['env', 'set', 'Team', 'dev', 'bad name', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Variable name');
    expect(bad.stderr).not.toMatch(/environments\.|variables\./);
    expect(profilesFile()).toBe(before);
    const secretBad = await cli(['env', 'set', 'Team', 'dev', 'bad name', '--secret'], 'value-never-stored');
    expect(secretBad.code).toBe(1);
    expect((await openSecretStore({ dataDir: home }).list()).filter((a) => a.startsWith('env:'))).toHaveLength(0);
  });

  it('ensure-unknown-group-or-environment-fails-listing-what-there-is', async () => {
    const group = await cli(['env', 'set', 'Nope', 'dev', 'a', 'b']);
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('no group "Nope" (there are: "Team")');
    const env = await cli(['env', 'use', 'Team', 'staging']);
    expect(env.stderr).toContain('group "Team" has no environment "staging" (it has: "dev")');
    expect((await cli(['env', 'add', 'Team', 'DEV'])).stderr).toContain('already has an environment "DEV"');
    expect((await cli(['env', 'frobnicate'])).code).toBe(2);
    expect((await cli(['env', '--help'])).stdout).toContain('tokenbench env set GROUP ENV NAME [VALUE|-] --secret');
  });

  it('ensure-secret-variable-refused-by-the-keychain-changes-nothing', async () => {
    const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    expect((await cli(['env', 'add', 'Locked', 'dev'])).code).toBe(0);
    expect((await cli(['env', 'set', 'Locked', 'dev', 'api_key', 'plain-value-kept'])).code).toBe(0);
    for (const name of ['api_key', 'brand_new']) {
      const refused = await runCli(['env', 'set', 'Locked', 'dev', name, '--secret'], { home, stdin: 'value-that-never-lands\n', env: noKeychain });
      expect(refused.code, name).not.toBe(0);
      expect(refused.stderr).toMatch(/Secret Service|keychain/i);
      expect(refused.stderr).not.toContain('value-that-never-lands');
    }
    const json = JSON.parse((await cli(['env', 'list', 'Locked', '--json'])).stdout) as Array<{ variables: Array<{ name: string; secret: boolean; value?: string }> }>;
    // The plain variable is still plain, with its value; the new one was never declared.
    expect(json[0]?.variables).toEqual([{ name: 'api_key', secret: false, value: 'plain-value-kept' }]);
    expect(profilesFile()).not.toContain('value-that-never-lands');
  });
});
