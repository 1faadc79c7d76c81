import Conf from 'conf';
import * as z from 'zod';
import { WorkbenchError } from '../../shared/errors';
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

type KeystoreFile = { version: number; keys: unknown[] };

/**
 * Key metadata in `<dataDir>/keystore.json` through conf (what electron-store
 * extends), so the desktop app and the CLI read the same file. Keys are an
 * array, not an object keyed by alias, so no alias can collide with
 * Object.prototype.
 */
export class KeyMetadataStore {
  private readonly conf: Conf<KeystoreFile>;

  constructor(dataDir: string) {
    this.conf = new Conf<KeystoreFile>({
      cwd: dataDir,
      configName: KEYSTORE_CONFIG_NAME,
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      defaults: { version: 1, keys: [] },
    });
  }

  get path(): string {
    return this.conf.path;
  }

  /** Every record, validated: a hand-edited or damaged file is reported, not half-trusted. */
  all(): KeyRecord[] {
    const parsed = z.array(KeyRecordSchema).safeParse(this.conf.get('keys'));
    if (!parsed.success)
      throw new WorkbenchError('INVALID_INPUT', `${this.conf.path} is damaged: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  find(alias: string): KeyRecord | undefined {
    return this.all().find((r) => r.alias === alias);
  }

  /** Replaces all records in one atomic file write. */
  replaceAll(records: KeyRecord[]): void {
    this.conf.set('keys', records);
  }
}
