import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';
import { join } from 'node:path';
import { WorkbenchError } from '../../shared/errors';
import { withFileLock } from '../storage/locked-file';
import type { AsymmetricAlg } from '../../shared/grants';
import type { SigningKey } from '../jose/sign';
import type { SecretStore } from '../secrets/secret-store';
import { algorithmsFor, describePrivateKey, generatePrivateKey, isAsymmetricAlg, type KeyKind } from './algorithms';
import { certificateInfo, certificatesToPem, chainForKey, createSelfSignedCertificate, readCertificates } from './certificates';
import { parseKeyFile, type ParsedKey } from './key-import';
import { ALIAS_PATTERN, KeyMetadataStore, type KeyRecord } from './metadata-store';
import type { GenerateKeyOptions, ImportKeyOptions, Jwks, KeyInfo, PublicJwk, SelfSignedCertificateOptions } from './types';

/** Keychain account of a key's PKCS#8 PEM. */
export const privateKeyAccount = (alias: string) => `key:${alias}`;

const DEFAULT_VALIDITY_DAYS = 365;
const MAX_KID_LENGTH = 256;

export interface KeystoreOptions {
  dataDir: string;
  secrets: SecretStore;
}

export type PrivateExportFormat = 'pem' | 'jwk';

/**
 * Signing keys and their certificates. Metadata (public parts, kid, chain)
 * lives in keystore.json; private keys in the SecretStore under `key:<alias>`.
 * Every operation validates fully before writing, so a failure leaves the
 * store as it was; within a process operations run one at a time.
 */
export class Keystore {
  private readonly metadata: KeyMetadataStore;
  private readonly secrets: SecretStore;
  private queue: Promise<unknown> = Promise.resolve();

  /** Named after no file: only its `.lock` directory is ever created. */
  private readonly operationsLock: string;

  constructor(options: KeystoreOptions) {
    this.metadata = new KeyMetadataStore(options.dataDir);
    this.operationsLock = join(options.dataDir, 'keystore-changes');
    this.secrets = options.secrets;
  }

  /** Path of the metadata file (for diagnostics; it holds no secret). */
  get metadataPath(): string {
    return this.metadata.path;
  }

  async list(): Promise<KeyInfo[]> {
    return this.metadata.all().map(toKeyInfo);
  }

  async show(alias: string): Promise<KeyInfo> {
    return toKeyInfo(this.record(alias));
  }

  generate(options: GenerateKeyOptions): Promise<KeyInfo> {
    return this.exclusive(async () => {
      checkNewAlias(options.alias, this.metadata.all());
      const privateKey = await generatePrivateKey({ alg: options.alg, modulusLength: options.modulusLength });
      const [record] = await this.prepare([{ privateKey, source: 'generated', certificates: [] }], [options.alias], options.alg);
      await this.commit([record!], [privateKey]);
      return toKeyInfo(record!);
    });
  }

  /** Imports every key in a file (one, or each key of a JWKS) or none of them. */
  import(options: ImportKeyOptions): Promise<KeyInfo[]> {
    return this.exclusive(async () => {
      const parsed = await parseKeyFile({ data: options.data, passphrase: options.passphrase });
      // Refuse unusable keys (weak RSA, secp256k1…) before anything else looks at them.
      for (const key of parsed) describePrivateKey(key.privateKey);
      const existing = this.metadata.all();
      const aliases = await Promise.all(parsed.map((key, i) => aliasFor(key, i, parsed.length, options.alias)));
      for (const alias of aliases) checkNewAlias(alias, existing);
      const duplicate = aliases.find((a, i) => aliases.indexOf(a) !== i);
      if (duplicate) throw new WorkbenchError('ALREADY_EXISTS', `the file would create the alias "${duplicate}" twice; give --alias`);
      const records = await this.prepare(parsed, aliases, options.alg);
      await this.commit(
        records,
        parsed.map((p) => p.privateKey),
      );
      return records.map(toKeyInfo);
    });
  }

  setKid(alias: string, kid: string): Promise<KeyInfo> {
    return this.update(alias, (record) => {
      if (kid.length === 0 || kid.length > MAX_KID_LENGTH || /[\u0000-\u001f\u007f]/.test(kid))
        throw new WorkbenchError('INVALID_INPUT', `kid must be 1–${MAX_KID_LENGTH} printable characters`);
      return { ...record, kid };
    });
  }

  /** Back to the default kid: the RFC 7638 thumbprint, as `keys jwks` exports it. */
  resetKid(alias: string): Promise<KeyInfo> {
    return this.update(alias, async (record) => ({ ...record, kid: await calculateJwkThumbprint(record.publicJwk as JWK) }));
  }

  /** Sets the algorithm used when a caller asks for none. */
  setAlg(alias: string, alg: AsymmetricAlg): Promise<KeyInfo> {
    return this.update(alias, (record) => ({ ...record, alg: checkAlg(alg, kindOf(record)) }));
  }

  /** Attaches a certificate (PEM or DER, chain allowed) whose public key must be this key's. Replaces any earlier chain. */
  attachCertificate(alias: string, data: string | Uint8Array): Promise<KeyInfo> {
    return this.update(alias, async (record) => {
      const chain = chainForKey(readCertificates(data), await publicKeyOf(record));
      return { ...record, certificates: chain.map((der) => der.toString('base64')) };
    });
  }

  detachCertificate(alias: string): Promise<KeyInfo> {
    return this.update(alias, (record) => ({ ...record, certificates: [] }));
  }

  generateSelfSignedCertificate(alias: string, options: SelfSignedCertificateOptions): Promise<KeyInfo> {
    return this.exclusive(async () => {
      const record = this.record(alias);
      const privateKey = await this.privateKey(record);
      const der = await createSelfSignedCertificate(privateKey, kindOf(record), {
        subject: options.subject,
        validityDays: options.validityDays ?? DEFAULT_VALIDITY_DAYS,
      });
      return this.save({ ...record, certificates: [der.toString('base64')], updatedAt: new Date().toISOString() });
    });
  }

  async exportPublicJwk(alias: string): Promise<PublicJwk> {
    return publicJwkOf(this.record(alias));
  }

  /** Every key's public JWK, ready to register at an identity provider. */
  async exportJwks(): Promise<Jwks> {
    return { keys: this.metadata.all().map(publicJwkOf) };
  }

  async exportPublicPem(alias: string): Promise<string> {
    return (await publicKeyOf(this.record(alias))).export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The attached chain as PEM, leaf first. */
  async exportCertificatePem(alias: string): Promise<string> {
    return certificatesToPem(certificateChain(this.record(alias)));
  }

  /** The private key itself, only when the caller says so explicitly. */
  async exportPrivate(alias: string, options: { confirm: true; format?: 'pem' }): Promise<string>;
  async exportPrivate(alias: string, options: { confirm: true; format: 'jwk' }): Promise<JWK>;
  async exportPrivate(alias: string, options: { confirm: true; format?: PrivateExportFormat }): Promise<string | JWK> {
    if (options?.confirm !== true) throw new WorkbenchError('INVALID_INPUT', 'exporting a private key needs explicit confirmation');
    const record = this.record(alias);
    const privateKey = await this.privateKey(record);
    if (options.format === 'jwk') return { ...(await exportJWK(privateKey)), kid: record.kid, alg: record.alg, use: 'sig' };
    return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /** Removes the key from the keychain and the metadata. */
  delete(alias: string): Promise<void> {
    return this.exclusive(async () => {
      const records = this.metadata.all();
      if (!records.some((r) => r.alias === alias)) throw notFound(alias);
      // The secret goes first: if the keychain is unreachable nothing has changed.
      await this.secrets.delete(privateKeyAccount(alias));
      this.metadata.update((now) => now.filter((r) => r.alias !== alias));
    });
  }

  /** What the engine signs with for `keystore:ALIAS`; the KeyObject never leaves the main process. */
  async getSigningKey(alias: string, alg?: string): Promise<SigningKey> {
    const record = this.record(alias);
    const chosen = alg === undefined ? record.alg : checkAlg(alg, kindOf(record));
    const chain = certificateChain(record);
    const leaf = chain[0] ? certificateInfo(chain[0]) : undefined;
    return {
      key: await this.privateKey(record),
      alg: chosen,
      kid: record.kid,
      thumbprint: await calculateJwkThumbprint(record.publicJwk as JWK),
      ...(leaf ? { x5t: leaf.x5t, x5tS256: leaf.x5tS256, x5c: record.certificates } : {}),
    };
  }

  /** Certificate chain and key as PEM for a mutual-TLS client (undici's `connect.cert` / `connect.key`). */
  async getTlsClientCredentials(alias: string): Promise<{ certPem: string; keyPem: string }> {
    const record = this.record(alias);
    const chain = certificateChain(record);
    if (chain.length === 0)
      throw new WorkbenchError('MISSING_CONFIGURATION', `key "${alias}" has no certificate; attach one or generate a self-signed one for mutual TLS`);
    const privateKey = await this.privateKey(record);
    return { certPem: certificatesToPem(chain), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  private record(alias: string): KeyRecord {
    const record = this.metadata.find(alias);
    if (!record) throw notFound(alias);
    return record;
  }

  private async privateKey(record: KeyRecord): Promise<KeyObject> {
    // A locked or refusing keychain throws its own error here; undefined means the item is really absent.
    const pem = await this.secrets.get(record.privateKeyRef);
    if (pem === undefined)
      throw new WorkbenchError(
        'KEYCHAIN_ITEM_MISSING',
        `the private key of "${record.alias}" is missing from the OS keychain (it is reachable and unlocked, and has no such item); import the key again under that alias, or delete the entry`,
      );
    try {
      return createPrivateKey(pem);
    } catch (err) {
      throw new WorkbenchError('KEY_INVALID', `the private key of "${record.alias}" in the OS keychain is damaged`, { cause: err });
    }
  }

  /** Builds complete records (validation, thumbprints, chain order) without writing anything. */
  private async prepare(parsed: ParsedKey[], aliases: string[], alg: AsymmetricAlg | undefined): Promise<KeyRecord[]> {
    const now = new Date().toISOString();
    return Promise.all(
      parsed.map(async (key, i): Promise<KeyRecord> => {
        const kind = describePrivateKey(key.privateKey);
        const publicKey = createPublicKey(key.privateKey);
        const chain = key.certificates.length > 0 ? chainForKey(key.certificates, publicKey) : [];
        const publicJwk = await publicJwkMembers(publicKey);
        const requested = alg ?? (key.alg !== undefined && isAsymmetricAlg(key.alg) ? key.alg : undefined);
        if (alg === undefined && key.alg !== undefined && !isAsymmetricAlg(key.alg))
          throw new WorkbenchError('UNSUPPORTED', `the key's "alg" ${key.alg} is not a signing algorithm the keystore supports`);
        const alias = aliases[i]!;
        return {
          alias,
          keyType: kind.keyType,
          ...(kind.keyType === 'RSA' ? { modulusLength: kind.modulusLength } : { curve: kind.curve }),
          alg: requested === undefined ? algorithmsFor(kind)[0]! : checkAlg(requested, kind),
          kid: key.kid ?? (await calculateJwkThumbprint(publicJwk as JWK)),
          source: key.source,
          createdAt: now,
          publicJwk,
          privateKeyRef: privateKeyAccount(alias),
          certificates: chain.map((der) => der.toString('base64')),
        };
      }),
    );
  }

  /** Secrets first, metadata last; a failure part-way removes the secrets already written. */
  private async commit(records: KeyRecord[], privateKeys: KeyObject[]): Promise<void> {
    const written: string[] = [];
    try {
      for (const [i, record] of records.entries()) {
        await this.secrets.set(record.privateKeyRef, privateKeys[i]!.export({ type: 'pkcs8', format: 'pem' }).toString());
        written.push(record.privateKeyRef);
      }
      // Checked again under the lock: another process may have taken an alias meanwhile.
      this.metadata.update((now) => {
        for (const record of records) checkNewAlias(record.alias, now);
        return [...now, ...records];
      });
    } catch (err) {
      for (const account of written) await this.secrets.delete(account).catch(() => undefined);
      throw err;
    }
  }

  private update(alias: string, change: (record: KeyRecord) => KeyRecord | Promise<KeyRecord>): Promise<KeyInfo> {
    return this.exclusive(async () => this.save({ ...(await change(this.record(alias))), updatedAt: new Date().toISOString() }));
  }

  private save(record: KeyRecord): KeyInfo {
    this.metadata.update((now) => {
      if (!now.some((r) => r.alias === record.alias)) throw notFound(record.alias);
      return now.map((r) => (r.alias === record.alias ? record : r));
    });
    return toKeyInfo(record);
  }

  /**
   * One change at a time: in this process (the queue), and across processes
   * (a lock held from the alias check through the keychain write to the
   * metadata write, so two processes creating the same alias never overwrite,
   * then delete, each other's private key).
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = () => withFileLock(this.operationsLock, work);
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

const notFound = (alias: string) => new WorkbenchError('KEY_NOT_FOUND', `no key with alias "${alias}" in the keystore`);

function checkAlias(alias: string): void {
  if (!ALIAS_PATTERN.test(alias))
    throw new WorkbenchError('INVALID_INPUT', `alias "${alias}" must be 1–100 characters of letters, digits, ".", "_" or "-"`);
}

function checkNewAlias(alias: string, existing: KeyRecord[]): void {
  checkAlias(alias);
  if (existing.some((r) => r.alias === alias)) throw new WorkbenchError('ALREADY_EXISTS', `a key with alias "${alias}" already exists`);
}

/** Imported keys without an alias are named after their kid when that is a valid alias, else their thumbprint. */
async function aliasFor(key: ParsedKey, index: number, count: number, requested: string | undefined): Promise<string> {
  if (requested !== undefined) return count === 1 ? requested : `${requested}-${index + 1}`;
  if (key.kid !== undefined && ALIAS_PATTERN.test(key.kid)) return key.kid;
  const thumbprint = await calculateJwkThumbprint((await publicJwkMembers(createPublicKey(key.privateKey))) as JWK);
  return `key-${thumbprint.slice(0, 12)}`;
}

function checkAlg(alg: string, kind: KeyKind): AsymmetricAlg {
  const allowed = algorithmsFor(kind);
  if (!isAsymmetricAlg(alg) || !allowed.includes(alg))
    throw new WorkbenchError('UNSUPPORTED', `a ${describeKind(kind)} key signs with ${allowed.join(', ')}, not ${alg}`);
  return alg;
}

const describeKind = (kind: KeyKind) => (kind.keyType === 'RSA' ? `RSA-${kind.modulusLength}` : kind.curve);

function kindOf(record: KeyRecord): KeyKind {
  if (record.keyType === 'RSA') return { keyType: 'RSA', modulusLength: record.modulusLength ?? 0 };
  if (record.keyType === 'EC') return { keyType: 'EC', curve: record.curve as 'P-256' | 'P-384' | 'P-521' };
  return { keyType: 'OKP', curve: 'Ed25519' };
}

async function publicJwkMembers(publicKey: KeyObject): Promise<KeyRecord['publicJwk']> {
  const { kty, n, e, crv, x, y } = await exportJWK(publicKey);
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') throw new WorkbenchError('INTERNAL', `unexpected JWK key type ${kty}`);
  return Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined)) as KeyRecord['publicJwk'];
}

async function publicKeyOf(record: KeyRecord): Promise<KeyObject> {
  const key = await importJWK(record.publicJwk, record.alg, { extractable: true });
  if (key instanceof Uint8Array) throw new WorkbenchError('INTERNAL', 'a stored public key imported as a secret');
  return KeyObject.from(key);
}

function certificateChain(record: KeyRecord): Buffer[] {
  return record.certificates.map((b64) => Buffer.from(b64, 'base64'));
}

function publicJwkOf(record: KeyRecord): PublicJwk {
  const jwk: PublicJwk = { ...record.publicJwk, kid: record.kid, alg: record.alg, use: 'sig' };
  const chain = certificateChain(record);
  if (chain[0]) {
    const leaf = certificateInfo(chain[0]);
    jwk.x5c = record.certificates;
    jwk.x5t = leaf.x5t;
    jwk['x5t#S256'] = leaf.x5tS256;
  }
  return jwk;
}

function toKeyInfo(record: KeyRecord): KeyInfo {
  const chain = certificateChain(record).map(certificateInfo);
  return {
    alias: record.alias,
    keyType: record.keyType,
    ...(record.modulusLength !== undefined ? { modulusLength: record.modulusLength } : {}),
    ...(record.curve !== undefined ? { curve: record.curve } : {}),
    alg: record.alg,
    algorithms: algorithmsFor(kindOf(record)),
    kid: record.kid,
    source: record.source,
    createdAt: record.createdAt,
    ...(record.updatedAt !== undefined ? { updatedAt: record.updatedAt } : {}),
    publicJwk: publicJwkOf(record),
    ...(chain[0] ? { certificate: chain[0] } : {}),
    chain,
  };
}
