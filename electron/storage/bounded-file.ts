import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { WorkbenchError } from '../../shared/errors';

/**
 * Size caps for files read on a user's or a file's say. Each is well above
 * what the file can legitimately be and far below what hurts: `keys import
 * /dev/zero` once grew to 2.9 GB.
 */
export const FILE_CAPS = {
  /** PEM, JWK/JWKS, DER or PKCS#12 with its chain (the IPC contract takes 1 MiB too). */
  key: 1024 * 1024,
  certificate: 1024 * 1024,
  /** A CA bundle: the whole Mozilla store is ~220 KB. */
  caBundle: 4 * 1024 * 1024,
  /** A SAML assertion or a JWT, matching the contract's per-run input caps. */
  assertion: 1024 * 1024,
  token: 1024 * 1024,
  /** Passphrases and shared secrets. */
  secret: 64 * 1024,
  /** A connections export or a collection from another tool (the contract takes 50 MiB). */
  import: 50 * 1024 * 1024,
} as const;

export interface BoundedReadOptions {
  /** What the file is, for the message: "key file", "CA bundle", "--assertion". */
  what: string;
  maxBytes: number;
}

/**
 * Reads a regular file of at most `maxBytes`, refusing directories, devices,
 * pipes and sockets with a clear error before reading a byte. The read
 * itself also stops at the cap, for files whose size the OS does not know
 * (procfs) or that grow while read. Synchronous: callers are the CLI's
 * argument handling and small files; the async wrapper is for the engine.
 */
export function readBoundedFileSync(path: string, opts: BoundedReadOptions): Buffer {
  if (!path) throw new WorkbenchError('FILE_UNREADABLE', `${opts.what}: no file named`);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message);
    throw new WorkbenchError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', `cannot read ${opts.what} ${path}: ${why}`, { cause: err });
  }
  try {
    const stats = fstatSync(fd);
    const kind = notRegular(stats);
    if (kind) throw new WorkbenchError('FILE_UNREADABLE', `cannot read ${opts.what} ${path}: it is ${kind}, not a file`);
    if (stats.size > opts.maxBytes) throw tooLarge(path, opts, stats.size);
    // Sized by fstat, but read until EOF: procfs files say 0 and files can grow while read.
    let buffer = Buffer.allocUnsafe(Math.min(opts.maxBytes + 1, Math.max(stats.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(opts.maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
      if (length > opts.maxBytes) throw tooLarge(path, opts);
    }
  } finally {
    closeSync(fd);
  }
}

export async function readBoundedFile(path: string, opts: BoundedReadOptions): Promise<Buffer> {
  return readBoundedFileSync(path, opts);
}

function notRegular(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isFIFO()) return 'a pipe';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(path: string, opts: BoundedReadOptions, size?: number): WorkbenchError {
  const cap = formatBytes(opts.maxBytes);
  return new WorkbenchError('FILE_UNREADABLE', `${opts.what} ${path} is ${size === undefined ? 'larger than' : `${formatBytes(size)}, over`} the ${cap} a ${opts.what} may be`);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
