import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from './undici-parts';
import { WorkbenchError } from '../../shared/errors';
import type { Party } from '../../shared/transcript';
import type { Transcript } from './transcript';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface TlsSettings {
  /** Extra trusted CA certificates (PEM), added to Node's defaults. */
  ca?: string;
  /** Client certificate chain (PEM) and its private key (PEM), for mutual TLS. */
  cert?: string;
  key?: string;
  /** Explicit, per-profile "skip TLS verification". Never the default. */
  insecure?: boolean;
}

export interface NetworkSettings {
  /** Proxy URL for this profile; when absent HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply. */
  proxy?: string;
  tls?: TlsSettings;
  /** Deadline for one request, body included. */
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** A request built as data, before anything is sent. */
export interface PreparedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
  durationMs: number;
}

export interface SendOptions {
  label: string;
  to?: Party;
  signal?: AbortSignal;
}

const USER_AGENT = 'TokenWorkbench/0.1';

export interface HttpClientOptions {
  /**
   * Send through the process-wide dispatcher for these network settings
   * (kept-alive connections reused across runs) instead of a private one;
   * close() then leaves the connections open for the next run.
   */
  shareConnections?: boolean;
}

/**
 * The engine's only way onto the network: one deadline covering headers and
 * body, no redirects followed, a response size cap, cancellation, and every
 * exchange written (redacted) to the run's transcript.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly shared: boolean;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    settings: NetworkSettings = {},
    private readonly transcript?: Transcript,
    options: HttpClientOptions = {},
  ) {
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.shared = options.shareConnections ?? false;
    this.dispatcher = this.shared ? sharedDispatcher(settings) : createDispatcher(settings);
  }

  async send(req: PreparedRequest, options: SendOptions): Promise<HttpResponse> {
    const started = new Date();
    const t0 = performance.now();
    const headers = { 'user-agent': USER_AGENT, ...req.headers };
    const state: ExchangeState = { status: 0, headers: {} };
    try {
      const url = new URL(req.url);
      const bytes = await exchange(
        this.dispatcher,
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers, body: req.body },
        { timeoutMs: this.timeoutMs, maxBytes: this.maxResponseBytes, signal: options.signal },
        state,
      );
      const body = bytes.toString('utf8');
      const durationMs = performance.now() - t0;
      this.transcript?.recordHttp({
        label: options.label,
        to: options.to,
        startedAt: started,
        durationMs,
        request: { ...req, headers },
        response: { status: state.status, headers: state.headers, body },
      });
      return { status: state.status, headers: state.headers, body, url: req.url, durationMs };
    } catch (err) {
      const error = classifyTransportError(err, state.stopped, req.url, this.timeoutMs);
      this.transcript?.recordHttp({
        label: options.label,
        to: options.to,
        startedAt: started,
        durationMs: performance.now() - t0,
        request: { ...req, headers },
        ...(state.status ? { response: { status: state.status, headers: state.headers, body: '' } } : {}),
        error: { code: error.code, message: error.message },
      });
      throw error;
    }
  }

  async close(): Promise<void> {
    // A shared dispatcher outlives the run; closeSharedConnections() ends it.
    if (!this.shared) await this.dispatcher.close();
  }
}

/** Distinct network settings kept alive at once; the least recently used beyond this is closed. */
const MAX_SHARED_DISPATCHERS = 8;
const sharedDispatchers = new Map<string, Dispatcher>();

/**
 * What decides how a request reaches a server: proxy (the profile's, or the
 * environment's), trust, client certificate, verification. Two runs with the
 * same key may share connections and discovery results. The key is a digest
 * (safe to keep in caches and show in diagnostics, unlike the PEMs it covers).
 */
export function networkKey(settings: NetworkSettings = {}): string {
  // Asked twice per run (connections, discovery) with the run's one settings object: worked out once
  // per object (every run builds its own, and does not change it), the proxy environment included.
  const known = keysBySettings.get(settings);
  if (known !== undefined) return known;
  const env = process.env;
  const tls = settings.tls ?? {};
  const material = JSON.stringify([
    settings.proxy ?? null,
    settings.proxy ? null : [env.HTTPS_PROXY ?? env.https_proxy ?? null, env.HTTP_PROXY ?? env.http_proxy ?? null, env.NO_PROXY ?? env.no_proxy ?? null],
    tls.ca ?? null,
    tls.cert ?? null,
    tls.key ?? null,
    tls.insecure === true,
  ]);
  // Hashing is most of the cost and runs twice per run (connections, discovery): remember recent results.
  let key = networkKeys.get(material);
  if (key === undefined) {
    // Straight to the server, nothing to hide: no digest, and no node:crypto loaded for it at a CLI start.
    key = material === DIRECT ? 'direct' : process.getBuiltinModule('node:crypto').createHash('sha256').update(material).digest('base64url');
    if (networkKeys.size >= 64) networkKeys.delete(networkKeys.keys().next().value as string);
    networkKeys.set(material, key);
  }
  keysBySettings.set(settings, key);
  return key;
}
const networkKeys = new Map<string, string>();
/** The material of settings with no proxy (the profile's or the environment's) and no TLS options. */
const DIRECT = JSON.stringify([null, [null, null, null], null, null, null, false]);
const keysBySettings = new WeakMap<NetworkSettings, string>();

/** One kept-alive dispatcher per distinct network settings, so repeated runs skip TCP and TLS set-up. */
function sharedDispatcher(settings: NetworkSettings): Dispatcher {
  const key = networkKey(settings);
  let dispatcher = sharedDispatchers.get(key);
  if (dispatcher) {
    // Most recently used last, so eviction takes the stalest.
    sharedDispatchers.delete(key);
  } else {
    dispatcher = createDispatcher(settings);
    if (sharedDispatchers.size >= MAX_SHARED_DISPATCHERS) {
      const [oldestKey, oldest] = sharedDispatchers.entries().next().value as [string, Dispatcher];
      sharedDispatchers.delete(oldestKey);
      // close() lets requests in flight finish before the sockets go.
      void oldest.close().catch(() => undefined);
    }
  }
  sharedDispatchers.set(key, dispatcher);
  return dispatcher;
}

/** Closes every shared connection (app exit, end of a CLI command); later runs open new ones. */
export async function closeSharedConnections(): Promise<void> {
  const all = [...sharedDispatchers.values()];
  sharedDispatchers.clear();
  await Promise.all(all.map((d) => d.close().catch(() => undefined)));
}

function createDispatcher(settings: NetworkSettings): Dispatcher {
  const tls = settings.tls ?? {};
  const connect = {
    // A custom CA adds to Node's trusted roots instead of replacing them. node:tls is loaded only
    // here (undici loads it for https:// only): it cost every CLI start ~8 ms (bench/cli-start).
    ...(tls.ca ? { ca: [...process.getBuiltinModule('node:tls').rootCertificates, tls.ca] } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.insecure ? { rejectUnauthorized: false } : {}),
  };
  if (settings.proxy) return new ProxyAgent({ uri: settings.proxy, requestTls: connect });
  const env = process.env;
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) return new EnvHttpProxyAgent({ requestTls: connect, connect });
  return new Agent({ connect });
}


interface ExchangeState {
  /** Status and headers of the final (non-1xx) response, once they arrived. */
  status: number;
  headers: Record<string, string>;
  /** Set when the deadline or the caller stopped the exchange. */
  stopped?: 'timeout' | 'cancelled';
}

/**
 * One request through undici's dispatch API: the body collected as it arrives and refused past
 * the cap, one deadline over the whole exchange, and the caller's signal to cancel it. Both stop
 * the request through the controller undici hands the handler; an AbortSignal given to undici's
 * request() for the deadline cost ~50 µs per request to watch (bench/engine). As with a signal, a
 * request still connecting is aborted as soon as undici starts it, but the caller is answered at
 * once.
 */
function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  limits: { timeoutMs: number; maxBytes: number; signal?: AbortSignal },
  state: ExchangeState,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let done = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const { signal } = limits;
    const finish = (err?: Error): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      if (err) {
        if (controller && !controller.aborted) controller.abort(err);
        reject(err);
      }
      return true;
    };
    const stop = (why: 'timeout' | 'cancelled') => {
      state.stopped ??= why;
      finish(new Error(`request stopped: ${why}`));
    };
    const onCancel = () => stop('cancelled');
    const timer = setTimeout(stop, limits.timeoutMs, 'timeout');
    if (signal?.aborted) return onCancel();
    signal?.addEventListener('abort', onCancel, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (done) c.abort(new Error('request stopped'));
      },
      onResponseStart(_c, statusCode, headers) {
        // 1xx responses are informational; the final one follows.
        if (done || statusCode < 200) return;
        state.status = statusCode;
        state.headers = flattenHeaders(headers);
        const declared = Number(state.headers['content-length']);
        if (Number.isFinite(declared) && declared > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      },
      onResponseData(_c, chunk) {
        if (done) return;
        size += chunk.length;
        if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
        else chunks.push(chunk);
      },
      onResponseEnd() {
        if (finish()) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      },
      onResponseError(_c, err) {
        finish(err);
      },
    };
    try {
      dispatcher.dispatch({ ...options, headersTimeout: limits.timeoutMs, bodyTimeout: limits.timeoutMs }, handler);
    } catch (err) {
      finish(err as Error);
    }
  });
}

/** undici's header names are already lower case; repeated headers come as arrays. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}

function tooLarge(limit: number): WorkbenchError {
  return new WorkbenchError('RESPONSE_TOO_LARGE', `response larger than ${Math.round(limit / 1024)} KiB; refused to read further`);
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME|ALTNAME|EPROTO/;

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const c = current as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string') codes.push(c.code);
    if (Array.isArray(c.errors)) for (const e of c.errors) codes.push(...errorCodes(e));
    current = c.cause;
  }
  return codes;
}

function classifyTransportError(err: unknown, reason: 'timeout' | 'cancelled' | undefined, url: string, timeoutMs: number): WorkbenchError {
  if (err instanceof WorkbenchError) return err;
  const target = safeOrigin(url);
  if (reason === 'cancelled') return new WorkbenchError('CANCELLED', `request to ${target} cancelled`);
  const codes = errorCodes(err);
  const message = err instanceof Error ? err.message : String(err);
  if (reason === 'timeout' || codes.some((c) => c.includes('TIMEOUT')))
    return new WorkbenchError('TIMEOUT', `no complete response from ${target} within ${timeoutMs / 1000} s`, { cause: err });
  if (codes.includes('ECONNREFUSED')) return new WorkbenchError('CONNECTION_REFUSED', `connection refused by ${target}: nothing is listening there`, { cause: err });
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN'))
    return new WorkbenchError('DNS_FAILURE', `cannot resolve host of ${target}`, { cause: err });
  const tlsCode = codes.find((c) => TLS_CODES.test(c));
  if (tlsCode) return new WorkbenchError('TLS_ERROR', `TLS handshake with ${target} failed (${tlsCode}): ${message}`, { cause: err, details: { tlsCode } });
  return new WorkbenchError('NETWORK_ERROR', `request to ${target} failed: ${message}${codes.length ? ` (${codes[0]})` : ''}`, { cause: err });
}

function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
