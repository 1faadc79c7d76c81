import type { TranscriptEntry } from '../../shared/transcript';

const useColor = () => process.stderr.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (useColor() ? `\x1b[2m${s}\x1b[22m` : s);
const bold = (s: string) => (useColor() ? `\x1b[1m${s}\x1b[22m` : s);

/** The exchanges of a run, readably, for stderr. Bodies are already redacted by the transcript. */
export function formatTranscript(entries: readonly TranscriptEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.kind === 'event') {
      lines.push(`${bold(`» ${e.label}`)} ${dim(`(${e.from} → ${e.to})`)}`);
      if (e.detail) lines.push(`  ${e.detail}`);
      lines.push('');
      continue;
    }
    lines.push(bold(`» ${e.label}`));
    lines.push(`${e.request.method} ${e.request.url}`);
    for (const [k, v] of Object.entries(e.request.headers)) lines.push(dim(`${k}: ${v}`));
    if (e.request.body) lines.push('', e.request.body);
    lines.push('');
    if (e.response) {
      lines.push(bold(`« HTTP ${e.response.status}`) + dim(` (${e.durationMs} ms)`));
      for (const [k, v] of Object.entries(e.response.headers)) if (k === 'content-type' || k === 'location' || k === 'www-authenticate') lines.push(dim(`${k}: ${v}`));
      if (e.response.body) lines.push('', e.label === 'discovery' ? summarizeMetadata(e.response.body) : e.response.body);
      lines.push('');
    }
    if (e.error) lines.push(bold(`✗ ${e.error.code}`) + ` ${e.error.message}`, '');
  }
  return lines.join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A discovery document is long; the endpoints are what a reader of the exchange needs. */
function summarizeMetadata(body: string): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return body;
  }
  const shown = Object.entries(doc).filter(([k]) => k === 'issuer' || k.endsWith('_endpoint') || k === 'jwks_uri');
  const rest = Object.keys(doc).length - shown.length;
  return `${JSON.stringify(Object.fromEntries(shown), null, 2)}${rest > 0 ? `\n(${rest} more metadata members)` : ''}`;
}
