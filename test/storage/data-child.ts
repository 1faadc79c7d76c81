/**
 * One process of the cross-process tests: does one thing to a data
 * directory, as the desktop app / browser mode would, and prints a JSON line.
 *   app-save DATA_DIR NAME SECRET          save a profile and its secret through the app service
 *   vault-set DATA_DIR SERVICE ACCOUNT LEN  store a LEN-character secret (the vault, for large ones)
 *   seal DATA_DIR SERVICE                   get the vault's master key (creating it if needed) and seal a value
 *   history-add DATA_DIR SERVICE COUNT PROFILE   add COUNT history entries
 *   key-generate DATA_DIR SERVICE ALIAS     generate an ES256 key under ALIAS
 * A start line on stdin lets the parent release every child at once.
 */
import { randomUUID } from 'node:crypto';
import { HistoryStore } from '../../electron/app/history';
import { openAppService } from '../../electron/app/open';
import { openSecretStore } from '../../electron/secrets/open-secret-store';

const [mode, dataDir, ...args] = process.argv.slice(2) as [string, string, ...string[]];

await new Promise<void>((resolve) => {
  if (process.env.WAIT_FOR_START !== '1') return resolve();
  process.stdin.once('data', () => resolve());
});

const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

switch (mode) {
  case 'app-save': {
    const [name, secret, service] = args as [string, string, string];
    const app = openAppService({ dataDir, mode: 'web', version: 'test', keychainService: service, openBrowser: async () => undefined });
    const p = await app.handlers.saveProfile({ name, issuer: 'https://as.example', grantType: 'client_credentials', clientId: name, clientAuth: { method: 'client_secret_basic' } } as never);
    await app.handlers.setProfileSecret({ profileId: p.id, name: 'clientSecret', value: secret });
    await app.close();
    out({ id: p.id });
    break;
  }
  case 'vault-set': {
    const [service, account, length] = args as [string, string, string];
    const secrets = openSecretStore({ dataDir, service });
    const value = `${account}:`.padEnd(Number(length), account.slice(-1));
    await secrets.set(account, value);
    out({ account });
    break;
  }
  case 'seal': {
    const [service] = args as [string];
    const secrets = openSecretStore({ dataDir, service });
    const sealer = await secrets.vaultSealer();
    out({ box: sealer.seal('race', `sealed by ${process.pid}`), pid: process.pid });
    break;
  }
  case 'history-add': {
    const [service, count, profileId] = args as [string, string, string];
    const history = new HistoryStore(dataDir, openSecretStore({ dataDir, service }));
    const ids: string[] = [];
    for (let i = 0; i < Number(count); i++) {
      const e = await history.add({ profileId, profileName: profileId, grantType: 'client_credentials', obtainedAt: new Date().toISOString() }, { access_token: `at-${randomUUID()}`, token_type: 'Bearer' });
      ids.push(e.id);
    }
    history.close();
    out({ ids });
    break;
  }
  case 'key-generate': {
    const [service, alias] = args as [string, string];
    const { Keystore } = await import('../../electron/keystore/keystore');
    const keystore = new Keystore({ dataDir, secrets: openSecretStore({ dataDir, service }) });
    try {
      const info = await keystore.generate({ alias, alg: 'ES256' });
      out({ ok: true, kid: info.kid });
    } catch (err) {
      out({ ok: false, code: (err as { code?: string }).code });
    }
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
