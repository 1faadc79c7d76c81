import { WorkbenchError } from '../../shared/errors';
import type { SecretStore } from './secret-store';

export const DEFAULT_KEYCHAIN_SERVICE = 'Token Workbench';

type Keytar = typeof import('keytar');

const HOW_TO_GET_A_KEYCHAIN =
  'Token Workbench keeps secrets only in the OS keychain and never writes them in plaintext. ' +
  'On Linux it needs a Secret Service provider on the D-Bus session bus: install and start gnome-keyring ' +
  '(`gnome-keyring-daemon --start --components=secrets`) or KeePassXC with Secret Service integration, ' +
  'inside a desktop session or `dbus-run-session`. macOS Keychain and Windows Credential Manager need no setup.';

function unavailable(reason: string, cause: unknown): WorkbenchError {
  return new WorkbenchError('KEYCHAIN_UNAVAILABLE', `No OS keychain is reachable (${reason}). ${HOW_TO_GET_A_KEYCHAIN}`, { cause });
}

let keytarModule: Promise<Keytar> | undefined;

/** Loaded on first use so that merely importing the app (or the CLI's --help) never needs the native module. */
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar')
    .then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar)
    .catch((err: unknown) => {
      keytarModule = undefined;
      throw unavailable(`the keytar native module could not be loaded: ${(err as Error).message}`, err);
    });
  return keytarModule;
}

/**
 * The OS keychain through keytar: macOS Keychain, Windows Credential Manager,
 * or the Secret Service (libsecret) on Linux. Values are stored as given, so
 * callers wanting size independence use openSecretStore(), not this class.
 */
export class KeytarSecretStore implements SecretStore {
  readonly service: string;

  constructor(options: { service?: string } = {}) {
    this.service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
  }

  async get(account: string): Promise<string | undefined> {
    const value = await this.call((k) => k.getPassword(this.service, account));
    return value ?? undefined;
  }

  async set(account: string, value: string): Promise<void> {
    await this.call((k) => k.setPassword(this.service, account, value));
  }

  async delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }

  async list(): Promise<string[]> {
    const credentials = await this.call((k) => k.findCredentials(this.service));
    return credentials.map((c) => c.account);
  }

  /** Every keytar failure means the keychain could not serve us (no bus, no provider, locked and dismissed). */
  private async call<T>(work: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = await loadKeytar();
    try {
      return await work(keytar);
    } catch (err) {
      throw unavailable((err as Error).message ?? String(err), err);
    }
  }
}
