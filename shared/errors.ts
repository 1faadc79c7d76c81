/**
 * Stable error codes shared by the engine, the CLI and the renderer.
 * Electron's ipcMain.handle passes only `message` across, so everything that
 * crosses a process boundary travels as an `ErrorInfo` inside a `Result`.
 */
export type ErrorCode =
  // The server answered with an OAuth error body (RFC 6749 §5.2).
  | 'OAUTH_ERROR'
  // Transport
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'DNS_FAILURE'
  | 'TLS_ERROR'
  | 'NETWORK_ERROR'
  | 'CANCELLED'
  // Response shape
  | 'REDIRECT_NOT_FOLLOWED'
  | 'RESPONSE_TOO_LARGE'
  | 'HTML_RESPONSE'
  | 'INVALID_JSON'
  | 'UNEXPECTED_STATUS'
  | 'INVALID_RESPONSE'
  // Discovery
  | 'DISCOVERY_FAILED'
  | 'ISSUER_MISMATCH'
  // Authorization response
  | 'STATE_MISMATCH'
  | 'ISS_MISMATCH'
  | 'AUTHORIZATION_DENIED'
  | 'LOOPBACK_FAILED'
  // The system browser could not be started to show a sign-in or verification page.
  | 'BROWSER_UNAVAILABLE'
  | 'DEVICE_CODE_EXPIRED'
  // FAPI 2.0 Security Profile: a requirement the profile or the server misses (issue 14)
  | 'FAPI_REQUIREMENT'
  // CIBA: the backchannel authentication request expired before the user answered (issue 14)
  | 'AUTHENTICATION_EXPIRED'
  // A sender-constrained token bound to another key or certificate (cnf.jkt / cnf.x5t#S256, issue 14)
  | 'TOKEN_BINDING_MISMATCH'
  // Configuration and input
  | 'INVALID_INPUT'
  | 'INVALID_PROFILE'
  // A file named by the user or by a profile: missing, a directory or device, or over its size cap.
  | 'FILE_UNREADABLE'
  | 'MISSING_CONFIGURATION'
  | 'UNSUPPORTED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  // Keys and secrets
  | 'KEYCHAIN_UNAVAILABLE'
  // Keychain states told apart (issue 11): locked, access refused, and an item really absent.
  | 'KEYCHAIN_LOCKED'
  | 'KEYCHAIN_ACCESS_DENIED'
  | 'KEYCHAIN_ITEM_MISSING'
  // Data files (issue 11): another process holds a store's lock for too long.
  | 'STORE_BUSY'
  // … or its lock cannot be taken at all (a file where the lock directory belongs, no permission).
  | 'STORE_UNAVAILABLE'
  | 'KEY_NOT_FOUND'
  | 'KEY_INVALID'
  | 'WRONG_PASSPHRASE'
  | 'CERTIFICATE_INVALID'
  | 'CERTIFICATE_KEY_MISMATCH'
  | 'SIGNING_FAILED'
  // Imported connections (issue 11): a profile's key alias / assertion claims from a file await the user's review;
  // a replace decision was made on a plan that no longer matches the workspace.
  | 'IMPORT_NOT_CONFIRMED'
  | 'IMPORT_PLAN_CHANGED'
  // Tokens
  | 'TOKEN_MALFORMED'
  | 'VERIFICATION_FAILED'
  | 'DECRYPTION_FAILED'
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Structured extras (e.g. the server's `error`, `error_description`, `error_uri`, HTTP status). */
  details?: Record<string, unknown>;
}

export class WorkbenchError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'WorkbenchError';
    this.code = code;
    this.details = options?.details;
  }

  toInfo(): ErrorInfo {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** An OAuth error body from the server: `{ error, error_description?, error_uri? }`. */
export class ResponseBodyError extends WorkbenchError {
  readonly error: string;
  readonly error_description?: string;
  readonly error_uri?: string;
  readonly status: number;
  constructor(status: number, body: { error: string; error_description?: string; error_uri?: string }) {
    const description = body.error_description ? `: ${body.error_description}` : '';
    const uri = body.error_uri ? ` (see ${body.error_uri})` : '';
    super('OAUTH_ERROR', `server error ${body.error}${description}${uri} [HTTP ${status}]`, {
      details: { status, error: body.error, error_description: body.error_description, error_uri: body.error_uri },
    });
    this.name = 'ResponseBodyError';
    this.error = body.error;
    this.error_description = body.error_description;
    this.error_uri = body.error_uri;
    this.status = status;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof WorkbenchError) return err.toInfo();
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export async function toResult<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
