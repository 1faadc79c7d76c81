import type { VerificationReport } from '../../shared/token/report';
import { HttpClient } from '../engine/http';
import { httpJwksFetcher } from '../engine/jwks-fetcher';
import { verifyToken as verifyWithFetcher, type VerifyOptions as JoseVerifyOptions } from '../jose/verify';

export { DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_ID_TOKEN_MAX_AGE_SECONDS, isJwt } from '../jose/verify';

/**
 * The inspector's verification: the JOSE module's verifyToken (electron/jose/verify)
 * with the engine's HTTP client for key sets and discovery, created (and closed)
 * when the caller gives none.
 */
export interface VerifyOptions extends Omit<JoseVerifyOptions, 'fetcher'> {
  /** Network for JWKS and discovery; one is created (and closed) when absent. */
  http?: HttpClient;
}

export async function verifyToken(token: string, options: VerifyOptions = {}): Promise<VerificationReport> {
  const { http, ...rest } = options;
  let own: HttpClient | undefined;
  // A client is created only when a key set is actually fetched.
  const fetcher = httpJwksFetcher(() => http ?? (own ??= new HttpClient()));
  try {
    return await verifyWithFetcher(token, { ...rest, fetcher });
  } finally {
    await own?.close().catch(() => undefined);
  }
}

/** The engine's call for an ID token it just received. */
export function verifyIdToken(idToken: string, options: Omit<VerifyOptions, 'idToken'> & { issuer: string; clientId: string }): Promise<VerificationReport> {
  return verifyToken(idToken, { ...options, idToken: true });
}
