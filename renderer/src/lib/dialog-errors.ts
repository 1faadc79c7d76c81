import { ApiError } from '../api';

/** A service error's field problems (details.fields) keyed by a dialog's field name: "defaults.issuer" → "issuer". */
export function fieldErrorsByName(err: unknown): Record<string, string> {
  const fields = err instanceof ApiError ? err.info.details?.fields : undefined;
  if (!Array.isArray(fields)) return {};
  const out: Record<string, string> = {};
  for (const f of fields as Array<{ path: string; message: string }>) {
    const name = f.path.split('.').filter((k) => !/^\d+$/.test(k)).pop();
    if (name && !out[name]) out[name] = f.message;
  }
  return out;
}
