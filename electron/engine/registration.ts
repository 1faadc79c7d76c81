import type { JSONWebKeySet } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import type { HttpResponse, PreparedRequest } from './http';
import { optionalString, parseJsonObject, requiredString } from './response';

/**
 * Dynamic client registration (RFC 7591) and its management protocol
 * (RFC 7592), as request/process pairs: the requests are data, the
 * responses are checked apart.
 */

export interface ClientMetadataInput {
  redirectUris?: string[];
  grantTypes?: string[];
  responseTypes?: string[];
  tokenEndpointAuthMethod?: string;
  /** Signing alg of client assertions (private_key_jwt / client_secret_jwt). */
  tokenEndpointAuthSigningAlg?: string;
  jwks?: JSONWebKeySet;
  jwksUri?: string;
  clientName?: string;
  scope?: string;
  applicationType?: 'native' | 'web';
  /** Anything else (e.g. dpop_bound_access_tokens, tls_client_auth_subject_dn), sent as given. */
  extra?: Record<string, unknown>;
}

/** RFC 7591 §2 metadata from the inputs; jwks and jwks_uri are mutually exclusive (§2). */
export function clientMetadata(input: ClientMetadataInput): Record<string, unknown> {
  if (input.jwks && input.jwksUri) throw new WorkbenchError('INVALID_INPUT', 'give the client keys as jwks or as jwks_uri, not both (RFC 7591 §2)');
  const m: Record<string, unknown> = { ...(input.extra ?? {}) };
  if (input.redirectUris?.length) m.redirect_uris = input.redirectUris;
  if (input.grantTypes?.length) m.grant_types = input.grantTypes;
  if (input.responseTypes) m.response_types = input.responseTypes;
  if (input.tokenEndpointAuthMethod) m.token_endpoint_auth_method = input.tokenEndpointAuthMethod;
  if (input.tokenEndpointAuthSigningAlg) m.token_endpoint_auth_signing_alg = input.tokenEndpointAuthSigningAlg;
  if (input.jwks) m.jwks = input.jwks;
  if (input.jwksUri) m.jwks_uri = input.jwksUri;
  if (input.clientName) m.client_name = input.clientName;
  if (input.scope) m.scope = input.scope;
  if (input.applicationType) m.application_type = input.applicationType;
  return m;
}

const json = (method: PreparedRequest['method'], url: string, body: Record<string, unknown> | undefined, bearer?: string): PreparedRequest => ({
  method,
  url,
  headers: {
    accept: 'application/json',
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
  },
  ...(body ? { body: JSON.stringify(body) } : {}),
});

/** RFC 7591 §3.1: POST the metadata, with the initial access token when the server wants one. */
export function registrationRequest(endpoint: string, metadata: Record<string, unknown>, initialAccessToken?: string): PreparedRequest {
  return json('POST', endpoint, metadata, initialAccessToken);
}

/** RFC 7592 §2.1 read, §2.2 update (the full metadata, client_id included), §2.3 delete. */
export const readRegistrationRequest = (registrationClientUri: string, registrationAccessToken: string) => json('GET', registrationClientUri, undefined, registrationAccessToken);
export function updateRegistrationRequest(registrationClientUri: string, registrationAccessToken: string, clientId: string, metadata: Record<string, unknown>): PreparedRequest {
  // §2.2: these are the server's to set and must not be sent back.
  const { registration_access_token: _t, registration_client_uri: _u, client_secret_expires_at: _e, client_id_issued_at: _i, ...rest } = metadata;
  return json('PUT', registrationClientUri, { ...rest, client_id: clientId }, registrationAccessToken);
}
export const deleteRegistrationRequest = (registrationClientUri: string, registrationAccessToken: string) => json('DELETE', registrationClientUri, undefined, registrationAccessToken);

/** What a registration (or a read / update) returns: the client's metadata plus its credentials. */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_secret_expires_at?: number;
  registration_access_token?: string;
  registration_client_uri?: string;
  /** Everything the server echoed, credentials included; callers keep secrets out of files. */
  metadata: Record<string, unknown>;
}

/** RFC 7591 §3.2.1 (201) and RFC 7592 §3 (200): client_id is required, URLs must be http(s). */
export function processRegistrationResponse(res: HttpResponse, what = 'registration response', expectedStatus: number | number[] = [200, 201]): RegisteredClient {
  const body = parseJsonObject(res, what, expectedStatus);
  const client_id = requiredString(body, 'client_id', what);
  const client_secret = optionalString(body, 'client_secret', what);
  const registration_access_token = optionalString(body, 'registration_access_token', what);
  const registration_client_uri = optionalString(body, 'registration_client_uri', what);
  if (registration_client_uri) {
    let u: URL;
    try {
      u = new URL(registration_client_uri);
    } catch {
      throw new WorkbenchError('INVALID_RESPONSE', `${what}: "registration_client_uri" is not a URL`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new WorkbenchError('INVALID_RESPONSE', `${what}: "registration_client_uri" must be an http(s) URL`);
  }
  const expires = body.client_secret_expires_at;
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isFinite(expires))) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "client_secret_expires_at" must be a number`);
  return {
    client_id,
    ...(client_secret ? { client_secret } : {}),
    ...(typeof expires === 'number' ? { client_secret_expires_at: expires } : {}),
    ...(registration_access_token ? { registration_access_token } : {}),
    ...(registration_client_uri ? { registration_client_uri } : {}),
    metadata: body,
  };
}

/** RFC 7592 §2.3: 204 No Content; an error body becomes the server's error. */
export function processDeleteRegistrationResponse(res: HttpResponse): void {
  if (res.status === 204) return;
  parseJsonObject(res, 'registration delete response', 204);
}
