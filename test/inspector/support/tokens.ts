import { base64url, CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/**
 * Real keys and real signatures for the hostile-token corpus; forged tokens
 * are assembled from raw segments with jose's base64url.
 */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function testKey(alg: 'RS256' | 'ES256' | 'PS256' | 'EdDSA', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type Header = Record<string, unknown>;
export type Claims = Record<string, unknown>;

/** Signs exactly the header given (jose's own checks of crit are satisfied by declaring the names). */
export async function sign(header: Header, claims: Claims, key: CryptoKey | Uint8Array): Promise<string> {
  const crit = Array.isArray(header.crit) ? Object.fromEntries((header.crit as string[]).map((c) => [c, true])) : undefined;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as { alg: string }).sign(key, crit ? { crit } : undefined);
}

export function forge(header: Header, claims: Claims, signature = ''): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

/** The same token with its payload replaced and the original signature kept. */
export function swapPayload(token: string, claims: Claims): string {
  const [h, , s] = token.split('.');
  return `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
}

/** The same token with one signature bit flipped. */
export function flipSignature(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = base64url.decode(s);
  sig[sig.length >> 1] = (sig[sig.length >> 1] as number) ^ 0x01;
  return `${h}.${p}.${base64url.encode(sig)}`;
}
