import { WorkbenchError } from '../../shared/errors';
import { resolve } from 'node:path';
import { dataDir } from '../storage/paths';
import { DEFAULT_KEYCHAIN_SERVICE, KeytarSecretStore } from './keytar-secret-store';
import { VAULT_MASTER_KEY_ACCOUNT, type SecretStore } from './secret-store';
import type { Sealer } from './vault';

/** What the app uses of the vault beyond SecretStore. */
export interface VaultAccess {
  sealer(): Promise<Sealer>;
  checkFile(): Promise<void>;
}

/**
 * Values up to this many UTF-8 bytes go straight into the keychain; larger ones
 * into the vault. Windows Credential Manager's hard limit is 2560 bytes; the
 * margin keeps us clear of it whatever encoding a platform uses internally.
 */
export const KEYCHAIN_VALUE_LIMIT_BYTES = 2048;
const MAX_ACCOUNT_LENGTH = 512;

/**
 * The SecretStore the app uses: callers never think about size. Each account
 * lives in exactly one place — the keychain when small, the vault when large —
 * and moving between them writes the new place before clearing the old one.
 */
export class KeychainWithVault implements SecretStore {
  constructor(
    private readonly keychain: SecretStore,
    private readonly vault: SecretStore & Partial<VaultAccess>,
  ) {}

  /** The vault's master key as a sealer, for stores that encrypt their own files under it (the token history). */
  vaultSealer(): Promise<Sealer> {
    if (!this.vault.sealer) throw new WorkbenchError('INTERNAL', 'this secret store has no vault');
    return this.vault.sealer();
  }

  /** Opens the vault file now, so a damaged one is moved aside (with a notice) at start rather than at first use. */
  async checkVaultFile(): Promise<void> {
    await this.vault.checkFile?.();
  }

  async get(account: string): Promise<string | undefined> {
    checkAccount(account);
    return (await this.keychain.get(account)) ?? (await this.vault.get(account));
  }

  async set(account: string, value: string): Promise<void> {
    checkAccount(account);
    // Nothing to keep; the keychain would refuse it with a message that reads like an unreachable keychain.
    if (value === '') throw new WorkbenchError('INVALID_INPUT', `an empty value is not stored as a secret (${account})`);
    if (Buffer.byteLength(value, 'utf8') <= KEYCHAIN_VALUE_LIMIT_BYTES) {
      await this.keychain.set(account, value);
      await this.vault.delete(account);
    } else {
      await this.vault.set(account, value);
      await this.keychain.delete(account);
    }
  }

  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    const fromKeychain = await this.keychain.delete(account);
    const fromVault = await this.vault.delete(account);
    return fromKeychain || fromVault;
  }

  async list(): Promise<string[]> {
    const accounts = new Set([...(await this.keychain.list()), ...(await this.vault.list())]);
    accounts.delete(VAULT_MASTER_KEY_ACCOUNT);
    return [...accounts].sort();
  }
}

function checkAccount(account: string): void {
  if (account.length === 0 || account.length > MAX_ACCOUNT_LENGTH)
    throw new WorkbenchError('INVALID_INPUT', `a secret's account name must be 1–${MAX_ACCOUNT_LENGTH} characters`);
  if (account === VAULT_MASTER_KEY_ACCOUNT) throw new WorkbenchError('INVALID_INPUT', `"${VAULT_MASTER_KEY_ACCOUNT}" is reserved for the vault's master key`);
}

export interface OpenSecretStoreOptions {
  /** The app's data directory (electron/storage/paths.ts dataDir()); the vault file lives there. */
  dataDir: string;
  /** Keychain service name (default: keychainServiceFor(dataDir)); tests use a unique one each. */
  service?: string;
}

/**
 * One keychain service per data directory: the app's own directory uses the
 * plain name, and a TOKENBENCH_HOME elsewhere gets its own, so two
 * environments never share — or overwrite — each other's keys and secrets.
 */
export function keychainServiceFor(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = dataDir({ ...env, TOKENBENCH_HOME: undefined });
  return resolve(dir) === resolve(own) ? DEFAULT_KEYCHAIN_SERVICE : `${DEFAULT_KEYCHAIN_SERVICE} (${resolve(dir)})`;
}

/** The secret store for the rest of the app: OS keychain, with the vault for values too large for it. */
export function openSecretStore(options: OpenSecretStoreOptions): KeychainWithVault {
  const keychain = new KeytarSecretStore({ service: options.service ?? keychainServiceFor(options.dataDir) });
  return new KeychainWithVault(keychain, lazyVault({ dataDir: options.dataDir, keychain }));
}

/**
 * The vault, loaded when first needed. Most reads find their secret in the keychain and never
 * touch it, and its module (file and cipher code) delayed every CLI start's keychain read
 * (bench/cli-start).
 */
function lazyVault(options: { dataDir: string; keychain: SecretStore }): SecretStore & VaultAccess {
  let vault: Promise<import('./vault').Vault> | undefined;
  const load = () => (vault ??= import('./vault').then(({ Vault }) => new Vault(options)));
  return {
    get: async (account) => (await load()).get(account),
    set: async (account, value) => (await load()).set(account, value),
    delete: async (account) => (await load()).delete(account),
    list: async () => (await load()).list(),
    sealer: async () => (await load()).sealer(),
    checkFile: async () => (await load()).checkFile(),
  };
}
