import { WorkbenchError } from '../../shared/errors';
import { CIBA_GRANT } from '../../shared/grants';
import type { CibaConfig } from '../../shared/profile';
import type { ClientAuth, ClientAuthContext } from './client-auth';
import { clampPollInterval } from './device';
import type { HttpResponse, PreparedRequest } from './http';
import { optionalNumber, parseJsonObject, requiredString } from './response';
import { buildFormRequest, buildTokenRequest, type FormParams } from './token-endpoint';

/** OpenID CIBA Core §7.3: the successful backchannel authentication response. */
export interface BackchannelAuthentication {
  auth_req_id: string;
  expires_in: number;
  interval: number;
}

/** A server may make us wait at most an hour; the interval is clamped as the device flow's is (1–60 s). */
export const CIBA_MAX_EXPIRES_IN_SECONDS = 3600;

/** CIBA Core §7.1: scope (with openid), one hint, binding message, user code, requested expiry. */
export function backchannelAuthenticationRequest(ctx: ClientAuthContext, auth: ClientAuth, ciba: CibaConfig, scope: FormParams, extra: FormParams = []): Promise<PreparedRequest> {
  const hints = [ciba.loginHint, ciba.loginHintToken, ciba.idTokenHint].filter((h) => h !== undefined && h !== '');
  if (hints.length !== 1) throw new WorkbenchError('MISSING_CONFIGURATION', 'a CIBA request needs exactly one of login_hint, login_hint_token or id_token_hint (CIBA Core §7.1)');
  if (!scope.some(([k, v]) => k === 'scope' && v.split(' ').includes('openid'))) throw new WorkbenchError('MISSING_CONFIGURATION', 'a CIBA request needs the "openid" scope (CIBA Core §7.1)');
  const params: FormParams = [...scope];
  if (ciba.loginHint) params.push(['login_hint', ciba.loginHint]);
  if (ciba.loginHintToken) params.push(['login_hint_token', ciba.loginHintToken]);
  if (ciba.idTokenHint) params.push(['id_token_hint', ciba.idTokenHint]);
  if (ciba.bindingMessage) params.push(['binding_message', ciba.bindingMessage]);
  if (ciba.userCode) {
    ctx.transcript?.addSecret(ciba.userCode);
    params.push(['user_code', ciba.userCode]);
  }
  if (ciba.requestedExpiry !== undefined) params.push(['requested_expiry', String(ciba.requestedExpiry)]);
  return buildFormRequest(ctx, auth, params, extra);
}

export function processBackchannelAuthenticationResponse(res: HttpResponse): BackchannelAuthentication {
  const what = 'backchannel authentication response';
  const json = parseJsonObject(res, what);
  const expires = optionalNumber(json, 'expires_in', what);
  if (expires === undefined || expires <= 0) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "expires_in" must be a positive number`);
  return {
    auth_req_id: requiredString(json, 'auth_req_id', what),
    expires_in: Math.min(expires, CIBA_MAX_EXPIRES_IN_SECONDS),
    interval: clampPollInterval(optionalNumber(json, 'interval', what)),
  };
}

/** CIBA Core §10.1: the poll of the token endpoint. */
export const cibaGrantRequest = (ctx: ClientAuthContext, auth: ClientAuth, authReqId: string, extra?: FormParams) =>
  buildTokenRequest(ctx, auth, CIBA_GRANT, [['auth_req_id', authReqId]], extra);
