import { createPrivateKey, KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import * as z from 'zod';
import { WorkbenchError } from '../../shared/errors';
import { importAlgForJwk } from './algorithms';
import { readCertificates } from './certificates';
import { findPemBlocks, type PemBlock } from './pem';
import { looksLikePkcs12, readPkcs12 } from './pkcs12';

export type KeySource = 'generated' | 'pem' | 'der' | 'jwk' | 'pkcs12';

/** A private key parsed from a file, not yet validated for JWS use nor stored. */
export interface ParsedKey {
  privateKey: KeyObject;
  source: KeySource;
  /** From a JWK: its own `kid` and `alg`, kept. */
  kid?: string;
  alg?: string;
  /** DER certificates that came with the key (PKCS#12, PEM bundle, JWK x5c), unordered. */
  certificates: Buffer[];
}

export interface KeyFileInput {
  /** File contents: PEM/JWK/JWKS text, or bytes (PEM, DER key, PKCS#12). */
  data: string | Uint8Array;
  /** For encrypted PKCS#8 / legacy encrypted PEM, and the PKCS#12 password. Never stored. */
  passphrase?: string;
}

const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
const PUBLIC_ONLY_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY']);
const IGNORED_LABELS = new Set(['EC PARAMETERS']);
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Parses a key file of any supported format; throws before anything is stored. */
export async function parseKeyFile(input: KeyFileInput): Promise<ParsedKey[]> {
  const bytes = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : Buffer.from(input.data);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseJwkText(trimmed);
  if (text.includes('-----BEGIN')) return [parsePem(text, input.passphrase)];
  if (typeof input.data === 'string') throw new WorkbenchError('KEY_INVALID', 'not a key file: expected PEM, JWK/JWKS JSON, DER or PKCS#12');
  if (looksLikePkcs12(bytes)) return [fromPkcs12(bytes, input.passphrase)];
  return [parseDerKey(bytes, input.passphrase)];
}

function passphraseError(passphrase: string | undefined, what: string, cause?: unknown, orDamaged = false): WorkbenchError {
  const message =
    passphrase === undefined ? `${what} is encrypted; give its passphrase` : `wrong passphrase for ${what}${orDamaged ? ' (or the encrypted key is damaged)' : ''}`;
  return new WorkbenchError('WRONG_PASSPHRASE', message, { cause });
}

function parsePem(text: string, passphrase: string | undefined): ParsedKey {
  const blocks = findPemBlocks(text);
  const keyBlocks = blocks.filter((b) => PRIVATE_KEY_LABELS.has(b.label));
  if (keyBlocks.length === 0) {
    if (blocks.some((b) => PUBLIC_ONLY_LABELS.has(b.label)))
      throw new WorkbenchError('KEY_INVALID', 'this PEM holds a public key only; a keystore entry needs the private key');
    if (blocks.some((b) => CERTIFICATE_LABELS.has(b.label)))
      throw new WorkbenchError('KEY_INVALID', 'this PEM holds certificates but no private key; import the key, then attach the certificate to it');
    throw new WorkbenchError('KEY_INVALID', 'no private key block found in the PEM');
  }
  if (keyBlocks.length > 1) throw new WorkbenchError('INVALID_INPUT', 'the PEM holds several private keys; import them one file at a time');
  const unknown = blocks.find((b) => !PRIVATE_KEY_LABELS.has(b.label) && !CERTIFICATE_LABELS.has(b.label) && !IGNORED_LABELS.has(b.label) && !PUBLIC_ONLY_LABELS.has(b.label));
  if (unknown) throw new WorkbenchError('UNSUPPORTED', `unexpected PEM block "${unknown.label}"`);

  const privateKey = pemPrivateKey(keyBlocks[0]!, passphrase);
  const certificates = blocks.filter((b) => CERTIFICATE_LABELS.has(b.label)).flatMap((b) => readCertificates(b.text));
  return { privateKey, source: 'pem', certificates };
}

function pemPrivateKey(block: PemBlock, passphrase: string | undefined): KeyObject {
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || block.encryptedLegacy;
  // Node reports a missing passphrase as "interrupted or cancelled"; say what is really missing.
  if (encrypted && passphrase === undefined) throw passphraseError(undefined, 'the private key');
  try {
    return createPrivateKey(encrypted ? { key: block.text, format: 'pem', passphrase } : { key: block.text, format: 'pem' });
  } catch (err) {
    // A wrong passphrase usually fails the CBC padding check ("bad decrypt"), but about one time in 256 the garbage
    // it decrypts to ends in valid padding and Node reports an ASN.1 error instead. Once a passphrase was given to an
    // encrypted block the two cannot be told apart, so both say "wrong passphrase" (and name the other possibility).
    if (encrypted) throw passphraseError(passphrase, 'the private key', err, !isBadDecrypt(err));
    throw new WorkbenchError('KEY_INVALID', `the ${block.label} block is not a valid key: ${(err as Error).message}`, { cause: err });
  }
}

const isBadDecrypt = (err: unknown) => /bad decrypt|BAD_DECRYPT/i.test(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);

// The DER of an EncryptedPrivateKeyInfo starts with its algorithm identifier: an OID under PKCS#5
// (1.2.840.113549.1.5, PBES2/PBES1) or PKCS#12 PBE (1.2.840.113549.1.12.1).
const PKCS5_OID_PREFIX = Buffer.from('06092a864886f70d0105', 'hex');
const PKCS12_PBE_OID_PREFIX = Buffer.from('060a2a864886f70d010c01', 'hex');
const looksLikeEncryptedPkcs8 = (der: Buffer) => {
  const head = der.subarray(0, 24);
  return head.includes(PKCS5_OID_PREFIX) || head.includes(PKCS12_PBE_OID_PREFIX);
};

function parseDerKey(der: Buffer, passphrase: string | undefined): ParsedKey {
  const encrypted = looksLikeEncryptedPkcs8(der);
  if (encrypted && passphrase === undefined) throw passphraseError(undefined, 'the private key');
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return { privateKey: createPrivateKey({ key: der, format: 'der', type, ...(type === 'pkcs8' && passphrase !== undefined ? { passphrase } : {}) }), source: 'der', certificates: [] };
    } catch (err) {
      // As for PEM: a wrong passphrase sometimes decrypts to bytes with valid padding and fails as ASN.1 instead.
      if (type === 'pkcs8' && (isBadDecrypt(err) || encrypted)) throw passphraseError(passphrase, 'the private key', err, !isBadDecrypt(err));
    }
  }
  throw new WorkbenchError('KEY_INVALID', 'not a key file: the bytes are neither a DER private key (PKCS#8, PKCS#1, SEC1) nor PKCS#12');
}

function fromPkcs12(der: Buffer, password: string | undefined): ParsedKey {
  const { privateKeys, certificates } = readPkcs12(der, password);
  if (privateKeys.length === 0) throw new WorkbenchError('KEY_INVALID', 'the PKCS#12 file contains no private key (only certificates?)');
  if (privateKeys.length > 1) throw new WorkbenchError('UNSUPPORTED', `the PKCS#12 file contains ${privateKeys.length} private keys; only one per file is supported`);
  return { privateKey: privateKeys[0]!, source: 'pkcs12', certificates };
}

const JwkSchema = z
  .object({
    kty: z.string().min(1),
    crv: z.string().optional(),
    kid: z.string().min(1).max(256).optional(),
    alg: z.string().optional(),
    use: z.string().optional(),
    d: z.string().optional(),
    x5c: z.array(z.string()).optional(),
  })
  .passthrough();
const JwksSchema = z.object({ keys: z.array(z.unknown()).min(1).max(100) }).passthrough();

async function parseJwkText(text: string): Promise<ParsedKey[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new WorkbenchError('KEY_INVALID', `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const jwks = JwksSchema.safeParse(json);
  const entries = jwks.success ? jwks.data.keys : [json];
  const parsed: ParsedKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const where = jwks.success ? `JWKS key #${i + 1}` : 'the JWK';
    parsed.push(await parseJwk(entry, where));
  }
  return parsed;
}

async function parseJwk(value: unknown, where: string): Promise<ParsedKey> {
  const result = JwkSchema.safeParse(value);
  if (!result.success) throw new WorkbenchError('KEY_INVALID', `${where} is not a JWK: ${result.error.issues.map((i) => `${i.path.join('.') || '(key)'} ${i.message}`).join('; ')}`);
  const jwk = result.data;
  const importAlg = importAlgForJwk(jwk.kty, jwk.crv);
  if (jwk.d === undefined) throw new WorkbenchError('KEY_INVALID', `${where} is a public key only (no "d"); a keystore entry needs the private key`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new WorkbenchError('UNSUPPORTED', `${where} is for "use": "${jwk.use}"; keystore keys sign`);
  let privateKey: KeyObject;
  try {
    const imported = await importJWK(jwk as JWK, importAlg, { extractable: true });
    if (imported instanceof Uint8Array) throw new Error('symmetric key');
    privateKey = KeyObject.from(imported);
  } catch (err) {
    throw new WorkbenchError('KEY_INVALID', `${where} is not a valid private key: ${(err as Error).message}`, { cause: err });
  }
  let certificates: Buffer[] = [];
  if (jwk.x5c) {
    try {
      certificates = jwk.x5c.map((c) => readCertificates(Buffer.from(c, 'base64'))[0]!);
    } catch (err) {
      throw new WorkbenchError('CERTIFICATE_INVALID', `${where} has an invalid x5c certificate: ${(err as Error).message}`, { cause: err });
    }
  }
  return { privateKey, source: 'jwk', kid: jwk.kid, alg: jwk.alg, certificates };
}
