import { Agent, request } from 'undici';
import type { SandboxClient, SandboxHandle } from '../../electron/sandbox';

/**
 * Raw token-endpoint calls with plain undici, for the sandbox's own tests:
 * they check the server, so they must not go through the engine.
 */

export interface JsonResponse {
  status: number;
  json: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export function basicAuth(clientId: string, secret: string): string {
  // RFC 6749 §2.3.1: form-encode both parts before joining them.
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

export async function postForm(url: string, params: Record<string, string>, options: { headers?: Record<string, string>; dispatcher?: Agent } = {}): Promise<JsonResponse> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...options.headers },
    body: new URLSearchParams(params).toString(),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  // Revocation answers 200 with an empty body.
  if (text !== '') try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`expected JSON from ${url}, got HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  }
  return { status: res.statusCode, json, headers: res.headers };
}

/** A token request authenticated with a secret-based method (basic, post) or none. */
export async function tokenRequest(handle: SandboxHandle, client: SandboxClient, params: Record<string, string>): Promise<JsonResponse> {
  const url = `${handle.issuer}/token`;
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic':
      return postForm(url, params, { headers: { authorization: basicAuth(client.client_id, client.client_secret ?? '') } });
    case 'client_secret_post':
      return postForm(url, { ...params, client_id: client.client_id, client_secret: client.client_secret ?? '' });
    case 'none':
      return postForm(url, { ...params, client_id: client.client_id });
    default:
      throw new Error(`tokenRequest does not build ${client.token_endpoint_auth_method} authentication; build it in the test`);
  }
}

export function mtlsAgent(handle: SandboxHandle, tls?: { certPem: string; keyPem: string }): Agent {
  return new Agent({ connect: { ca: handle.caPem, ...(tls ? { cert: tls.certPem, key: tls.keyPem } : {}) } });
}

export async function discovery(handle: SandboxHandle): Promise<Record<string, unknown>> {
  const res = await request(`${handle.issuer}/.well-known/openid-configuration`);
  return (await res.body.json()) as Record<string, unknown>;
}
