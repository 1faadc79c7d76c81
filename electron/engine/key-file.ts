import { calculateJwkThumbprint, exportJWK } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { algorithmsFor, describePrivateKey } from '../keystore/algorithms';
import { parseKeyFile } from '../keystore/key-import';
import { FILE_CAPS, readBoundedFile } from '../storage/bounded-file';
import type { SigningKey } from './assertion';

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
  // RFC 7638 uses only the public members, so the private JWK gives the same thumbprint.
  const kid = parsed.kid ?? (await calculateJwkThumbprint(await exportJWK(parsed.privateKey)));
  return { key: parsed.privateKey, alg: chosen, kid };
}
