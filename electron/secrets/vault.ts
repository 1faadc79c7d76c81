import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { WorkbenchError } from '../../shared/errors';
import '../../shared/zod-messages';
import { moveAsideDamaged } from '../storage/damaged-files';
import { withFileLock, writeFileAtomic } from '../storage/locked-file';
import { VAULT_MASTER_KEY_ACCOUNT, type SecretStore } from './secret-store';

export { VAULT_MASTER_KEY_ACCOUNT };
export const VAULT_FILE_NAME = 'vault.json';

const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

// zod/mini, like the profile schemas: a third of zod's cost to load on the CLI's paths (bench/cli-start).
const base64 = z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const SealedSchema = z.strictObject({ iv: base64, tag: base64, ciphertext: base64 });
const VaultEntrySchema = z.strictObject({ account: z.string().check(z.minLength(1)), iv: base64, tag: base64, ciphertext: base64 });
const VaultFileSchema = z.strictObject({
  version: z.literal(1),
  cipher: z.literal('aes-256-gcm'),
  /** Written with the master key: the key exists (so a missing one is lost, never silently replaced) and is the right one. */
  keyCheck: z.optional(SealedSchema),
  entries: z.array(VaultEntrySchema),
});
type VaultEntry = z.infer<typeof VaultEntrySchema>;
type VaultFile = z.infer<typeof VaultFileSchema>;
export type SealedBox = z.infer<typeof SealedSchema>;
export const SealedBoxSchema = SealedSchema;

const KEY_CHECK_AAD = 'tokenbench:vault-key-check';
const EMPTY: VaultFile = { version: 1, cipher: 'aes-256-gcm', entries: [] };

/** Encrypts and decrypts with the vault's master key, for stores that keep their own files (the token history). */
export interface Sealer {
  seal(aad: string, plaintext: string): SealedBox;
  open(aad: string, box: SealedBox): string;
}

/**
 * Secrets too large for some keychains (Windows Credential Manager refuses
 * values over 2560 bytes; an RSA-4096 PEM is ~3.3 kB). One random 256-bit
 * master key lives in the keychain; each secret is AES-256-GCM-encrypted with
 * a fresh IV and its account name as additional data, so an entry cannot be
 * moved to another account unnoticed. Without the keychain the file is noise.
 *
 * Every change is a read-modify-write under the file's cross-process lock,
 * written atomically; the master key is created under that lock too, after
 * reading the keychain again, so two processes never both create one. A key
 * is created only for a vault that never had one (no entries, no key check),
 * and never while the keychain is locked (the keychain store reports a
 * locked collection instead of "absent").
 */
export class Vault implements SecretStore {
  readonly file: string;
  private readonly keychain: SecretStore;
  /** Serialises this process's operations (the file lock is per process, not per call). */
  private queue: Promise<unknown> = Promise.resolve();
  private key?: Buffer;

  constructor(options: { dataDir: string; keychain: SecretStore }) {
    this.file = join(options.dataDir, VAULT_FILE_NAME);
    this.keychain = options.keychain;
  }

  get(account: string): Promise<string | undefined> {
    return this.exclusive(async () => {
      const vault = await this.readChecked();
      const entry = vault.entries.find((e) => e.account === account);
      if (!entry) return undefined;
      const key = await this.masterKey(vault, false);
      return decrypt(key, entry.account, entry);
    });
  }

  set(account: string, value: string): Promise<void> {
    return this.exclusive(() =>
      withFileLock(this.file, async () => {
        const vault = this.read(true);
        const key = await this.masterKey(vault, true);
        const entry = { account, ...encrypt(key, account, value) };
        this.write({ ...vault, ...this.keyCheckOf(vault, key), entries: [...vault.entries.filter((e) => e.account !== account), entry] });
      }),
    );
  }

  delete(account: string): Promise<boolean> {
    return this.exclusive(async () => {
      // Nothing to change: no lock, no write (every small secret's save asks the vault to forget it).
      if (!(await this.readChecked()).entries.some((e) => e.account === account)) return false;
      return withFileLock(this.file, async () => {
        const vault = this.read(true);
        const entries = vault.entries.filter((e) => e.account !== account);
        if (entries.length === vault.entries.length) return false;
        this.write({ ...vault, entries });
        return true;
      });
    });
  }

  list(): Promise<string[]> {
    return this.exclusive(async () => (await this.readChecked()).entries.map((e) => e.account));
  }

  /** The master key as a sealer, created (under the lock) when the vault never had one. */
  sealer(): Promise<Sealer> {
    return this.exclusive(async () => {
      let key = this.key;
      if (!key) {
        key = await withFileLock(this.file, async () => {
          const vault = this.read(true);
          const k = await this.masterKey(vault, true);
          if (!vault.keyCheck) this.write({ ...vault, ...this.keyCheckOf(vault, k) });
          return k;
        });
      }
      const k = key;
      return { seal: (aad, plaintext) => encrypt(k, aad, plaintext), open: (aad, box) => decrypt(k, aad, box) };
    });
  }

  /** Opens the vault file, moving it aside (under the lock) when it is damaged. */
  checkFile(): Promise<void> {
    return this.exclusive(async () => void (await this.readChecked()));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads without the lock (writes are atomic renames); a damaged file is judged again under the lock. */
  private async readChecked(): Promise<VaultFile> {
    const vault = this.read(false);
    return vault ?? withFileLock(this.file, async () => this.read(true));
  }

  /** The vault; undefined (outside the lock) or moved aside with a notice (under it) when damaged. */
  private read(locked: true): VaultFile;
  private read(locked: false): VaultFile | undefined;
  private read(locked: boolean): VaultFile | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw err;
    }
    let damage: string | undefined;
    try {
      const parsed = VaultFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      damage = 'it is not a Token Workbench vault';
    } catch {
      damage = 'it is not valid JSON';
    }
    if (!locked) return undefined;
    moveAsideDamaged(this.file, damage);
    return EMPTY;
  }

  /** Write-then-rename (with fsyncs) under the lock, so a crash never leaves a half-written vault; 0600 because it is only ours to read. */
  private write(vault: VaultFile): void {
    writeFileAtomic(this.file, `${JSON.stringify(vault, null, 2)}\n`);
  }

  private keyCheckOf(vault: VaultFile, key: Buffer): { keyCheck?: SealedBox } {
    return vault.keyCheck ? {} : { keyCheck: encrypt(key, KEY_CHECK_AAD, KEY_CHECK_AAD) };
  }

  /**
   * The master key. Created only when asked to and the vault never had one;
   * a vault with entries or a key check never gets a new key (that would
   * orphan them): its missing key is reported as missing, nothing else.
   */
  private async masterKey(vault: VaultFile, createIfMissing: boolean): Promise<Buffer> {
    if (this.key) return this.key;
    // A locked keychain throws here (KEYCHAIN_LOCKED): never mistaken for a missing key.
    const stored = await this.keychain.get(VAULT_MASTER_KEY_ACCOUNT);
    if (stored !== undefined) {
      const key = Buffer.from(stored, 'base64');
      if (key.length !== KEY_BYTES) throw new WorkbenchError('DECRYPTION_FAILED', "the vault's master key in the OS keychain is malformed");
      if (vault.keyCheck) {
        try {
          decrypt(key, KEY_CHECK_AAD, vault.keyCheck);
        } catch (err) {
          throw new WorkbenchError('DECRYPTION_FAILED', `the vault's master key in the OS keychain is not the one ${this.file} was written with (was the keychain item replaced?)`, { cause: err });
        }
      }
      this.key = key;
      return key;
    }
    const hadKey = vault.entries.length > 0 || vault.keyCheck !== undefined;
    if (hadKey || !createIfMissing)
      throw new WorkbenchError(
        'KEYCHAIN_ITEM_MISSING',
        hadKey
          ? `the vault's master key is missing from the OS keychain (the keychain is reachable and unlocked, and has no such item), so the ${vault.entries.length} entries of ${this.file} cannot be read. Restore the keychain item "${VAULT_MASTER_KEY_ACCOUNT}" from a backup if you have one.`
          : `the vault's master key is missing from the OS keychain`,
      );
    const key = randomBytes(KEY_BYTES);
    await this.keychain.set(VAULT_MASTER_KEY_ACCOUNT, key.toString('base64'));
    this.key = key;
    return key;
  }
}

function encrypt(key: Buffer, account: string, value: string): SealedBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(account, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

function decrypt(key: Buffer, account: string, entry: SealedBox): string {
  try {
    const iv = Buffer.from(entry.iv, 'base64');
    const tag = Buffer.from(entry.tag, 'base64');
    // A shortened tag would weaken authentication, so only the full 16 bytes are accepted.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad IV or tag length');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(account, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(entry.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new WorkbenchError(
      'DECRYPTION_FAILED',
      `the vault entry "${account}" does not decrypt with the master key in the OS keychain (tampered, or the key was replaced)`,
      { cause: err },
    );
  }
}
