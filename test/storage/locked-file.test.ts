import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock, withFileLockSync } from '../../electron/storage/locked-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A lock that is stale (older than 10 s) and, being a file, cannot be removed as proper-lockfile's directory lock. */
function unremovableStaleLock(path: string): void {
  writeFileSync(`${path}.lock`, 'not a lock directory');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(`${path}.lock`, hourAgo, hourAgo);
}

describe('the cross-process lock of a data file', () => {
  it('runs the work holding the lock, and releases it', async () => {
    const path = join(dir, 'profiles.json');
    expect(withFileLockSync(path, () => 'done')).toBe('done');
    expect(await withFileLock(path, async () => 'done')).toBe('done');
    // Released: taken again at once.
    expect(withFileLockSync(path, () => 'again')).toBe('again');
  });

  it('ensure-lock-that-cannot-be-taken-says-why-not-busy', async () => {
    const path = join(dir, 'profiles.json');
    unremovableStaleLock(path);
    let ran = false;
    const sync = (() => {
      try {
        withFileLockSync(path, () => (ran = true));
      } catch (e) {
        return e as Error & { code?: string };
      }
      throw new Error('the lock was taken');
    })();
    expect(sync.code).toBe('STORE_UNAVAILABLE');
    expect(sync.message).toContain(`cannot take the lock of ${path}`);
    expect(sync.message).toContain('ENOTDIR');
    expect(sync.message).not.toContain('another Token Workbench process');
    await expect(withFileLock(path, async () => (ran = true))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(ran).toBe(false);
  });

  it('a lock held by a live holder makes the other wait, then it goes on', async () => {
    const path = join(dir, 'vault.json');
    mkdirSync(dir, { recursive: true });
    let releaseFirst!: () => void;
    const first = withFileLock(path, () => new Promise<string>((r) => (releaseFirst = () => r('first'))));
    await new Promise((r) => setTimeout(r, 50));
    const order: string[] = [];
    const second = withFileLock(path, async () => void order.push('second'));
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual([]);
    releaseFirst();
    expect(await first).toBe('first');
    await second;
    expect(order).toEqual(['second']);
  });
});
