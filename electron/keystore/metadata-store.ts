import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { moveAsideDamaged } from '../storage/damaged-files';
import { withFileLockSync, writeFileAtomic } from '../storage/locked-file';
import { ASYMMETRIC_SIGNING_ALGS } from '../../shared/grants';
import { EC_CURVES } from './algorithms';

/** The keystore file's name (without `.json`), shared with electron-store in the desktop app. */
export const KEYSTORE_CONFIG_NAME = 'keystore';

export const ALIAS_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

const PublicJwkSchema = z
  .object({ kty: z.enum(['RSA', 'EC', 'OKP']), n: z.string().optional(), e: z.string().optional(), crv: z.string().optional(), x: z.string().optional(), y: z.string().optional() })
  .strict();

/**
 * One key's stored metadata. It holds a reference to the private key's
 * keychain account, never the key: `privateKeyRef` names it.
 */
export const KeyRecordSchema = z
  .object({
    alias: z.string().regex(ALIAS_PATTERN),
    keyType: z.enum(['RSA', 'EC', 'OKP']),
    modulusLength: z.number().int().positive().optional(),
    curve: z.enum([...EC_CURVES, 'Ed25519']).optional(),
    alg: z.enum(ASYMMETRIC_SIGNING_ALGS),
    kid: z.string().min(1).max(256),
    source: z.enum(['generated', 'pem', 'der', 'jwk', 'pkcs12']),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
    publicJwk: PublicJwkSchema,
    privateKeyRef: z.string().min(1),
    /** Base64 DER, leaf first. */
    certificates: z.array(z.string()).default([]),
  })
  .strict();
export type KeyRecord = z.infer<typeof KeyRecordSchema>;

interface KeystoreFile {
  version: number;
  keys: KeyRecord[];
  /** Members other versions wrote: kept as they are. */
  [other: string]: unknown;
}

/**
 * Key metadata in `<dataDir>/keystore.json` (conf's format, which electron-store
 * and earlier versions wrote: one tab-indented JSON object), so the desktop
 * app and the CLI read the same file. Keys are an array, not an object keyed
 * by alias, so no alias can collide with Object.prototype.
 *
 * Changes are read-modify-writes under the file's cross-process lock, written
 * atomically (locked-file.ts). A file that is not JSON, or whose records do not
 * validate, is moved aside with a notice (damaged-files.ts) and the keystore
 * starts empty: the private keys stay in the keychain, untouched.
 */
export class KeyMetadataStore {
  readonly path: string;
  private cache?: { stamp: string; file: KeystoreFile };

  constructor(dataDir: string) {
    this.path = join(dataDir, `${KEYSTORE_CONFIG_NAME}.json`);
  }

  /** Every record, validated. */
  all(): KeyRecord[] {
    return this.read(false).keys;
  }

  find(alias: string): KeyRecord | undefined {
    return this.all().find((r) => r.alias === alias);
  }

  /** Replaces all records in one atomic file write. Prefer update(), which re-reads under the lock. */
  replaceAll(records: KeyRecord[]): void {
    this.update(() => records);
  }

  /** Changes the records from what the file holds now, under the lock, in one atomic write; `change` may throw to change nothing. */
  update(change: (records: KeyRecord[]) => KeyRecord[]): KeyRecord[] {
    return withFileLockSync(this.path, () => {
      const file = this.read(true);
      const keys = change([...file.keys]);
      const next = { ...file, keys };
      writeFileAtomic(this.path, JSON.stringify(next, undefined, '\t'));
      this.cache = undefined;
      return keys;
    });
  }

  private read(locked: boolean): KeystoreFile {
    let st;
    try {
      st = statSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
      throw err;
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    if (this.cache?.stamp === stamp) return this.cache.file;
    const text = readFileSync(this.path, 'utf8');
    let damage: string | undefined;
    let file: KeystoreFile | undefined;
    try {
      const json: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (!json || typeof json !== 'object' || Array.isArray(json)) damage = 'it does not hold a JSON object';
      else {
        const obj = json as Record<string, unknown>;
        const parsed = z.array(KeyRecordSchema).safeParse(obj.keys ?? []);
        if (parsed.success) file = { version: 1, ...obj, keys: parsed.data };
        else damage = `its key records do not validate: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
      }
    } catch (err) {
      damage = `it is not valid JSON (${(err as Error).message})`;
    }
    if (file) {
      this.cache = { stamp, file };
      return file;
    }
    // Judged again under the lock: another process may have replaced the file meanwhile.
    if (!locked) return withFileLockSync(this.path, () => this.read(true));
    moveAsideDamaged(this.path, damage ?? 'unreadable');
    this.cache = undefined;
    return { version: 1, keys: [] };
  }
}
