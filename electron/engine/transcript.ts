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
  /** Also hide access, refresh and ID tokens, codes and subject tokens. */
  hideTokens: boolean;
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

/** What was recorded, before redaction. */
type Recorded = { kind: 'http'; entry: RecordedHttp } | { kind: 'event'; label: string; from: Party; to: Party; at: Date; detail?: string };

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
  private readonly recorded: Recorded[] = [];
  /** Redacted forms of the first recorded entries, kept until a new secret makes them stale. */
  private redacted: TranscriptEntry[] = [];
  private readonly secretValues = new Set<string>();
  /** Each secret with the encodings it may travel in; computed when first needed. */
  private secretVariants?: string[][];
  constructor(private readonly policy: RedactionPolicy = { hideTokens: false }) {}

  /** The run so far, redacted, in order. */
  get entries(): TranscriptEntry[] {
    for (let i = this.redacted.length; i < this.recorded.length; i++) this.redacted.push(this.redact(this.recorded[i]!));
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
    this.recorded.push({ kind: 'http', entry });
  }

  event(label: string, from: Party, to: Party, detail?: string): void {
    this.recorded.push({ kind: 'event', label, from, to, at: new Date(), ...(detail ? { detail } : {}) });
  }

  private redact(r: Recorded): TranscriptEntry {
    if (r.kind === 'event') return { kind: 'event', label: r.label, from: r.from, to: r.to, at: r.at.toISOString(), ...(r.detail ? { detail: this.redactText(r.detail) } : {}) };
    const entry = r.entry;
    const exchange: HttpExchange = {
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
    return exchange;
  }

  redactRequest(req: TranscriptHttpRequest): TranscriptHttpRequest {
    const contentType = lowerKeys(req.headers)['content-type'] ?? '';
    const body =
      req.body === undefined
        ? undefined
        : contentType.includes('application/x-www-form-urlencoded')
          ? this.redactForm(req.body)
          : this.redactText(req.body);
    return { method: req.method, url: this.redactUrl(req.url), headers: this.redactHeaders(req.headers), ...(body !== undefined ? { body } : {}) };
  }

  redactResponse(res: TranscriptHttpResponse): TranscriptHttpResponse {
    let body = res.body;
    let truncated = res.truncated;
    if (body.length > MAX_STORED_BODY) {
      body = body.slice(0, MAX_STORED_BODY);
      truncated = true;
    }
    return { status: res.status, headers: this.redactHeaders(res.headers), body: this.redactJsonOrText(body), ...(truncated ? { truncated } : {}) };
  }

  redactUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.scrub(url);
    }
    if (parsed.search) parsed.search = this.redactForm(parsed.search.slice(1));
    if (parsed.hash.length > 1) parsed.hash = this.redactForm(parsed.hash.slice(1));
    return this.scrub(parsed.toString());
  }

  private redactHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'proxy-authorization') {
        const scheme = value.split(' ')[0] ?? '';
        const isToken = /^(bearer|dpop)$/i.test(scheme);
        out[name] = isToken && !this.policy.hideTokens ? this.scrub(value) : `${scheme} ${REDACTED}`;
      } else if (lower === 'cookie' || lower === 'set-cookie') {
        out[name] = REDACTED;
      } else {
        out[name] = this.scrub(value);
      }
    }
    return out;
  }

  private redactForm(body: string): string {
    const params = new URLSearchParams(body);
    const parts: string[] = [];
    for (const [name, value] of params) {
      const redacted = this.redactParam(name, value);
      const encoded = new URLSearchParams([[name, redacted ?? value]]).toString();
      // Keep the placeholder readable instead of %5Bredacted%5D.
      parts.push(redacted === undefined ? encoded : `${encodeURIComponent(name)}=${redacted}`);
    }
    return this.scrub(parts.join('&'));
  }

  /** Returns the replacement for a parameter's value, or undefined to keep it. */
  private redactParam(name: string, value: string): string | undefined {
    if ((SECRET_FORM_PARAMS as readonly string[]).includes(name)) return REDACTED;
    if ((ASSERTION_PARAMS as readonly string[]).includes(name)) return redactJwtSignature(value);
    if (this.policy.hideTokens && (TOKEN_FIELDS as readonly string[]).includes(name)) return REDACTED;
    return undefined;
  }

  private redactJsonOrText(body: string): string {
    const trimmed = body.trimStart();
    if (trimmed.startsWith('{')) {
      try {
        const json = JSON.parse(body) as unknown;
        if (json && typeof json === 'object' && !Array.isArray(json)) {
          const copy: Record<string, unknown> = { ...(json as Record<string, unknown>) };
          for (const key of Object.keys(copy)) {
            const value = copy[key];
            if (typeof value !== 'string') continue;
            const replacement = this.redactParam(key, value);
            if (replacement !== undefined) copy[key] = replacement;
          }
          return this.scrub(JSON.stringify(copy, null, 2));
        }
      } catch {
        // not JSON after all: fall through to plain scrubbing
      }
    }
    return this.redactText(body);
  }

  private redactText(text: string): string {
    return this.scrub(text);
  }

  /** Replaces every registered secret value, raw or form/URL-encoded, wherever it appears. */
  scrub(text: string): string {
    let out = text;
    this.secretVariants ??= [...this.secretValues].map((value) => [
      ...new Set([value, encodeURIComponent(value), new URLSearchParams([['', value]]).toString().slice(1)].filter(Boolean)),
    ]);
    for (const variants of this.secretVariants) {
      for (const variant of variants) if (out.includes(variant)) out = out.split(variant).join(REDACTED);
    }
    return out;
  }
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
