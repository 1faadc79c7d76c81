import { WorkbenchError } from '../../shared/errors';
import type { AuthorizationServerMetadata } from '../../shared/oauth';
import type { HttpClient, PreparedRequest } from './http';
import { parseJsonObject } from './response';

export type { AuthorizationServerMetadata };

const URL_MEMBERS = [
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'end_session_endpoint',
  'jwks_uri',
] as const;

/** The two well-known locations, OpenID first, then RFC 8414 (path inserted after the well-known prefix). */
export function discoveryRequests(issuer: string): PreparedRequest[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new WorkbenchError('INVALID_INPUT', `issuer "${issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WorkbenchError('INVALID_INPUT', `issuer "${issuer}" must be an http(s) URL`);
  if (url.search || url.hash) throw new WorkbenchError('INVALID_INPUT', `issuer "${issuer}" must not have a query or fragment`);
  const path = url.pathname.replace(/\/$/, '');
  const headers = { accept: 'application/json' };
  return [
    { method: 'GET', url: `${url.origin}${path}/.well-known/openid-configuration`, headers },
    { method: 'GET', url: `${url.origin}/.well-known/oauth-authorization-server${path}`, headers },
  ];
}

/** Validates a metadata document: the issuer must be exactly the one configured (OIDC Discovery §4.3, RFC 8414 §3.3). */
export function processDiscoveryResponse(expectedIssuer: string, json: Record<string, unknown>): AuthorizationServerMetadata {
  const issuer = json.issuer;
  if (typeof issuer !== 'string' || !issuer) throw new WorkbenchError('DISCOVERY_FAILED', 'discovery document has no "issuer"');
  if (issuer !== expectedIssuer) {
    throw new WorkbenchError(
      'ISSUER_MISMATCH',
      `issuer mismatch: configured "${expectedIssuer}" but the server's metadata says "${issuer}" — use exactly the server's issuer (a trailing slash counts)`,
      { details: { expected: expectedIssuer, actual: issuer } },
    );
  }
  for (const member of URL_MEMBERS) {
    const v = json[member];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !isHttpUrl(v)) throw new WorkbenchError('DISCOVERY_FAILED', `discovery document: "${member}" is not an http(s) URL`);
  }
  if (json.mtls_endpoint_aliases !== undefined) {
    const aliases = json.mtls_endpoint_aliases;
    if (!aliases || typeof aliases !== 'object' || Array.isArray(aliases) || Object.values(aliases).some((v) => typeof v !== 'string' || !isHttpUrl(v)))
      throw new WorkbenchError('DISCOVERY_FAILED', 'discovery document: "mtls_endpoint_aliases" must map names to URLs');
  }
  for (const member of Object.keys(json)) {
    if (member.endsWith('_supported') && json[member] !== undefined && typeof json[member] !== 'boolean' && !isStringArray(json[member]))
      throw new WorkbenchError('DISCOVERY_FAILED', `discovery document: "${member}" must be an array of strings`);
  }
  return json as AuthorizationServerMetadata;
}

export async function discover(http: HttpClient, issuer: string, signal?: AbortSignal): Promise<AuthorizationServerMetadata> {
  const [openid, oauth] = discoveryRequests(issuer) as [PreparedRequest, PreparedRequest];
  let firstError: WorkbenchError | undefined;
  for (const req of [openid, oauth]) {
    let json: Record<string, unknown>;
    try {
      const res = await http.send(req, { label: 'discovery', signal });
      json = parseJsonObject(res, `discovery (${req.url})`);
    } catch (err) {
      // Transport failures will not get better at the second location.
      if (err instanceof WorkbenchError && ['TIMEOUT', 'CONNECTION_REFUSED', 'DNS_FAILURE', 'TLS_ERROR', 'CANCELLED'].includes(err.code)) throw err;
      firstError ??= err instanceof WorkbenchError ? err : new WorkbenchError('DISCOVERY_FAILED', String(err));
      continue;
    }
    return processDiscoveryResponse(issuer, json);
  }
  throw new WorkbenchError('DISCOVERY_FAILED', `no discovery document for ${issuer}: ${firstError?.message ?? 'unknown error'}`, {
    cause: firstError,
    details: firstError?.details,
  });
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
