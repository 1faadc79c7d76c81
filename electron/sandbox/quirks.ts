import { IncomingMessage, type ServerResponse } from 'node:http';
import { SignJWT, createLocalJWKSet, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import type { AuthMethod } from '../../shared/grants';
import { ROUTES } from './configuration';
import { GOOGLE_LIKE_CLIENT_ID, googleAccessType, NETIQ_LIKE_CLIENT_ID, netiqResourceServer } from './preset-rewrites';

/**
 * Sandbox clients that behave like authorization servers nobody here wrote (issue 13). oidc-provider is a
 * faithful implementation; these small pre- and post-middlewares emulate, for their own clients only, what
 * real servers were seen to do, so every interop setting is tested against the quirk it addresses:
 *
 * - RAW_BASIC_CLIENT_ID: a server that does not form-urldecode Basic credentials. Sent form-urlencoded
 *   (RFC 6749 §2.3.1), "-" arrives as "%2D", the id is unknown, and the answer is a bare 403 with no body.
 * - AUTHN_QUIRK_CLIENT_ID: a server that ignores max_age and the claims parameter and issues ID tokens with
 *   auth_time 0 and acr "urn:sandbox:loa:0" (re-signed with the provider's own key, so they verify).
 * - NO_AUTH_TIME_CLIENT_ID: a server that ignores max_age, so its ID tokens carry no auth_time.
 * - PER_ENDPOINT_CLIENT_ID: a client registered for client_secret_basic whose token endpoint also takes
 *   private_key_jwt (verified here against its registered keys, then handed to oidc-provider as Basic); with
 *   the sandbox option `introspectionAuthMethods`, introspection and revocation publish and enforce their
 *   own, shorter list of methods (`…_endpoint_auth_methods_supported`).
 * - KID_QUIRK_CLIENT_ID needs no middleware: its registered keys carry kids of their own, and oidc-provider
 *   selects the key by the assertion's kid when there is one, refusing a kid it does not know (and trying
 *   every key when there is none). The clients of servers that also refuse a kid-less assertion are in
 *   kid-quirk.ts.
 */
export const KID_QUIRK_CLIENT_ID = 'sandbox-quirk-kid';
export const RAW_BASIC_CLIENT_ID = 'sandbox-raw-basic.client_1';
export const AUTHN_QUIRK_CLIENT_ID = 'sandbox-quirk-authn';
export const NO_AUTH_TIME_CLIENT_ID = 'sandbox-quirk-no-auth-time';
export const PER_ENDPOINT_CLIENT_ID = 'sandbox-quirk-per-endpoint';
/** The acr the AUTHN quirk client's ID tokens always carry, whatever was asked for. */
export const QUIRK_ACR = 'urn:sandbox:loa:0';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_BODY = 64 * 1024;

export interface QuirkOptions {
  issuer: string;
  /** The provider's private signing keys (kid, alg, JWK), to re-sign rewritten ID tokens. */
  providerKeys: Array<{ kid: string; alg: string; privateJwk: JWK }>;
  /** The per-endpoint client's secret and registered public keys. */
  perEndpoint: { secret: string; jwks: JSONWebKeySet };
  /** When set, introspection and revocation accept only these methods and the metadata says so. */
  introspectionAuthMethods?: AuthMethod[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0];

/** Wraps the provider's handler with the quirk middlewares. */
export function withQuirks(options: QuirkOptions, next: Handler): Handler {
  return (req, res) => {
    const path = pathOf(req);
    if (req.method === 'GET' && path === ROUTES.authorization) return next(ignoreAuthenticationParams(req), res);
    if (req.method === 'POST' && (path === ROUTES.token || path === ROUTES.introspection || path === ROUTES.revocation)) {
      void handlePost(options, req, res, next, path).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    next(req, res);
  };
}

/**
 * Authorization requests of quirk clients: the Google-like client's access_type (googleAccessType); the AUTHN and
 * NO_AUTH_TIME quirk clients' server ignores max_age and claims (no re-authentication, no essential acr).
 */
function ignoreAuthenticationParams(req: IncomingMessage): IncomingMessage {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const google = googleAccessType(url.searchParams, GOOGLE_LIKE_CLIENT_ID);
  if (google) {
    req.url = `${url.pathname}?${google}`;
    return req;
  }
  const client = url.searchParams.get('client_id');
  if (client !== AUTHN_QUIRK_CLIENT_ID && client !== NO_AUTH_TIME_CLIENT_ID) return req;
  url.searchParams.delete('max_age');
  url.searchParams.delete('claims');
  req.url = `${url.pathname}${url.search}`;
  return req;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The same request again, readable, with a (possibly rewritten) body and headers. */
function replay(req: IncomingMessage, body: Buffer, headers: IncomingMessage['headers']): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method as string;
  copy.url = req.url as string;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.headers = { ...headers, 'content-length': String(body.length) };
  // Parsed in full already: without this, finishing the copy would count as an aborted request and close the socket.
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { id: text.slice(0, i), secret: text.slice(i + 1) };
}

function formDecode(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

function methodOf(req: IncomingMessage, form: URLSearchParams): AuthMethod {
  if (form.get('client_assertion_type') === ASSERTION_TYPE) {
    try {
      return decodeProtectedHeader(form.get('client_assertion') ?? '').alg?.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
    } catch {
      return 'private_key_jwt';
    }
  }
  if (basicCredentials(req.headers.authorization)) return 'client_secret_basic';
  if (form.has('client_secret')) return 'client_secret_post';
  return (req.socket as { encrypted?: boolean }).encrypted ? 'tls_client_auth' : 'none';
}

const refuse = (res: ServerResponse, status: number, error?: string, description?: string) => {
  if (!error) {
    res.writeHead(status, { 'content-length': '0' }).end();
    return;
  }
  const body = JSON.stringify({ error, error_description: description });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' }).end(body);
};

async function handlePost(options: QuirkOptions, req: IncomingMessage, res: ServerResponse, next: Handler, path: string): Promise<void> {
  // A server that does not decode Basic credentials: the encoded id is an unknown client, refused with a bare 403.
  const basic = basicCredentials(req.headers.authorization);
  if (basic && basic.id !== RAW_BASIC_CLIENT_ID && formDecode(basic.id) === RAW_BASIC_CLIENT_ID) return refuse(res, 403);

  const body = await readBody(req);
  const form = new URLSearchParams(body.toString('utf8'));
  const headers = { ...req.headers };
  let forwarded = body;

  if (path !== ROUTES.token && options.introspectionAuthMethods) {
    const method = methodOf(req, form);
    if (!options.introspectionAuthMethods.includes(method))
      return refuse(res, 401, 'invalid_client', `this endpoint accepts only ${options.introspectionAuthMethods.join(', ')}, not ${method}`);
  }

  // The per-endpoint client: private_key_jwt at the token endpoint, checked here, then Basic for oidc-provider.
  if (path === ROUTES.token && form.get('client_assertion_type') === ASSERTION_TYPE && form.get('client_id') === PER_ENDPOINT_CLIENT_ID) {
    try {
      await jwtVerify(form.get('client_assertion') ?? '', createLocalJWKSet(options.perEndpoint.jwks), {
        issuer: PER_ENDPOINT_CLIENT_ID,
        subject: PER_ENDPOINT_CLIENT_ID,
        audience: [`${options.issuer}${ROUTES.token}`, options.issuer],
      });
    } catch (err) {
      return refuse(res, 401, 'invalid_client', `client assertion invalid: ${(err as Error).message}`);
    }
    for (const name of ['client_assertion', 'client_assertion_type', 'client_id']) form.delete(name);
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(PER_ENDPOINT_CLIENT_ID)}:${encodeURIComponent(options.perEndpoint.secret)}`).toString('base64')}`;
    forwarded = Buffer.from(form.toString());
  }

  // Provider-preset quirk (NetIQ Access Manager's resourceServer), translated before oidc-provider reads it.
  if (path === ROUTES.token && form.has('resourceServer') && (form.get('client_id') ?? basic?.id) === NETIQ_LIKE_CLIENT_ID) {
    const problem = netiqResourceServer(form, NETIQ_LIKE_CLIENT_ID);
    if (problem) return refuse(res, 400, 'invalid_request', problem);
    forwarded = Buffer.from(form.toString());
  }

  if (path === ROUTES.token) rewriteIdTokens(options, res);
  next(replay(req, forwarded, headers), res);
}

/** The AUTHN quirk client's ID tokens say auth_time 0 and a fixed acr, re-signed with the provider's key. */
function rewriteIdTokens(options: QuirkOptions, res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    let json: { id_token?: unknown } | undefined;
    try {
      json = text ? (JSON.parse(text) as { id_token?: unknown }) : undefined;
    } catch {
      json = undefined;
    }
    const idToken = typeof json?.id_token === 'string' ? json.id_token : undefined;
    if (!json || !idToken || decodeJwt(idToken).aud !== AUTHN_QUIRK_CLIENT_ID) return end(chunk, ...rest);
    void resign(options, idToken).then(
      (rewritten) => {
        const out = JSON.stringify({ ...json, id_token: rewritten });
        if (!res.headersSent) res.setHeader('content-length', String(Buffer.byteLength(out)));
        end(out);
      },
      () => end(chunk, ...rest),
    );
    return res;
  };
}

async function resign(options: QuirkOptions, idToken: string): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const key = options.providerKeys.find((k) => k.kid === header.kid);
  if (!key) throw new Error('no provider key for the ID token');
  const payload = { ...decodeJwt(idToken), auth_time: 0, acr: QUIRK_ACR };
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...(header.typ ? { typ: header.typ } : {}) }).sign(await importJWK(key.privateJwk, key.alg));
}
