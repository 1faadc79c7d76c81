import {
  ASSERTION_PARAMS,
  SECRET_FORM_PARAMS,
  TOKEN_FIELDS,
  type HttpExchange,
  type Party,
  type TranscriptEntry,
  type TranscriptHttpRequest,
  type TranscriptHttpResponse,
} from '../../shared/transcript';

const REDACTED = '[redacted]';
/** Stored response bodies are cut here so a run over a huge error page cannot bloat history. */
const MAX_STORED_BODY = 64 * 1024;

export interface RedactionPolicy {
  /** Also hide access, refresh and ID tokens, codes and subject tokens (default: shown). */
  hideTokens?: boolean;
}

interface RecordedHttp {
  label: string;
  from?: Party;
  to?: Party;
  startedAt: Date;
  durationMs: number;
  request: TranscriptHttpRequest;
  response?: TranscriptHttpResponse;
  error?: { code: string; message: string };
}

/**
 * Collects what one run did. What leaves it (`entries`) never holds a client
 * secret, a password, an assertion's signature or a registered secret value,
 * whatever parameter it travelled in.
 *
 * Redaction happens when the entries are first read, not as exchanges are
 * recorded: a run whose transcript nobody looks at (`tokenbench token
 * --silent`, a script) does not pay for it, and a secret registered late in a
 * run is still hidden in the exchanges recorded before it. Until then the raw
 * exchanges stay in this object, in the engine's process, like the secrets it
 * already holds.
 */
export class Transcript {
  /** What was recorded, each kept as the function that redacts it when the entries are read. */
  private readonly recorded: Array<() => TranscriptEntry> = [];
  /** Redacted forms of the first recorded entries, kept until a new secret makes them stale. */
  private redacted: TranscriptEntry[] = [];
  private readonly secretValues = new Set<string>();
  /** Every secret in every encoding it may travel in, longest first; computed when first needed. */
  private secretVariants?: string[];
  constructor(private readonly policy: RedactionPolicy = {}) {}

  /** The run so far, redacted, in order. */
  get entries(): TranscriptEntry[] {
    for (let i = this.redacted.length; i < this.recorded.length; i++) this.redacted.push(this.recorded[i]!());
    return this.redacted.slice();
  }

  /** Registers a value that must never appear in the transcript (e.g. a client secret). */
  addSecret(value: string | undefined): void {
    if (!value || value.length < 4 || this.secretValues.has(value)) return;
    this.secretValues.add(value);
    this.secretVariants = undefined;
    // Entries already read are redacted again, with this secret too, when next read.
    this.redacted = [];
  }

  recordHttp(entry: RecordedHttp): void {
    this.recorded.push(() => this.redactExchange(entry));
  }

  event(label: string, from: Party, to: Party, detail?: string): void {
    const at = new Date();
    this.recorded.push(() => ({ kind: 'event', label, from, to, at: at.toISOString(), ...(detail ? { detail: this.scrub(detail) } : {}) }));
  }

  private redactExchange(entry: RecordedHttp): HttpExchange {
    return {
      kind: 'http',
      label: entry.label,
      from: entry.from ?? 'workbench',
      to: entry.to ?? 'authorization_server',
      startedAt: entry.startedAt.toISOString(),
      durationMs: Math.round(entry.durationMs * 10) / 10,
      request: this.redactRequest(entry.request),
      ...(entry.response ? { response: this.redactResponse(entry.response) } : {}),
      ...(entry.error ? { error: { code: entry.error.code, message: this.scrub(entry.error.message) } } : {}),
    };
  }

  private redactRequest(req: TranscriptHttpRequest): TranscriptHttpRequest {
    // Media types are case-insensitive (RFC 9110 §8.3.1).
    const form = lowerKeys(req.headers)['content-type']?.toLowerCase().includes('application/x-www-form-urlencoded');
    return {
      method: req.method,
      url: this.redactUrl(req.url),
      headers: this.redactHeaders(req.headers),
      ...(req.body === undefined ? {} : { body: form ? this.redactForm(req.body) : this.scrub(req.body) }),
    };
  }

  private redactResponse(res: TranscriptHttpResponse): TranscriptHttpResponse {
    // Redacted before it is cut: a cut JSON body no longer parses, and its token fields would go unrecognised.
    const body = this.redactJsonOrText(res.body);
    const cut = body.length > MAX_STORED_BODY;
    return { status: res.status, headers: this.redactHeaders(res.headers), body: cut ? body.slice(0, MAX_STORED_BODY) : body, ...(cut || res.truncated ? { truncated: true } : {}) };
  }

  redactUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.scrub(url);
    }
    // A password in the URL is a credential like Basic's (HttpClient never sends it, but it was typed).
    if (parsed.password) parsed.password = REDACTED;
    // (URLSearchParams drops the leading "?" itself; a fragment's "#" must be cut.)
    if (parsed.search) parsed.search = this.redactForm(parsed.search);
    if (parsed.hash) parsed.hash = this.redactForm(parsed.hash.slice(1));
    return this.scrub(parsed.toString());
  }

  private redactHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'proxy-authorization') out[name] = this.redactCredentials(value);
      else if (lower === 'cookie' || lower === 'set-cookie') out[name] = REDACTED;
      else out[name] = this.scrub(value);
    }
    return out;
  }

  /** An Authorization value: the scheme is kept, Bearer and DPoP tokens are shown unless the policy hides tokens. */
  private redactCredentials(value: string): string {
    const parts = value.trim().split(' ');
    // No "<scheme> <credentials>" (RFC 9110 §11.4): the whole value is a bare credential, such as an API key.
    if (parts.length < 2) return REDACTED;
    const scheme = parts[0]!;
    return /^(bearer|dpop)$/i.test(scheme) && !this.policy.hideTokens ? this.scrub(value) : `${scheme} ${REDACTED}`;
  }

  private redactForm(body: string): string {
    const parts: string[] = [];
    // Pair by pair, so a bare name (`?flag`, which some APIs mean as a switch) stays bare rather than `flag=`.
    for (const pair of body.replace(/^\?/, '').split('&')) {
      if (!pair) continue;
      const [name, value] = new URLSearchParams(pair).entries().next().value as [string, string];
      const redacted = this.redactParam(name, value);
      // Re-encoded (not as sent), so a secret is found by scrub() whichever way it was percent-encoded;
      // the placeholder kept readable instead of %5Bredacted%5D.
      const encoded = new URLSearchParams([[name, value]]).toString();
      parts.push(redacted !== undefined ? `${encodeURIComponent(name)}=${redacted}` : pair.includes('=') ? encoded : encoded.slice(0, -1));
    }
    return this.scrub(parts.join('&'));
  }

  /** Returns the replacement for a parameter's or a JSON field's value, or undefined to keep it. */
  private redactParam(name: string, value: string): string | undefined {
    if ((SECRET_FORM_PARAMS as readonly string[]).includes(name)) return REDACTED;
    if ((ASSERTION_PARAMS as readonly string[]).includes(name)) return redactJwtSignature(value);
    if (this.policy.hideTokens && (TOKEN_FIELDS as readonly string[]).includes(name)) return REDACTED;
    return undefined;
  }

  /**
   * A JSON body has its secret and token fields redacted at any depth, and is re-serialised: a secret
   * escaped some other way in the original (\u0022, \/) is then written as its JSON-escaped variant.
   */
  private redactJsonOrText(body: string): string {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return this.scrub(body);
    }
    return this.scrub(JSON.stringify(this.redactJson(json), null, 2));
  }

  private redactJson(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.redactJson(item));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'string' ? (this.redactParam(key, v) ?? v) : this.redactJson(v)]));
  }

  /** Replaces every registered secret value, in each encoding it may travel in, wherever it appears. */
  private scrub(text: string): string {
    // Longest first: a secret that is part of another must not leave the other's remainder behind.
    this.secretVariants ??= [...this.secretValues].flatMap(secretEncodings).sort((a, b) => b.length - a.length);
    let out = text;
    for (const variant of this.secretVariants) out = out.replaceAll(variant, REDACTED);
    return out;
  }
}

/** A secret as written raw, percent-encoded, form-encoded, in a URL path and inside a JSON string. */
function secretEncodings(value: string): string[] {
  return [value, encodeURIComponent(value), new URLSearchParams([['', value]]).toString().slice(1), pathEncoded(value), JSON.stringify(value).slice(1, -1)];
}

/** What the URL parser leaves of a value in a path (WHATWG URL, path percent-encode set): "@", "+", "/" stay. */
function pathEncoded(value: string): string {
  return [...value].map((c) => (c <= ' ' || c >= '\u007f' || '"#<>?`{}'.includes(c) ? encodeURIComponent(c) : c)).join('');
}

function redactJwtSignature(value: string): string {
  const parts = value.split('.');
  if (parts.length === 3) return `${parts[0]}.${parts[1]}.${REDACTED}`;
  // A SAML assertion or something unknown: it is a credential, hide it entirely.
  return REDACTED;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
