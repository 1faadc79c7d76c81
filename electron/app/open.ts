import { Keystore } from '../keystore/keystore';
import { openSecretStore } from '../secrets/open-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { createAppService, type AppService, type AppServiceOptions } from './service';

export type OpenAppServiceOptions = Omit<AppServiceOptions, 'secrets' | 'keystore'> & {
  secrets?: SecretStore;
  /** Keychain service name; tests use a unique one so they never touch the user's items. */
  keychainService?: string;
};

/** The service with the real keychain and keystore behind it, as the desktop app and `npm run web` use it. */
export function openAppService(options: OpenAppServiceOptions): AppService {
  const { keychainService, ...rest } = options;
  const secrets = options.secrets ?? openSecretStore({ dataDir: options.dataDir, ...(keychainService ? { service: keychainService } : {}) });
  const keystore = new Keystore({ dataDir: options.dataDir, secrets });
  return createAppService({ ...rest, secrets, keystore });
}
