import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/app/history';
import { KeytarSecretStore } from '../../electron/secrets/keytar-secret-store';
import { keychainServiceFor, openSecretStore } from '../../electron/secrets/open-secret-store';
import { profileSecretAccount, VAULT_MASTER_KEY_ACCOUNT } from '../../electron/secrets/secret-store';
import { ProfileStore } from '../../electron/storage/profile-store';
import { runCli } from '../cli/run-cli';
import { buildChild } from '../support/build-child';

let workDir: string;
let child: string;
const dirs: string[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'tokenbench-xproc-'));
  child = await buildChild(join(import.meta.dirname, 'data-child.ts'), workDir);
});
afterAll(async () => {
  for (const dir of dirs) {
    const keychain = new KeytarSecretStore({ service: keychainServiceFor(dir) });
    for (const account of await keychain.list().catch(() => [])) await keychain.delete(account).catch(() => undefined);
  }
  rmSync(workDir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tokenbench-xproc-data-')), 'data');
  dirs.push(dir);
  return dir;
}

/** Starts a child that waits for a line on stdin, so a batch of them can be released together. */
function startChild(args: string[]): { go(): void; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const proc = spawn(process.execPath, [child, ...args], { env: { ...process.env, WAIT_FOR_START: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
  return { go: () => proc.stdin.end('go\n'), done };
}

async function race(batch: string[][]) {
  const children = batch.map(startChild);
  // Let every child load its bundle before any is released.
  await new Promise((r) => setTimeout(r, 1500));
  for (const c of children) c.go();
  const results = await Promise.all(children.map((c) => c.done));
  for (const r of results) expect(r.code, r.stderr).toBe(0);
  return results.map((r) => JSON.parse(r.stdout.trim().split('\n').pop() as string));
}

describe('no update is lost across processes', () => {
  it('ten CLI saves and ten app-service saves in parallel: every profile and every secret is kept', async () => {
    const dir = dataDir();
    const service = keychainServiceFor(dir);
    const names = Array.from({ length: 10 }, (_, i) => `cli-${i}`);
    const appNames = Array.from({ length: 10 }, (_, i) => `app-${i}`);
    const appChildren = appNames.map((n) => startChild(['app-save', dir, n, `secret-of-${n}`, service]));
    await new Promise((r) => setTimeout(r, 1000));
    const cli = names.map((n) =>
      runCli(['profiles', 'save', n, 'https://as.example', '--client-id', n, '--client-secret', `secret-of-${n}`, '--grant-type', 'client_credentials'], { home: dir }),
    );
    for (const c of appChildren) c.go();
    const results = await Promise.all([...cli, ...appChildren.map((c) => c.done)]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const profiles = new ProfileStore({ dataDir: dir }).listProfiles();
    expect(profiles.map((p) => p.name).sort()).toEqual([...names, ...appNames].sort());
    const secrets = openSecretStore({ dataDir: dir, service });
    for (const p of profiles) {
      expect(p.secretRefs).toEqual(['clientSecret']);
      expect(await secrets.get(profileSecretAccount(p.id, 'clientSecret'))).toBe(`secret-of-${p.name}`);
    }
    // Nothing half-written or left locked.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  }, 120_000);

  it('two parallel vault writes of 3,000-character secrets: both kept (3 trials)', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const dir = dataDir();
      const service = keychainServiceFor(dir);
      await race([
        ['vault-set', dir, service, 'first-a', '3000'],
        ['vault-set', dir, service, 'second-b', '3000'],
      ]);
      const secrets = openSecretStore({ dataDir: dir, service });
      expect(await secrets.list()).toEqual(['first-a', 'second-b']);
      expect(await secrets.get('first-a')).toBe('first-a:'.padEnd(3000, 'a'));
      expect(await secrets.get('second-b')).toBe('second-b:'.padEnd(3000, 'b'));
    }
  }, 120_000);

  it('processes racing for the vault master key create one key, and what each sealed opens with it', async () => {
    const dir = dataDir();
    const service = keychainServiceFor(dir);
    const results = (await race(Array.from({ length: 4 }, () => ['seal', dir, service]))) as Array<{ box: never; pid: number }>;
    const keychain = new KeytarSecretStore({ service });
    expect((await keychain.list()).filter((a) => a === VAULT_MASTER_KEY_ACCOUNT)).toHaveLength(1);
    const sealer = await openSecretStore({ dataDir: dir, service }).vaultSealer();
    for (const r of results) expect(sealer.open('race', r.box)).toBe(`sealed by ${r.pid}`);
  }, 60_000);

  it('history entries added by three processes at once are all kept, with their tokens', async () => {
    const dir = dataDir();
    const service = keychainServiceFor(dir);
    const results = (await race(['p1', 'p2', 'p3'].map((p) => ['history-add', dir, service, '30', p]))) as Array<{ ids: string[] }>;
    const history = new HistoryStore(dir, openSecretStore({ dataDir: dir, service }));
    const ids = results.flatMap((r) => r.ids);
    expect(history.list().map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const id of ids.slice(0, 5)) expect((await history.tokens(id))?.access_token).toMatch(/^at-/);
    // One keychain item for all of it: the vault's master key.
    expect(await new KeytarSecretStore({ service }).list()).toEqual([VAULT_MASTER_KEY_ACCOUNT]);
  }, 60_000);
});

describe('the keystore across processes', () => {
  it('two processes generating the same alias: one key, whose private key is the one kept in the keychain', async () => {
    const dir = dataDir();
    const service = keychainServiceFor(dir);
    const results = (await race([
      ['key-generate', dir, service, 'same'],
      ['key-generate', dir, service, 'same'],
    ])) as Array<{ ok: boolean; kid?: string; code?: string }>;
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)?.code).toBe('ALREADY_EXISTS');
    const { Keystore } = await import('../../electron/keystore/keystore');
    const keystore = new Keystore({ dataDir: dir, secrets: openSecretStore({ dataDir: dir, service }) });
    const [info] = await keystore.list();
    expect(info?.kid).toBe(results.find((r) => r.ok)?.kid);
    // The private key in the keychain belongs to the public key on record.
    const key = await keystore.getSigningKey('same');
    const { createPublicKey } = await import('node:crypto');
    expect(createPublicKey(key.key as never).export({ format: 'jwk' }).x).toBe(info?.publicJwk.x);
  }, 60_000);
});

describe('the data directory', () => {
  it('is created owner-only (0700), its files 0600', async () => {
    const dir = dataDir();
    const r = await runCli(['profiles', 'save', 'x', 'https://as.example', '--client-id', 'x', '--grant-type', 'client_credentials'], { home: dir });
    expect(r.code, r.stderr).toBe(0);
    if (process.platform !== 'win32') {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'profiles.json')).mode & 0o777).toBe(0o600);
    }
  });
});
