/**
 * Where secrets live: the OS keychain. Implementations throw
 * WorkbenchError('KEYCHAIN_UNAVAILABLE') when no keychain can be reached;
 * there is deliberately no plaintext fallback.
 */
export interface SecretStore {
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Account names currently stored. */
  list(): Promise<string[]>;
}

/** Account names used for profile secrets, one place so nothing invents its own. */
export const profileSecretAccount = (profileId: string, name: 'clientSecret' | 'password' | 'refreshToken' | 'registrationAccessToken') => `profile:${profileId}:${name}`;

/** Keychain account holding the vault's master key; reserved so no caller can overwrite it. */
export const VAULT_MASTER_KEY_ACCOUNT = 'tokenbench:vault-master-key';
