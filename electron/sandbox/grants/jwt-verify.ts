import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ASYMMETRIC_SIGNING_ALGS } from '../../../shared/grants';
import { invalidGrant } from './issue';

/** Who the sandbox believes when it sees a JWT, besides the requesting client itself. */
export interface JwtIssuerKeys {
  /** Public keys of an issuer, or undefined when the issuer is not trusted. */
  keysFor(iss: string): JSONWebKeySet | undefined;
}

const CLOCK_TOLERANCE_S = 15;

/**
 * Verifies a JWT from a trusted issuer: signature (asymmetric algorithms
 * only, so a public key can never be used as an HMAC secret), iss, exp, and
 * aud when audiences are given. Any failure is an invalid_grant.
 */
export async function verifyTrustedJwt(
  token: string,
  trust: JwtIssuerKeys,
  options: { what: string; audiences?: string[]; requireSubject?: boolean },
): Promise<JWTPayload & { iss: string }> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw invalidGrant(`${options.what} is not a JWT`);
  }
  const iss = unverified.iss;
  if (!iss) throw invalidGrant(`${options.what} has no iss claim`);
  const jwks = trust.keysFor(iss);
  if (!jwks) throw invalidGrant(`${options.what} issuer ${iss} is not trusted`);

  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: iss,
      algorithms: [...ASYMMETRIC_SIGNING_ALGS, 'Ed25519'],
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', ...(options.requireSubject ? ['sub'] : []), ...(options.audiences ? ['aud'] : [])],
      ...(options.audiences ? { audience: options.audiences } : {}),
    });
    return payload as JWTPayload & { iss: string };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) throw invalidGrant(`${options.what} rejected: ${describeJoseError(err)}`);
    throw err;
  }
}

function describeJoseError(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) return 'signature does not verify with the issuer key';
  return err.message;
}
