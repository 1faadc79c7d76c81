import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeytarSecretStore } from '../../electron/secrets/keytar-secret-store';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import type { SecretStore } from '../../electron/secrets/secret-store';

/** A private data dir and keychain service per test, so tests run in parallel and leave nothing behind. */
export interface KeychainEnv {
  dataDir: string;
  service: string;
  /** The raw keychain for this service (no vault), to inspect where values went. */
  keychain: KeytarSecretStore;
  /** What the app uses: keychain plus vault. */
  secrets: SecretStore;
  cleanup(): Promise<void>;
}

export async function createKeychainEnv(): Promise<KeychainEnv> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenbench-test-'));
  const service = `Token Workbench test ${randomUUID()}`;
  const keychain = new KeytarSecretStore({ service });
  return {
    dataDir,
    service,
    keychain,
    secrets: openSecretStore({ dataDir, service }),
    async cleanup() {
      for (const account of await keychain.list()) await keychain.delete(account);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
