import type { HttpExchange } from '../../../shared/transcript';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** "Copy as curl" of a recorded exchange; the transcript is already redacted, so is this. */
export function toCurl(exchange: HttpExchange): string {
  const r = exchange.request;
  const parts = ['curl', '-i'];
  if (r.method !== 'GET') parts.push('-X', r.method);
  parts.push(quote(r.url));
  for (const [name, value] of Object.entries(r.headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'host') continue;
    parts.push('-H', quote(`${name}: ${value}`));
  }
  if (r.body !== undefined) parts.push('--data-raw', quote(r.body));
  return parts.join(' \\\n  ');
}
