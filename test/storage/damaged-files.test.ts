import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppService } from '../../electron/app/open';
import { KeytarSecretStore } from '../../electron/secrets/keytar-secret-store';
import { keychainServiceFor } from '../../electron/secrets/open-secret-store';
import { runCli } from '../cli/run-cli';

const services: string[] = [];
afterAll(async () => {
  for (const service of services) {
    const k = new KeytarSecretStore({ service });
    for (const a of await k.list().catch(() => [])) await k.delete(a).catch(() => undefined);
  }
});

/** A data dir with one of everything: a profile with its secret, a key, a large (vault) secret, a history entry. */
async function populated(): Promise<{ dir: string; service: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenbench-damaged-'));
  const service = `Token Workbench test ${randomUUID()}`;
  services.push(service);
  const app = openAppService({ dataDir: dir, mode: 'web', version: 'test', keychainService: service, openBrowser: async () => undefined });
  const p = await app.handlers.saveProfile({ name: 'kept', issuer: 'https://as.example', grantType: 'client_credentials', clientId: 'c', clientAuth: { method: 'client_secret_basic' } } as never);
  await app.handlers.setProfileSecret({ profileId: p.id, name: 'refreshToken', value: 'R'.repeat(3000) });
  await app.handlers.generateKey({ alias: 'demo', alg: 'ES256' });
  await app.close();
  // A history entry, as a run records it.
  const { HistoryStore } = await import('../../electron/app/history');
  const { openSecretStore } = await import('../../electron/secrets/open-secret-store');
  const h = new HistoryStore(dir, openSecretStore({ dataDir: dir, service }));
  await h.add({ profileId: p.id, profileName: 'kept', grantType: 'client_credentials', obtainedAt: new Date().toISOString() }, { access_token: 'at', token_type: 'Bearer' });
  h.close();
  return { dir, service };
}

const FILES = ['profiles.json', 'keystore.json', 'vault.json', 'history.jsonl'] as const;

describe('a damaged data file does not stop the app: it is moved aside, named in a notice, and the rest works', () => {
  it.each(FILES)('ensure-truncated-%s-is-moved-aside-with-a-notice', async (name) => {
    const { dir, service } = await populated();
    const file = join(dir, name);
    const before = readFileSync(file);
    truncateSync(file, Math.floor(before.length / 2));
    const damaged = readFileSync(file);

    const app = openAppService({ dataDir: dir, mode: 'web', version: 'test', keychainService: service, openBrowser: async () => undefined });
    const info = await app.handlers.appInfo({});
    expect(info.notices).toHaveLength(1);
    const notice = info.notices![0]!;
    expect(notice.file).toBe(file);
    expect(notice.message).toContain(name);
    expect(notice.message).toMatch(/moved aside/);
    expect(readFileSync(notice.backup)).toEqual(damaged);
    expect(readdirSync(dir).filter((f) => f.startsWith(`${name}.damaged-`))).toHaveLength(1);

    // Everything else still works, the damaged store starts empty.
    const ws = await app.handlers.listWorkspace({});
    expect(ws.profiles.map((p) => p.name)).toEqual(name === 'profiles.json' ? [] : ['kept']);
    expect((await app.handlers.listKeys({})).map((k) => k.alias)).toEqual(name === 'keystore.json' ? [] : ['demo']);
    expect(await app.handlers.listHistory({})).toHaveLength(name === 'history.jsonl' ? 0 : 1);
    if (name !== 'profiles.json' && name !== 'vault.json') {
      const secrets = await app.handlers.getProfileSecrets({ profileId: ws.profiles[0]!.id });
      expect(secrets.find((s) => s.name === 'refreshToken')?.set).toBe(true);
    }
    const saved = await app.handlers.saveProfile({ name: 'after', issuer: 'https://as.example', grantType: 'client_credentials', clientId: 'c', clientAuth: { method: 'client_secret_basic' } } as never);
    expect((await app.handlers.listWorkspace({})).profiles.some((p) => p.id === saved.id)).toBe(true);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ensure-corrupt-profiles-and-keystore-files-give-one-cli-warning-line-each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-damaged-cli-'));
    services.push(keychainServiceFor(dir));
    writeFileSync(join(dir, 'profiles.json'), '{"groups": [], "profiles": [{"id": ');
    const list = await runCli(['profiles', 'list'], { home: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toMatch(/^tokenbench: warning: profiles\.json was damaged .* moved aside to profiles\.json\.damaged-/m);
    expect(list.stderr.split('\n').filter((l) => l.includes('warning'))).toHaveLength(1);
    const save = await runCli(['profiles', 'save', 'p', 'https://as.example', '--client-id', 'c', '--grant-type', 'client_credentials'], { home: dir });
    expect(save.code, save.stderr).toBe(0);
    expect(save.stderr).not.toMatch(/warning/);

    writeFileSync(join(dir, 'keystore.json'), '\u0000\u0000garbage');
    const keys = await runCli(['keys', 'list'], { home: dir });
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stderr).toMatch(/warning: keystore\.json was damaged/);
    expect(existsSync(join(dir, 'keystore.json'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
