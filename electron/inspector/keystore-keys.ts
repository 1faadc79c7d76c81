import type { SigningKey } from '../jose/sign';

/**
 * Keys for `--keystore ALIAS`. Typed structurally so the inspector does not
 * depend on how the keystore is built; `Keystore` satisfies it.
 */
export interface KeystoreKeys {
  exportPublicPem(alias: string): Promise<string>;
  getSigningKey(alias: string): Promise<Pick<SigningKey, 'key'>>;
}

/**
 * The public key as PEM rather than the stored JWK: the JWK carries the one
 * `alg` the key signs with, which would wrongly narrow what it may verify
 * (an RSA key verifies RS* and PS* alike).
 */
export function keystoreVerificationKey(keystore: KeystoreKeys, alias: string): Promise<string> {
  return keystore.exportPublicPem(alias);
}

/** The private key, which stays in the main process, for RSA-OAEP* / ECDH-ES* decryption. */
export async function keystoreDecryptionKey(keystore: KeystoreKeys, alias: string): Promise<SigningKey['key']> {
  return (await keystore.getSigningKey(alias)).key;
}
