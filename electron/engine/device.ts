import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { ClientAuth, ClientAuthContext } from './client-auth';
import type { HttpResponse, PreparedRequest } from './http';
import { buildFormRequest, type FormParams } from './token-endpoint';
import { optionalNumber, optionalString, parseJsonObject, requiredString } from './response';

/**
 * Bounds for server-sent timing. A server's `interval` above 2^31 ms made
 * setTimeout fire at once (a busy loop of polls); an `expires_in` of years
 * would keep a run polling forever. Values outside are clamped, not refused:
 * the flow still works against a server that overstates them.
 */
export const DEVICE_POLL_INTERVAL_SECONDS = { min: 1, max: 60, default: 5 } as const;
export const DEVICE_CODE_MAX_LIFETIME_SECONDS = 3600;

/** Clamps a server-sent polling interval (seconds) into DEVICE_POLL_INTERVAL_SECONDS. */
export function clampPollInterval(seconds: number | undefined): number {
  if (seconds === undefined || Number.isNaN(seconds)) return DEVICE_POLL_INTERVAL_SECONDS.default;
  return Math.min(DEVICE_POLL_INTERVAL_SECONDS.max, Math.max(DEVICE_POLL_INTERVAL_SECONDS.min, seconds));
}

/** RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval: number;
}

export function deviceAuthorizationRequest(ctx: ClientAuthContext, auth: ClientAuth, scope: FormParams, extra?: FormParams): Promise<PreparedRequest> {
  return buildFormRequest(ctx, auth, scope, extra);
}

export function processDeviceAuthorizationResponse(res: HttpResponse): DeviceAuthorization {
  const what = 'device authorization response';
  const json = parseJsonObject(res, what);
  const expires_in = optionalNumber(json, 'expires_in', what);
  if (expires_in === undefined || expires_in <= 0) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "expires_in" must be a positive number`);
  const verification_uri = requiredString(json, 'verification_uri', what);
  const verification_uri_complete = optionalString(json, 'verification_uri_complete', what);
  for (const u of [verification_uri, verification_uri_complete]) {
    if (u === undefined) continue;
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new WorkbenchError('INVALID_RESPONSE', `${what}: "${u}" is not a URL`);
    }
    // The engine opens this URL in the user's browser: only web URLs.
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new WorkbenchError('INVALID_RESPONSE', `${what}: refusing to open a ${parsed.protocol} URL`);
  }
  return {
    device_code: requiredString(json, 'device_code', what),
    user_code: requiredString(json, 'user_code', what),
    verification_uri,
    ...(verification_uri_complete ? { verification_uri_complete } : {}),
    expires_in: Math.min(expires_in, DEVICE_CODE_MAX_LIFETIME_SECONDS),
    interval: clampPollInterval(optionalNumber(json, 'interval', what)),
  };
}

/** What a polling response means for the loop (RFC 8628 §3.5). */
export type PollOutcome = { kind: 'pending' } | { kind: 'slow_down' };

/** How an expired poll is reported: the device flow's code, or CIBA's request (issue 14). */
export interface PollExpiry {
  code: 'DEVICE_CODE_EXPIRED' | 'AUTHENTICATION_EXPIRED';
  message: string;
}
export const DEVICE_CODE_EXPIRY: PollExpiry = { code: 'DEVICE_CODE_EXPIRED', message: 'the device code expired before the user finished signing in' };

export function classifyPollError(err: unknown, expiry: PollExpiry = DEVICE_CODE_EXPIRY): PollOutcome | undefined {
  if (!(err instanceof ResponseBodyError)) return undefined;
  if (err.error === 'authorization_pending') return { kind: 'pending' };
  if (err.error === 'slow_down') return { kind: 'slow_down' };
  if (err.error === 'expired_token') throw new WorkbenchError(expiry.code, expiry.message, { cause: err });
  if (err.error === 'access_denied') throw new WorkbenchError('AUTHORIZATION_DENIED', `the user denied the request${err.error_description ? `: ${err.error_description}` : ''}`, { cause: err });
  return undefined;
}

/** Waits, waking early when cancelled. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new WorkbenchError('CANCELLED', 'cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WorkbenchError('CANCELLED', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
