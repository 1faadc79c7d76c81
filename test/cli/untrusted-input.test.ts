import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readBoundedFileSync } from '../../electron/storage/bounded-file';
import { WorkbenchError } from '../../shared/errors';
import { runCli, tempHome } from './run-cli';

const home = tempHome();
const dir = mkdtempSync(join(tmpdir(), 'tokenbench-files-'));

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof WorkbenchError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
};

describe('files read on a user\'s or a file\'s say are bounded and must be files', () => {
  it('refuses directories, devices and pipes before reading a byte', () => {
    expect(codeOf(() => readBoundedFileSync('/etc', { what: 'key file', maxBytes: 1024 }))).toMatch(/^FILE_UNREADABLE: cannot read key file \/etc: it is a directory/);
    expect(codeOf(() => readBoundedFileSync('/dev/zero', { what: 'key file', maxBytes: 1024 }))).toMatch(/^FILE_UNREADABLE: .*it is a device, not a file/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Opened without waiting for a writer, then refused.
    expect(codeOf(() => readBoundedFileSync(fifo, { what: 'CA bundle', maxBytes: 1024 }))).toMatch(/it is a pipe/);
    expect(codeOf(() => readBoundedFileSync(join(dir, 'missing'), { what: 'key file', maxBytes: 1024 }))).toMatch(/^NOT_FOUND: .*no such file/);
  });

  it('enforces the cap on the declared size and on what is actually read', () => {
    const big = join(dir, 'big');
    writeFileSync(big, Buffer.alloc(2048, 'a'));
    expect(codeOf(() => readBoundedFileSync(big, { what: 'key file', maxBytes: 1024 }))).toMatch(/^FILE_UNREADABLE: key file .* is 2 KiB, over the 1 KiB/);
    expect(readBoundedFileSync(big, { what: 'key file', maxBytes: 2048 }).length).toBe(2048);
    // procfs files report size 0; the read still stops at the cap.
    expect(codeOf(() => readBoundedFileSync('/proc/self/maps', { what: 'key file', maxBytes: 16 }))).toMatch(/larger than the 16 bytes/);
    expect(readBoundedFileSync('/proc/self/stat', { what: 'x', maxBytes: 64 * 1024 }).length).toBeGreaterThan(0);
  });

  it('ensure-keys-import-of-a-device-fails-fast', async () => {
    const run = await runCli(['keys', 'import', '/dev/zero', '--alias', 'zero'], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it is a device, not a file');
  });

  it('ensure-assertion-directory-gets-a-clear-error', async () => {
    const run = await runCli(['token', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'c', '--grant-type', 'jwt_bearer', '--assertion', '/etc'], { home });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('it is a directory');
    expect(run.stderr).not.toContain('EISDIR');
    expect(run.stderr).not.toContain('unexpected error');
  });

  it('ensure-empty-secret-flag-is-a-usage-error-not-a-keychain-error', async () => {
    for (const args of [
      ['profiles', 'save', 'empty-secret', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'c', '--client-secret', '', '--grant-type', 'client_credentials'],
      ['token', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'c', '--client-secret', '', '--grant-type', 'client_credentials'],
      ['token', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'c', '--username', 'u', '--password', '', '--grant-type', 'password'],
    ]) {
      const run = await runCli(args, { home });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/--(client-secret|password) is empty \(is the shell variable you meant to pass set\?\)/);
      expect(run.stderr).not.toContain('keychain');
    }
    expect((await runCli(['profiles', 'list'], { home })).stdout).not.toContain('empty-secret');
  });

  it('ensure-profile-name-with-control-characters-is-refused', async () => {
    const run = await runCli(['profiles', 'save', 'evil\u001b[31mred\nsecond line', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'c', '--grant-type', 'client_credentials', '--auth-method', 'none'], { home });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('control characters');
    const list = await runCli(['profiles', 'list'], { home });
    expect(list.stdout).not.toContain('\u001b');
  });
});
