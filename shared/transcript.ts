/**
 * A transcript is what one flow run did on the wire, in order, with secrets
 * already redacted, so the UI can draw it as a sequence and offer "copy as curl".
 */
export type Party = 'workbench' | 'authorization_server' | 'browser' | 'loopback' | 'resource_server' | 'user';

export interface TranscriptHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface TranscriptHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the body shown was cut to keep transcripts bounded. */
  truncated?: boolean;
}

export interface HttpExchange {
  kind: 'http';
  /** What the exchange was for, e.g. "discovery", "token request". */
  label: string;
  from: Party;
  to: Party;
  startedAt: string;
  durationMs: number;
  request: TranscriptHttpRequest;
  response?: TranscriptHttpResponse;
  error?: { code: string; message: string };
}

/** Something that is not an HTTP exchange the engine made: the browser opening, a redirect arriving on loopback, a user prompt. */
export interface TranscriptEvent {
  kind: 'event';
  label: string;
  from: Party;
  to: Party;
  at: string;
  detail?: string;
}

export type TranscriptEntry = HttpExchange | TranscriptEvent;

/** Form parameters whose values never appear in a stored transcript. */
export const SECRET_FORM_PARAMS = ['client_secret', 'password', 'code_verifier'] as const;
/** Parameters whose values are JWTs: the signature is hidden, header and claims kept. */
export const ASSERTION_PARAMS = ['client_assertion', 'assertion'] as const;
/** Token-bearing parameters/fields, redacted when the user asks to hide tokens. */
export const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token', 'subject_token', 'actor_token', 'token', 'device_code', 'code', 'auth_req_id', /* JARM: the response JWT carries the code */ 'response'] as const;
