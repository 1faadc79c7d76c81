import type { HttpExchange } from '../../../shared/transcript';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** "Copy as curl" of a recorded exchange; the transcript is already redacted, so is this. */
export function toCurl(exchange: HttpExchange): string {
  const r = exchange.request;
  const lines = [`curl -i${r.method !== 'GET' ? ` -X ${r.method}` : ''} ${quote(r.url)}`];
  for (const [name, value] of Object.entries(r.headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'host') continue;
    lines.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  if (r.body !== undefined) lines.push(`--data-raw ${quote(r.body)}`);
  return lines.join(' \\\n  ');
}
