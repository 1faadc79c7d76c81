import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import type { HttpResponse } from './http';

/**
 * Turns an HTTP response into a JSON object or a precise, typed error:
 * a redirect, an HTML page, a non-JSON body and an OAuth error body each
 * say what they are.
 */
export function parseJsonObject(res: HttpResponse, what: string, expectedStatus: number | number[] = 200): Record<string, unknown> {
  const expected = Array.isArray(expectedStatus) ? expectedStatus : [expectedStatus];
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.location;
    throw new WorkbenchError(
      'REDIRECT_NOT_FOLLOWED',
      `${what}: the server answered HTTP ${res.status}${location ? ` redirecting to ${location}` : ''}; redirects are not followed — check the URL`,
      { details: { status: res.status, location } },
    );
  }
  const contentType = (res.headers['content-type'] ?? '').toLowerCase();
  const body = res.body;
  const looksHtml = contentType.includes('text/html') || /^\s*(<!doctype html|<html)/i.test(body);

  let json: unknown;
  let parsed = false;
  if (!looksHtml && body.trim() !== '') {
    try {
      json = JSON.parse(body);
      parsed = true;
    } catch {
      parsed = false;
    }
  }

  const isObject = parsed && json !== null && typeof json === 'object' && !Array.isArray(json);
  if (!expected.includes(res.status)) {
    if (isObject && typeof (json as { error?: unknown }).error === 'string') {
      const o = json as { error: string; error_description?: unknown; error_uri?: unknown };
      throw new ResponseBodyError(res.status, {
        error: o.error,
        error_description: typeof o.error_description === 'string' ? o.error_description : undefined,
        error_uri: typeof o.error_uri === 'string' ? o.error_uri : undefined,
      });
    }
    if (looksHtml) throw htmlError(what, res);
    throw new WorkbenchError('UNEXPECTED_STATUS', `${what}: unexpected HTTP ${res.status}${body ? `: ${snippet(body)}` : ''}`, {
      details: { status: res.status },
    });
  }
  if (looksHtml) throw htmlError(what, res);
  if (!parsed) {
    throw new WorkbenchError('INVALID_JSON', `${what}: the response is not valid JSON${body.trim() ? `: ${snippet(body)}` : ' (empty body)'}`, {
      details: { status: res.status, contentType },
    });
  }
  if (!isObject) throw new WorkbenchError('INVALID_RESPONSE', `${what}: expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`);
  return json as Record<string, unknown>;
}

function htmlError(what: string, res: HttpResponse): WorkbenchError {
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(res.body)?.[1]?.trim();
  return new WorkbenchError(
    'HTML_RESPONSE',
    `${what}: the server returned an HTML page (HTTP ${res.status}${title ? `, "${title}"` : ''}) instead of JSON — is the URL an OAuth endpoint?`,
    { details: { status: res.status, title } },
  );
}

function snippet(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 160)}…` : oneLine;
}

/** Reads an optional string member, failing clearly when it has the wrong type. */
export function optionalString(obj: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new WorkbenchError('INVALID_RESPONSE', `${what}: "${key}" must be a string`);
  return v;
}

export function requiredString(obj: Record<string, unknown>, key: string, what: string): string {
  const v = optionalString(obj, key, what);
  if (!v) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "${key}" is missing`);
  return v;
}

export function optionalNumber(obj: Record<string, unknown>, key: string, what: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  // Some servers send expires_in as a string; accept digits only.
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new WorkbenchError('INVALID_RESPONSE', `${what}: "${key}" must be a number`);
  return v;
}
