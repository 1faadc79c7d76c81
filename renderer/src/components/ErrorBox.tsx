import type { ErrorInfo } from '../../../shared/errors';
import { ApiError } from '../api';

/** Plain-language headings for the error codes a user meets; the message keeps the specifics. */
const TITLES: Partial<Record<ErrorInfo['code'], string>> = {
  OAUTH_ERROR: 'The server refused the request',
  TIMEOUT: 'The server did not answer in time',
  CONNECTION_REFUSED: 'Cannot reach the server',
  DNS_FAILURE: 'Unknown host name',
  TLS_ERROR: 'Secure connection failed',
  NETWORK_ERROR: 'Network error',
  CANCELLED: 'Cancelled',
  DISCOVERY_FAILED: 'Discovery failed',
  ISSUER_MISMATCH: 'Issuer does not match',
  STATE_MISMATCH: 'The sign-in response did not match the request',
  AUTHORIZATION_DENIED: 'Sign-in was denied',
  BROWSER_UNAVAILABLE: 'The browser could not be started',
  FILE_UNREADABLE: 'The file cannot be used',
  INVALID_INPUT: 'Invalid input',
  INVALID_PROFILE: 'The profile is not valid',
  MISSING_CONFIGURATION: 'Something is missing in the profile',
  KEYCHAIN_UNAVAILABLE: 'The keychain is not available',
  KEYCHAIN_LOCKED: 'The keychain is locked',
  KEYCHAIN_ACCESS_DENIED: 'The keychain refused access',
  KEYCHAIN_ITEM_MISSING: 'A secret is missing from the keychain',
  STORE_BUSY: 'Another Token Workbench process is busy with this file',
  STORE_UNAVAILABLE: 'A data file cannot be locked',
  HTML_RESPONSE: 'The server returned a web page instead of JSON',
  INVALID_JSON: 'The server returned something that is not JSON',
  DEVICE_CODE_EXPIRED: 'The device code expired',
  FAPI_REQUIREMENT: 'FAPI 2.0 requirement not met',
  AUTHENTICATION_EXPIRED: 'The user did not answer in time',
  TOKEN_BINDING_MISMATCH: 'The token is bound to another key',
  NOT_FOUND: 'Not found',
  ALREADY_EXISTS: 'Already exists',
  VERIFICATION_FAILED: 'Verification failed',
  IMPORT_NOT_CONFIRMED: 'Review the imported settings first',
  IMPORT_PLAN_CHANGED: 'Something changed since you reviewed it',
};

export function toInfo(err: unknown): ErrorInfo {
  if (err instanceof ApiError) return err.info;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** An error shown where it happened, with the server's own `error` / `error_description` when there is one. */
export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const info = toInfo(error);
  const d = info.details ?? {};
  const serverError = typeof d.error === 'string' ? d.error : undefined;
  const description = typeof d.error_description === 'string' ? d.error_description : undefined;
  const hint = typeof d.hint === 'string' ? d.hint : undefined;
  // The user's own Cancel is not a failure: said neutrally, not in red (issue 12).
  if (info.code === 'CANCELLED')
    return (
      <div className="notice neutral" role="status" data-testid={testId ?? 'error'} data-cancelled="true">
        Cancelled — nothing more was sent.
      </div>
    );
  return (
    <div className="error" role="alert" data-testid={testId ?? 'error'}>
      <div className="title">{TITLES[info.code] ?? 'Something went wrong'}</div>
      {serverError ? (
        <div className="desc">
          <code>{serverError}</code>
          {description ? <> — <span data-testid="error-description">{description}</span></> : null}
          {typeof d.status === 'number' ? <span className="muted"> (HTTP {d.status})</span> : null}
          {/* What the engine could tell about a refused client authentication (Basic encoding, assertion kid). */}
          {Array.isArray(d.hints) && d.hints.length ? (
            <ul className="hints" data-testid="error-hints">
              {d.hints.map((h, i) => (
                <li key={i}>{String(h)}</li>
              ))}
            </ul>
          ) : null}
          {hint ? (
            <div className="hint" data-testid="error-hint" style={{ marginTop: 4 }}>
              {hint}
            </div>
          ) : null}
        </div>
      ) : (
        <div className="desc">{info.message}</div>
      )}
    </div>
  );
}
