import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { WorkbenchError } from '../../shared/errors';
import '../../shared/zod-messages';
import { VAULT_MASTER_KEY_ACCOUNT, type SecretStore } from './secret-store';

export { VAULT_MASTER_KEY_ACCOUNT };
export const VAULT_FILE_NAME = 'vault.json';

const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

// zod/mini, like the profile schemas: a third of zod's cost to load on the CLI's paths (bench/cli-start).
const base64 = z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const VaultEntrySchema = z.strictObject({ account: z.string().check(z.minLength(1)), iv: base64, tag: base64, ciphertext: base64 });
const VaultFileSchema = z.strictObject({ version: z.literal(1), cipher: z.literal('aes-256-gcm'), entries: z.array(VaultEntrySchema) });
type VaultEntry = z.infer<typeof VaultEntrySchema>;
type VaultFile = z.infer<typeof VaultFileSchema>;

/**
 * Secrets too large for some keychains (Windows Credential Manager refuses
 * values over 2560 bytes; an RSA-4096 PEM is ~3.3 kB). One random 256-bit
 * master key lives in the keychain; each secret is AES-256-GCM-encrypted with
 * a fresh IV and its account name as additional data, so an entry cannot be
 * moved to another account unnoticed. Without the keychain the file is noise.
 */
export class Vault implements SecretStore {
  readonly file: string;
  private readonly keychain: SecretStore;
  /** Serialises read-modify-write cycles within this process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: { dataDir: string; keychain: SecretStore }) {
    this.file = join(options.dataDir, VAULT_FILE_NAME);
    this.keychain = options.keychain;
  }

  get(account: string): Promise<string | undefined> {
    return this.exclusive(async () => {
      const vault = await this.read();
      const entry = vault.entries.find((e) => e.account === account);
      if (!entry) return undefined;
      const key = await this.masterKey(false);
      if (!key) throw new WorkbenchError('DECRYPTION_FAILED', `the vault's master key is missing from the OS keychain, so "${account}" cannot be read`);
      return decrypt(key, entry);
    });
  }

  set(account: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const vault = await this.read();
      const key = await this.masterKey(vault.entries.length === 0);
      if (!key)
        throw new WorkbenchError(
          'DECRYPTION_FAILED',
          `the vault's master key is missing from the OS keychain; the existing entries in ${this.file} can no longer be read (delete that file to start over)`,
        );
      const entry = encrypt(key, account, value);
      await this.write({ ...vault, entries: [...vault.entries.filter((e) => e.account !== account), entry] });
    });
  }

  delete(account: string): Promise<boolean> {
    return this.exclusive(async () => {
      const vault = await this.read();
      const entries = vault.entries.filter((e) => e.account !== account);
      if (entries.length === vault.entries.length) return false;
      await this.write({ ...vault, entries });
      return true;
    });
  }

  list(): Promise<string[]> {
    return this.exclusive(async () => (await this.read()).entries.map((e) => e.account));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<VaultFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, cipher: 'aes-256-gcm', entries: [] };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new WorkbenchError('INVALID_JSON', `${this.file} is not valid JSON`, { cause: err });
    }
    const parsed = VaultFileSchema.safeParse(json);
    if (!parsed.success) throw new WorkbenchError('INVALID_INPUT', `${this.file} is not a Token Workbench vault`);
    return parsed.data;
  }

  /** Write-then-rename so a crash never leaves a half-written vault; 0600 because it is only ours to read. */
  private async write(vault: VaultFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(vault, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The master key, created on first need; a vault with entries never gets a new key (that would orphan them). */
  private async masterKey(createIfMissing: boolean): Promise<Buffer | undefined> {
    const stored = await this.keychain.get(VAULT_MASTER_KEY_ACCOUNT);
    if (stored !== undefined) {
      const key = Buffer.from(stored, 'base64');
      if (key.length !== KEY_BYTES) throw new WorkbenchError('DECRYPTION_FAILED', "the vault's master key in the OS keychain is malformed");
      return key;
    }
    if (!createIfMissing) return undefined;
    const key = randomBytes(KEY_BYTES);
    await this.keychain.set(VAULT_MASTER_KEY_ACCOUNT, key.toString('base64'));
    return key;
  }
}

function encrypt(key: Buffer, account: string, value: string): VaultEntry {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(account, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { account, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

function decrypt(key: Buffer, entry: VaultEntry): string {
  try {
    const iv = Buffer.from(entry.iv, 'base64');
    const tag = Buffer.from(entry.tag, 'base64');
    // A shortened tag would weaken authentication, so only the full 16 bytes are accepted.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad IV or tag length');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(entry.account, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(entry.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new WorkbenchError(
      'DECRYPTION_FAILED',
      `the vault entry "${entry.account}" does not decrypt with the master key in the OS keychain (tampered, or the key was replaced)`,
      { cause: err },
    );
  }
}
