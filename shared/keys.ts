/** Keystore shapes both sides use: public information only. */

/** What the UI and CLI show for a certificate; public information only. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Hex, as the certificate encodes it. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  selfIssued: boolean;
  /** Base64url SHA-1 / SHA-256 of the DER, as JOSE's `x5t` / `x5t#S256`. */
  x5t: string;
  x5tS256: string;
  /** Colon-separated upper-case hex, as `openssl x509 -fingerprint` prints. */
  sha1Fingerprint: string;
  sha256Fingerprint: string;
}
