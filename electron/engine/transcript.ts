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

/**
 * Collects what one run did, redacting as it records: the stored transcript
 * never holds a client secret, a password, an assertion's signature or a
 * registered secret value, whatever parameter it travelled in.
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  /** Each secret with the encodings it may travel in, computed once instead of at every scrub. */
  private readonly secrets = new Map<string, string[]>();
  constructor(private readonly policy: RedactionPolicy = { hideTokens: false }) {}

  /** Registers a value that must never appear in the transcript (e.g. a client secret). */
  addSecret(value: string | undefined): void {
    if (!value || value.length < 4 || this.secrets.has(value)) return;
    const variants = new Set([value, encodeURIComponent(value), new URLSearchParams([['', value]]).toString().slice(1)]);
    this.secrets.set(value, [...variants].filter(Boolean));
  }

  recordHttp(entry: {
    label: string;
    from?: Party;
    to?: Party;
    startedAt: Date;
    durationMs: number;
    request: TranscriptHttpRequest;
    response?: TranscriptHttpResponse;
    error?: { code: string; message: string };
  }): HttpExchange {
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
    this.entries.push(exchange);
    return exchange;
  }

  event(label: string, from: Party, to: Party, detail?: string): void {
    this.entries.push({ kind: 'event', label, from, to, at: new Date().toISOString(), ...(detail ? { detail: this.redactText(detail) } : {}) });
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
    for (const variants of this.secrets.values()) {
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
