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

/** Nothing is wrong with the data: the user only has to unlock. Never advise deleting anything here. */
export function keychainLocked(cause?: unknown): WorkbenchError {
  return new WorkbenchError('KEYCHAIN_LOCKED', 'The OS keychain is locked: unlock your keychain and retry. Nothing was changed.', cause !== undefined ? { cause } : undefined);
}

function accessDenied(reason: string, cause: unknown): WorkbenchError {
  return new WorkbenchError(
    'KEYCHAIN_ACCESS_DENIED',
    `The OS keychain refused Token Workbench access (${reason}): allow access when it asks, or in the keychain's settings, and retry. Nothing was changed.`,
    { cause },
  );
}

/**
 * Sorts keytar's failures into the keychain's states, from the messages the
 * platforms give: libsecret ("Cannot create an item in a locked collection"),
 * macOS Security ("User interaction is not allowed." when locked without a UI;
 * "User canceled the operation." / auth failures when refused), Windows
 * Credential Manager ("Access is denied."). Everything else means no
 * keychain could serve us (no bus, no provider, no native module).
 */
export function classifyKeychainError(err: unknown): WorkbenchError {
  if (err instanceof WorkbenchError) return err;
  const message = (err as Error)?.message ?? String(err);
  if (/locked collection|is locked|IsLocked|User interaction is not allowed|-25308/i.test(message)) return keychainLocked(err);
  if (/access ?denied|Access is denied|canceled the operation|cancelled|dismissed|not authori[sz]ed|passphrase you entered is not correct|-128\b|-25293/i.test(message))
    return accessDenied(message, err);
  return unavailable(message, err);
}

/**
 * Whether the Secret Service's default collection (where keytar stores) is
 * locked, asked over D-Bus; undefined when it cannot be told (not Linux, no
 * dbus-send, no such collection). libsecret answers a lookup in a locked
 * collection with "no such item", a delete with "nothing deleted", and a
 * listing with a crash (keytar's findCredentials dereferences the missing
 * secret): so every empty answer, and every listing, asks first.
 */
export async function secretServiceLocked(): Promise<boolean | undefined> {
  if (process.platform !== 'linux' || !process.env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      ['--session', '--print-reply', '--reply-timeout=2000', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets/aliases/default', 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked'],
      { timeout: 3000 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        resolve(/boolean true/.test(stdout) ? true : /boolean false/.test(stdout) ? false : undefined);
      },
    );
  });
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
    if (value !== null && value !== undefined) return value;
    // Absent, or hidden by a locked collection: only the first may be reported as missing.
    if ((await secretServiceLocked()) === true) throw keychainLocked();
    return undefined;
  }

  async set(account: string, value: string): Promise<void> {
    await this.call((k) => k.setPassword(this.service, account, value));
  }

  async delete(account: string): Promise<boolean> {
    const deleted = await this.call((k) => k.deletePassword(this.service, account));
    if (!deleted && (await secretServiceLocked()) === true) throw keychainLocked();
    return deleted;
  }

  async list(): Promise<string[]> {
    await loadKeytar();
    if ((await secretServiceLocked()) === true) throw keychainLocked();
    const credentials = await this.call((k) => k.findCredentials(this.service));
    return credentials.map((c) => c.account);
  }

  /** keytar's failures, sorted into locked, refused and unreachable (classifyKeychainError). */
  private async call<T>(work: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = await loadKeytar();
    try {
      return await work(keytar);
    } catch (err) {
      throw classifyKeychainError(err);
    }
  }
}
