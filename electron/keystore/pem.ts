import { WorkbenchError, type ErrorCode } from '../../shared/errors';

/** One `-----BEGIN X-----` … `-----END X-----` block, its text kept for node:crypto. */
export interface PemBlock {
  label: string;
  text: string;
  der: Buffer;
  /** RFC 1421 headers (e.g. `Proc-Type: 4,ENCRYPTED` on legacy encrypted PKCS#1/SEC1 keys). */
  encryptedLegacy: boolean;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * The PEM blocks in a text. A BEGIN line without its END means the file was
 * cut short, which is reported rather than silently skipped.
 */
export function findPemBlocks(text: string, damaged: ErrorCode = 'KEY_INVALID'): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!;
    const encryptedLegacy = /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(body);
    const base64 = body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length === 0)
      throw new WorkbenchError(damaged, `the PEM block "${m[1]}" is damaged (its body is not base64)`);
    blocks.push({ label: m[1]!, text: m[0], der: Buffer.from(base64, 'base64'), encryptedLegacy });
  }
  const begins = [...text.matchAll(BEGIN)].length;
  if (begins > blocks.length) throw new WorkbenchError(damaged, 'the PEM is truncated: a -----BEGIN line has no matching -----END line');
  return blocks;
}

export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
