import type { ErrorInfo } from '../errors';

/**
 * The verification report: plain data, so it crosses IPC to the renderer and
 * prints as JSON from the CLI unchanged.
 */
export type CheckStatus = 'passed' | 'failed' | 'not_checked';

export type CheckId =
  | 'format'
  | 'decryption'
  | 'alg'
  | 'signature'
  | 'crit'
  | 'typ'
  | 'iss'
  | 'aud'
  | 'azp'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'sub'
  | 'nonce'
  | 'at_hash'
  | 'c_hash'
  // Interop settings (issue 13): shown only when the authorization request asked for them.
  | 'auth_time'
  | 'acr';

export const CHECK_LABELS: Readonly<Record<CheckId, string>> = {
  format: 'Token format',
  decryption: 'Decryption',
  alg: 'Algorithm allowed',
  signature: 'Signature',
  crit: 'Critical header extensions (crit)',
  typ: 'Token type (typ)',
  iss: 'Issuer (iss)',
  aud: 'Audience (aud)',
  azp: 'Authorized party (azp)',
  exp: 'Expiration (exp)',
  nbf: 'Not before (nbf)',
  iat: 'Issued at (iat)',
  sub: 'Subject (sub)',
  nonce: 'Nonce',
  at_hash: 'Access token hash (at_hash)',
  c_hash: 'Code hash (c_hash)',
  auth_time: 'Authentication time (auth_time)',
  acr: 'Authentication context (acr)',
};

export interface VerificationCheck {
  id: CheckId;
  label: string;
  status: CheckStatus;
  /** Why, in one sentence a person can act on. */
  reason: string;
}

export interface VerifiedKeyInfo {
  /** E.g. `JWKS key #2 (kid "k2")`, `the shared secret`. */
  label: string;
  source: 'jwks' | 'key' | 'secret';
  alg: string;
  kid?: string;
}

export interface JwksInfo {
  /** The JWKS URL, or "(pasted JWKS)". */
  source: string;
  keyCount: number;
  /** True when the set was fetched again because the token named an unknown kid. */
  refetched: boolean;
  unusableKeys: Array<{ index: number; kid?: string; problem: string }>;
}

export interface VerificationReport {
  /** True only when the signature was verified and no applicable check failed. */
  ok: boolean;
  /** One line: "valid" or what failed. */
  summary: string;
  checks: VerificationCheck[];
  /** Set when the token or the key could not be used at all (the CLI exits 2). */
  inputError?: ErrorInfo;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  /** The key that verified the signature. */
  key?: VerifiedKeyInfo;
  jwks?: JwksInfo;
  warnings: string[];
  /**
   * Checks a valid token needs that could not run (no expected issuer or audience given): "not checked",
   * never counted as passed — a report with any is not shown as fully valid (issue 12).
   */
  unverified?: CheckId[];
}

/** Checks whose absence leaves a token's validity open. */
export const ESSENTIAL_CHECKS: readonly CheckId[] = ['signature', 'iss', 'aud', 'exp'];

/** The CLI's exit code for a report: 0 valid, 1 a check failed, 2 unusable input. */
export function reportExitCode(report: VerificationReport): 0 | 1 | 2 {
  if (report.inputError) return 2;
  return report.ok ? 0 : 1;
}

export function findCheck(report: VerificationReport, id: CheckId): VerificationCheck | undefined {
  return report.checks.find((c) => c.id === id);
}
