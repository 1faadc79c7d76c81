import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { AuthMethod } from '../../shared/grants';
import type { BasicEncoding } from '../../shared/interop';
import { basicEncodingsDiffer } from './client-auth';
import type { HttpResponse, PreparedRequest } from './http';

/**
 * What a failed request to the authorization server was, so its error can say what was sent and what usually
 * causes that answer: servers that answer an empty 403 leave the user nothing else to go on.
 */
export interface SentRequest {
  /** "token request", "introspection", … */
  label: string;
  authMethod: AuthMethod;
  basicEncoding?: BasicEncoding;
  clientId?: string;
  clientSecret?: string;
}

const USUAL_CAUSES: Record<number, string> = {
  400: 'a parameter the server does not accept (grant type, scope, redirect_uri, resource) or a malformed request',
  401: 'wrong client id or secret, a client not registered for this authentication method, or an assertion whose key (kid), audience or lifetime the server does not accept',
  403: 'a client not allowed this grant or endpoint, credentials encoded differently from what the server expects, an IP allow-list, firewall or WAF in front of the server, or an endpoint that needs mutual TLS',
  404: 'a wrong endpoint URL (check the issuer metadata or the typed URL)',
  405: 'a URL that is not this endpoint (it does not accept POST)',
  415: 'a server that does not accept application/x-www-form-urlencoded here',
  429: 'rate limiting: wait and retry',
  500: 'a server-side failure; its logs say more',
  502: 'a proxy or gateway that could not reach the server',
  503: 'a server that is down or overloaded',
  504: 'a proxy or gateway that timed out waiting for the server',
};

function causesOf(status: number): string {
  return USUAL_CAUSES[status] ?? (status >= 500 ? 'a server-side failure' : 'a request the server refuses');
}

function clientAuthFailed(err: WorkbenchError, status: number): boolean {
  return status === 401 || status === 403 || (err instanceof ResponseBodyError && err.error === 'invalid_client');
}

/** The kid of the client assertion in a request body, `null` when it has none, undefined without an assertion. */
function assertionKid(req: PreparedRequest): string | null | undefined {
  if (typeof req.body !== 'string') return undefined;
  const jwt = new URLSearchParams(req.body).get('client_assertion');
  if (!jwt) return undefined;
  try {
    const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : null;
  } catch {
    return undefined;
  }
}

/** Hints for a failed client authentication: the Basic encoding and the assertion's kid, each naming its setting. */
function authHints(req: PreparedRequest, sent: SentRequest): string[] {
  const hints: string[] = [];
  if (sent.authMethod === 'client_secret_basic' && sent.clientId !== undefined && sent.clientSecret !== undefined && basicEncodingsDiffer(sent.clientId, sent.clientSecret)) {
    const used = sent.basicEncoding ?? 'form';
    const other = used === 'form' ? 'raw' : 'form';
    hints.push(
      `the client id or secret has characters that the two Basic encodings send differently, and this request ${used === 'form' ? 'form-urlencoded them (RFC 6749 §2.3.1)' : 'sent them unencoded (raw)'}; if the server ${used === 'form' ? 'does not decode them' : 'expects them form-urlencoded'}, set "Basic credentials encoding" to ${other} (CLI --basic-encoding ${other})`,
    );
  }
  if (sent.authMethod === 'private_key_jwt') {
    const kid = assertionKid(req);
    if (kid !== undefined)
      hints.push(
        `the client assertion's header ${kid === null ? 'had no kid' : `had kid "${kid}"`}; a server that selects keys by kid needs the kid it registered for this key (setting "kid in the assertion header", CLI --kid VALUE|thumbprint|none, or keys kid ALIAS VALUE)`,
      );
  }
  return hints;
}

/**
 * Adds what was sent and the usual causes to an error from processing a response of the authorization server.
 * The error keeps its class and code (callers such as the device flow's poll loop read them); its message grows.
 */
export function explainFailure(err: unknown, req: PreparedRequest, res: HttpResponse, sent: SentRequest): unknown {
  if (!(err instanceof WorkbenchError)) return err;
  const status = res.status;
  if (status < 400) return err;
  const parts: string[] = [];
  const emptyBody = res.body.trim() === '';
  if (emptyBody) parts.push(`${sent.label} to ${req.url} (client authentication ${sent.authMethod}) got HTTP ${status} with an empty body; usual causes of ${status}: ${causesOf(status)}`);
  if (clientAuthFailed(err, status)) parts.push(...authHints(req, sent));
  if (parts.length === 0) return err;
  const message = emptyBody ? parts.join('; ') : `${err.message} — ${parts.join('; ')}`;
  err.message = message;
  (err as { details?: Record<string, unknown> }).details = { ...(err.details ?? {}), status, endpoint: req.url, authMethod: sent.authMethod, hints: parts };
  return err;
}

/** Processes a response, explaining a failure with what was sent. */
export function processExplained<T>(req: PreparedRequest, res: HttpResponse, sent: SentRequest, process: (res: HttpResponse) => T): T {
  try {
    return process(res);
  } catch (err) {
    throw explainFailure(err, req, res, sent);
  }
}
