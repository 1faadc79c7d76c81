import { WorkbenchError } from '../../shared/errors';
import { checkBinding, type TokenBindingCheck } from '../../shared/binding';
import { decodeToken } from '../../shared/token/decode';

/** RFC 8705 §3.1: base64url SHA-256 of the DER of the client certificate (the first one in the PEM chain). */
export function certificateThumbprint(certPem: string): string {
  const { X509Certificate, createHash } = process.getBuiltinModule('node:crypto');
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certPem)?.[0];
  if (!first) throw new WorkbenchError('CERTIFICATE_INVALID', 'the client certificate is not PEM');
  return createHash('sha256').update(new X509Certificate(first).raw).digest('base64url');
}

/** The payload of a JWT access token, or undefined for an opaque (or encrypted) one. */
export function accessTokenClaims(accessToken: string): Record<string, unknown> | undefined {
  const decoded = decodeToken(accessToken);
  return decoded.ok && decoded.format === 'jws' ? decoded.payload : undefined;
}

/** Checks a binding and fails clearly when the token names another key or certificate. */
export function requireBinding(kind: 'dpop' | 'mtls', expected: string, claims: Record<string, unknown> | undefined, source: 'jwt' | 'introspection' | undefined, tokenType?: string): TokenBindingCheck {
  const check = checkBinding(kind, expected, claims, source, tokenType);
  if (check.status === 'mismatch') throw new WorkbenchError('TOKEN_BINDING_MISMATCH', check.message, { details: { binding: check } });
  return check;
}
