import { KeyObject, createPrivateKey } from 'node:crypto';
import { compactDecrypt, errors, type CryptoKey, type JWEKeyManagementAlgorithm, type JWK, type KeyObject as JoseKeyObject } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { decodeNested, decodeToken, type DecodedJwe, type DecodedJws } from '../../shared/token/decode';

/**
 * JWE decryption with a key from the keystore or pasted, behind the limits
 * that keep a hostile token from costing us: PBES2 refused unless asked for
 * (each p2c is a PBKDF2 iteration count), and a cap on decompressed size.
 */

export type DecryptionKeyInput = CryptoKey | KeyObject | JoseKeyObject | JWK | string | Uint8Array | { password: string };

export interface DecryptOptions {
  /** Accept PBES2 with at most this many iterations; absent = PBES2 refused. */
  maxPBES2Count?: number;
  /** Largest plaintext a compressed ("zip": "DEF") token may inflate to; default 250 000 bytes, 0 refuses compression. */
  maxDecompressedBytes?: number;
  keyManagementAlgorithms?: JWEKeyManagementAlgorithm[];
  contentEncryptionAlgorithms?: string[];
}

export interface DecryptedToken {
  header: Record<string, unknown>;
  plaintext: string;
  plaintextBytes: number;
  /** False when the plaintext is binary (shown replacement characters). */
  utf8: boolean;
  /** The nested token when the plaintext is a JWS (or another JWE). */
  nested?: DecodedJws | DecodedJwe;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 250_000;
const PBES2 = ['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW'] as const;

function keyMaterial(key: DecryptionKeyInput): CryptoKey | JoseKeyObject | JWK | Uint8Array {
  if (key instanceof KeyObject || key instanceof Uint8Array) return key as JoseKeyObject | Uint8Array;
  if (typeof key === 'string') {
    const text = key.trim();
    if (text.startsWith('{')) {
      try {
        return JSON.parse(text) as JWK;
      } catch (err) {
        throw new WorkbenchError('KEY_INVALID', `the decryption key looks like JSON but does not parse: ${(err as Error).message}`);
      }
    }
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) throw new WorkbenchError('KEY_INVALID', 'the decryption key is an encrypted PEM; import it into the keystore with its passphrase');
    if (text.includes('-----BEGIN')) {
      try {
        return createPrivateKey(text);
      } catch (err) {
        throw new WorkbenchError('KEY_INVALID', `the decryption key is not a usable PEM private key: ${(err as Error).message}`, { cause: err });
      }
    }
    throw new WorkbenchError('KEY_INVALID', 'the decryption key is neither PEM nor a JWK; for a password (PBES2) pass { password }');
  }
  if ('password' in key && typeof key.password === 'string') return new TextEncoder().encode(key.password);
  return key as CryptoKey | JWK;
}

export async function decryptToken(jwe: string, key: DecryptionKeyInput, options: DecryptOptions = {}): Promise<DecryptedToken> {
  const decoded = decodeToken(jwe);
  if (!decoded.ok) throw new WorkbenchError('TOKEN_MALFORMED', decoded.error.message, { details: decoded.error.details });
  if (decoded.format !== 'jwe') throw new WorkbenchError('INVALID_INPUT', decoded.format === 'jws' ? 'the token is signed (JWS), not encrypted: nothing to decrypt' : 'the token is opaque, not a JWE');
  const alg = String(decoded.header.alg);
  const pbes2Allowed = options.maxPBES2Count !== undefined && options.maxPBES2Count > 0;
  if (alg.startsWith('PBES2')) {
    if (!pbes2Allowed) throw new WorkbenchError('DECRYPTION_FAILED', `"alg": "${alg}" (password-based) is refused: allow it with a maximum PBES2 count`, { details: { alg } });
    const p2c = decoded.header.p2c;
    if (typeof p2c === 'number' && p2c > (options.maxPBES2Count as number))
      throw new WorkbenchError('DECRYPTION_FAILED', `"p2c" is ${p2c}, above the allowed ${options.maxPBES2Count} PBES2 iterations — refused before spending the CPU`, { details: { p2c } });
  }
  if (decoded.header.zip !== undefined && options.maxDecompressedBytes === 0)
    throw new WorkbenchError('DECRYPTION_FAILED', `the token is compressed ("zip": ${JSON.stringify(decoded.header.zip)}) and compressed tokens are refused`);
  const material = keyMaterial(key);
  const keyManagementAlgorithms = options.keyManagementAlgorithms ?? (pbes2Allowed && alg.startsWith('PBES2') ? [...PBES2] : undefined);
  let result: Awaited<ReturnType<typeof compactDecrypt>>;
  try {
    result = await compactDecrypt(decoded.token, material, {
      ...(keyManagementAlgorithms ? { keyManagementAlgorithms } : {}),
      ...(options.contentEncryptionAlgorithms ? { contentEncryptionAlgorithms: options.contentEncryptionAlgorithms } : {}),
      ...(pbes2Allowed ? { maxPBES2Count: options.maxPBES2Count } : {}),
      maxDecompressedLength: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    });
  } catch (err) {
    throw decryptionError(err, alg, String(decoded.header.enc), options);
  }
  const bytes = result.plaintext;
  let plaintext: string;
  let utf8 = true;
  try {
    plaintext = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    utf8 = false;
    plaintext = new TextDecoder().decode(bytes);
  }
  const nested = utf8 ? decodeNested(plaintext) : undefined;
  return { header: result.protectedHeader as Record<string, unknown>, plaintext, plaintextBytes: bytes.length, utf8, ...(nested ? { nested } : {}) };
}

function decryptionError(err: unknown, alg: string, enc: string, options: DecryptOptions): WorkbenchError {
  if (err instanceof WorkbenchError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.JWEDecryptionFailed)
    return new WorkbenchError('DECRYPTION_FAILED', `decryption failed (${alg} / ${enc}): wrong key, or the token was altered`, { cause: err });
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new WorkbenchError('DECRYPTION_FAILED', `"alg" ${alg} or "enc" ${enc} is not allowed for this key: ${message}`, { cause: err });
  if (err instanceof errors.JOSENotSupported) return new WorkbenchError('DECRYPTION_FAILED', `not supported: ${message}`, { cause: err });
  if (err instanceof errors.JWEInvalid && /decompress|inflat|length/i.test(message))
    return new WorkbenchError('DECRYPTION_FAILED', `the compressed plaintext inflates beyond the ${options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES}-byte cap — refused (decompression bomb?)`, { cause: err });
  if (err instanceof errors.JOSEError) return new WorkbenchError('DECRYPTION_FAILED', `cannot decrypt (${alg} / ${enc}): ${message}`, { cause: err });
  if (err instanceof TypeError) return new WorkbenchError('KEY_INVALID', `the key cannot decrypt ${alg}: ${message}`, { cause: err });
  return new WorkbenchError('DECRYPTION_FAILED', `cannot decrypt: ${message}`, { cause: err });
}
