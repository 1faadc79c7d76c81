import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { Keystore } from '../../electron/keystore/keystore';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';
import { createOpensslFixtures, type OpensslFixtures } from './openssl-fixtures';

export interface KeystoreFixture {
  /** openssl-made key and certificate files, once per test file. */
  fx: OpensslFixtures;
  /** A fresh data dir and keychain service per test. */
  env: KeychainEnv;
  keystore: Keystore;
}

/** Registers the hooks that give each test its own keystore on the real keychain; read the fields inside tests. */
export function useKeystoreFixture(): KeystoreFixture {
  const k = {} as KeystoreFixture;
  beforeAll(() => {
    k.fx = createOpensslFixtures();
  });
  afterAll(() => k.fx.cleanup());
  beforeEach(async () => {
    k.env = await createKeychainEnv();
    k.keystore = new Keystore({ dataDir: k.env.dataDir, secrets: k.env.secrets });
  });
  afterEach(async () => k.env.cleanup());
  return k;
}
