import { createHash } from 'node:crypto';
import { base64url } from 'jose';

/**
 * at_hash / c_hash / s_hash (OIDC Core §3.1.3.6, §3.3.2.11): the left-most
 * half of the hash of the ASCII value, with the hash of the ID token's `alg`.
 * jose does not compute these.
 */
export function oidcHashAlgorithm(alg: string, crv?: string): 'sha256' | 'sha384' | 'sha512' | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519') return crv === undefined || crv === 'Ed25519' ? 'sha512' : undefined;
  const bits = /^(?:RS|PS|ES|HS)(256|384|512)$/.exec(alg)?.[1] ?? (alg === 'ES256K' ? '256' : undefined);
  return bits ? (`sha${bits}` as 'sha256' | 'sha384' | 'sha512') : undefined;
}

export function oidcHash(value: string, alg: string, crv?: string): string | undefined {
  const hash = oidcHashAlgorithm(alg, crv);
  if (!hash) return undefined;
  const digest = createHash(hash).update(value, 'ascii').digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}
