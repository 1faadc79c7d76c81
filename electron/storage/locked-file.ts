import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type * as ProperLockfile from 'proper-lockfile';
import { WorkbenchError } from '../../shared/errors';

/** The data directory holds key metadata and the encrypted vault: only its owner may list or enter it. */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * A lock older than this is a crashed holder's: proper-lockfile refreshes the
 * mtime of a held lock every STALE_MS / 2, so a live holder never looks stale.
 */
const STALE_MS = 10_000;
/** How long a caller waits for another process's lock before giving up with a clear error. */
const WAIT_MS = 15_000;

/** Creates the data directory (and parents) owner-only; an existing directory is left as it is. */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
}

/**
 * Replaces a file so that a reader or a crash sees the old bytes or the new
 * ones, never a mix: a temporary file next to it, fsync, rename over, then
 * fsync of the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, bytes: Buffer | string): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', DATA_FILE_MODE);
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was left behind
    }
    throw new WorkbenchError('INTERNAL', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename has still happened.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const lockOptions = { realpath: false, stale: STALE_MS } as const;

/**
 * proper-lockfile is loaded when a first lock is taken: it loads graceful-fs, which patches fs, about 15 ms
 * that commands which only read (`tokenbench token --profile`) would pay at every start (bench/cli-start).
 * Where a bundler bundled it (the CLI), its `require` gives the bundled copy; an ES-module bundle that left
 * it external has only a require shim that throws, and plain ES modules (the tests) have no `require`: there
 * Node's own require loads it from next to this module.
 */
let lockfileModule: typeof ProperLockfile | undefined;
function lockfile(): typeof ProperLockfile {
  if (lockfileModule) return lockfileModule;
  if (typeof require === 'function') {
    try {
      return (lockfileModule = require('proper-lockfile') as typeof ProperLockfile);
    } catch {
      // an ES-module bundle's require shim: load it as below
    }
  }
  return (lockfileModule = process.getBuiltinModule('node:module').createRequire(import.meta.url)('proper-lockfile') as typeof ProperLockfile);
}

/** The lock could not be taken at all (not merely held by another process): say what failed. */
function lockFailed(path: string, err: unknown): WorkbenchError {
  return new WorkbenchError('STORE_UNAVAILABLE', `cannot take the lock of ${path} (${path}.lock): ${(err as Error).message}`, { cause: err });
}

function lockBusy(path: string, err: unknown): WorkbenchError {
  return new WorkbenchError('STORE_BUSY', `${path} is locked by another Token Workbench process for more than ${WAIT_MS / 1000} s; retry, or remove ${path}.lock if no other process is running`, { cause: err });
}

/**
 * Runs `work` holding the cross-process lock of `path` (a `path.lock`
 * directory, proper-lockfile's mkdir lock: atomic on every OS and network
 * file system). Synchronous, for the stores whose API is synchronous; it
 * waits for another holder by sleeping the thread, a few milliseconds at a time.
 * Never nest two locks of the same file in one process.
 */
export function withFileLockSync<T>(path: string, work: () => T): T {
  ensureDir(dirname(path));
  const deadline = Date.now() + WAIT_MS;
  let release: (() => void) | undefined;
  let delay = 1;
  for (;;) {
    try {
      release = lockfile().lockSync(path, { ...lockOptions, onCompromised: () => undefined });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockFailed(path, err);
      if (Date.now() > deadline) throw lockBusy(path, err);
      sleepSync(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 25);
    }
  }
  try {
    return work();
  } finally {
    try {
      release();
    } catch {
      // Released already (compromised by a stale takeover); nothing of ours is left to remove.
    }
  }
}

/** The same lock, waiting without blocking the event loop: for stores whose work is asynchronous (the vault, the history). */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  ensureDir(dirname(path));
  const deadline = Date.now() + WAIT_MS;
  let release: (() => Promise<void>) | undefined;
  let delay = 1;
  for (;;) {
    try {
      release = await lockfile().lock(path, { ...lockOptions, onCompromised: () => undefined });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockFailed(path, err);
      if (Date.now() > deadline) throw lockBusy(path, err);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 25);
    }
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
