import { calculateJwkThumbprint, exportJWK } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { algorithmsFor, describePrivateKey } from '../keystore/algorithms';
import { parseKeyFile } from '../keystore/key-import';
import type { SigningKey } from '../jose/sign';
import { FILE_CAPS, readBoundedFile } from '../storage/bounded-file';

/**
 * A signing key read from a PEM, JWK or PKCS#12 file for one run
 * (`--signing-key FILE`), parsed exactly as the keystore parses imports;
 * nothing is stored.
 */
export async function loadSigningKeyFile(path: string, alg?: string, passphrase?: string): Promise<SigningKey> {
  const data = await readBoundedFile(path, { what: 'key file', maxBytes: FILE_CAPS.key });
  const keys = await parseKeyFile({ data, passphrase });
  if (keys.length !== 1) throw new WorkbenchError('INVALID_INPUT', `${path} holds ${keys.length} keys; give a file with one key (or import them into the keystore)`);
  const parsed = keys[0]!;
  const allowed = algorithmsFor(describePrivateKey(parsed.privateKey));
  const chosen = alg ?? parsed.alg ?? allowed[0]!;
  if (!(allowed as string[]).includes(chosen)) throw new WorkbenchError('INVALID_INPUT', `${path} cannot sign with ${chosen}; it signs with ${allowed.join(', ')}`);
  // The file's own kid (a JWK's) or none: a PEM has no kid, and inventing one (the thumbprint) made servers that
  // select keys by kid refuse keys they had registered under another. `--kid thumbprint` asks for it explicitly.
  // RFC 7638 uses only the public members, so the private JWK gives the same thumbprint.
  const thumbprint = await calculateJwkThumbprint(await exportJWK(parsed.privateKey));
  return { key: parsed.privateKey, alg: chosen, ...(parsed.kid !== undefined ? { kid: parsed.kid } : {}), thumbprint };
}
