/**
 * Runs inside its own D-Bus session and throwaway gnome-keyring
 * (scripts/with-keyring.sh), so locking the login collection here touches no
 * other test. Stores a profile secret, a keystore key, a vault secret and a
 * history entry; checks the "really absent" messages; then locks the
 * collection over D-Bus (org.freedesktop.Secret.Service.Lock) and tries
 * everything again with fresh stores. Prints one JSON object: each attempt's
 * error code and message (or "ok").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '../../electron/app/history';
import { openAppService } from '../../electron/app/open';
import { Keystore } from '../../electron/keystore/keystore';
import { KeytarSecretStore } from '../../electron/secrets/keytar-secret-store';
import { keychainServiceFor, openSecretStore } from '../../electron/secrets/open-secret-store';
import { profileSecretAccount } from '../../electron/secrets/secret-store';

const [root, repo] = process.argv.slice(2) as [string, string];
const dataDir = join(root, 'data');
const freshDir = join(root, 'fresh');
const service = keychainServiceFor(dataDir);
const results: Record<string, unknown> = {};
const attempt = async (name: string, work: () => Promise<unknown>) => {
  try {
    const value = await work();
    results[name] = { ok: true, value };
  } catch (err) {
    results[name] = { code: (err as { code?: string }).code, message: (err as Error).message };
  }
};
const cli = (args: string[], home = dataDir) => {
  const r = spawnSync(process.execPath, [join(repo, 'bin/tokenbench.js'), ...args], { env: { ...process.env, TOKENBENCH_HOME: home, TOKENBENCH_CODE_CACHE: 'off' }, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
};

// Set up, unlocked.
const app = openAppService({ dataDir, mode: 'web', version: 'test', openBrowser: async () => undefined });
const p = await app.handlers.saveProfile({ name: 'locked-p', issuer: 'https://as.example', grantType: 'client_credentials', clientId: 'c', clientAuth: { method: 'client_secret_basic' } } as never);
await app.handlers.setProfileSecret({ profileId: p.id, name: 'clientSecret', value: 'the-secret' });
const gone = await app.handlers.saveProfile({ name: 'gone-p', issuer: 'https://as.example', grantType: 'client_credentials', clientId: 'c', clientAuth: { method: 'client_secret_basic' } } as never);
await app.handlers.setProfileSecret({ profileId: gone.id, name: 'clientSecret', value: 'soon-gone' });
await app.handlers.generateKey({ alias: 'demo', alg: 'ES256' });
await new Keystore({ dataDir, secrets: openSecretStore({ dataDir }) }).generate({ alias: 'gone-key', alg: 'ES256' });
await openSecretStore({ dataDir }).set('big', 'B'.repeat(3000));
const history = new HistoryStore(dataDir, openSecretStore({ dataDir }));
const entry = await history.add({ profileId: p.id, profileName: 'locked-p', grantType: 'client_credentials', obtainedAt: new Date().toISOString() }, { access_token: 'at', token_type: 'Bearer' });
history.close();
await app.close();

// Really absent items (the keychain is unlocked): their own code, and no advice to delete data.
const raw = new KeytarSecretStore({ service });
await raw.delete(profileSecretAccount(gone.id, 'clientSecret'));
await raw.delete('key:gone-key');
{
  const a = openAppService({ dataDir, mode: 'web', version: 'test', openBrowser: async () => undefined });
  await attempt('absentProfileSecret', () => a.handlers.getToken({ runId: 'r0', profileId: gone.id }));
  await a.close();
  await attempt('absentKey', () => new Keystore({ dataDir, secrets: openSecretStore({ dataDir }) }).getSigningKey('gone-key'));
}

// Lock the login collection (the default one, where keytar stores).
execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login']);

{
  const a = openAppService({ dataDir, mode: 'web', version: 'test', openBrowser: async () => undefined });
  await attempt('getToken', () => a.handlers.getToken({ runId: 'r1', profileId: p.id }));
  await attempt('profileSecrets', () => a.handlers.getProfileSecrets({ profileId: p.id }));
  await attempt('historyTokens', () => a.handlers.getHistoryTokens({ historyId: entry.id }));
  await a.close();
}
await attempt('signingKey', () => new Keystore({ dataDir, secrets: openSecretStore({ dataDir }) }).getSigningKey('demo'));
await attempt('vaultRead', () => openSecretStore({ dataDir }).get('big'));
await attempt('keychainList', () => new KeytarSecretStore({ service }).list());
await attempt('keychainDelete', () => new KeytarSecretStore({ service }).delete(profileSecretAccount(p.id, 'clientSecret')));
// A fresh data dir: the vault must not create a master key while the keychain is locked.
await attempt('newVaultKey', () => openSecretStore({ dataDir: freshDir }).set('large', 'L'.repeat(3000)));
results.freshVaultWritten = existsSync(join(freshDir, 'vault.json'));
await attempt('newKey', () => new Keystore({ dataDir: freshDir, secrets: openSecretStore({ dataDir: freshDir }) }).generate({ alias: 'k', alg: 'ES256' }));
const save = cli(['profiles', 'save', 'new-p', 'https://as.example', '--client-id', 'c', '--client-secret', 's', '--grant-type', 'client_credentials']);
results.cliSave = { ...save, profileWritten: readFileSync(join(dataDir, 'profiles.json'), 'utf8').includes('new-p') };
results.cliToken = cli(['token', '--profile', 'locked-p']);
process.stdout.write(`${JSON.stringify(results)}\n`);
