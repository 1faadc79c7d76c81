/**
 * Run in a child process whose D-Bus address points nowhere: every attempt to
 * store a secret or a key must fail with KEYCHAIN_UNAVAILABLE. Prints one JSON
 * line with each attempt's error code and message.
 */
import { Keystore } from '../../electron/keystore/keystore';
import { openSecretStore } from '../../electron/secrets/open-secret-store';

const [dataDir, service, secret, keyPem] = process.argv.slice(2) as [string, string, string, string];
const secrets = openSecretStore({ dataDir, service });
const keystore = new Keystore({ dataDir, secrets });

const attempts: Record<string, () => Promise<unknown>> = {
  smallSecret: () => secrets.set('profile:p:clientSecret', secret),
  largeSecret: () => secrets.set('profile:p:refreshToken', secret.repeat(200)),
  importKey: () => keystore.import({ data: keyPem, alias: 'imported' }),
  generateKey: () => keystore.generate({ alias: 'generated', alg: 'ES256' }),
  readSecret: () => secrets.get('profile:p:clientSecret'),
};

const results: Record<string, { code?: string; message: string } | 'ok'> = {};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    results[name] = 'ok';
  } catch (err) {
    results[name] = { code: (err as { code?: string }).code, message: (err as Error).message };
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
