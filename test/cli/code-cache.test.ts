// bin/tokenbench.js compiles the CLI bundle with V8's code cache kept per command. The cache is an
// optimization only: whatever state it is in, the command's result is the same.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from './run-cli';

// A JWT (unsigned content is enough for decode): {"alg":"HS256","typ":"JWT"}.{"sub":"alice"}.sig
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';
const home = tempHome();

async function decode(cacheRoot: string, env: Record<string, string> = {}) {
  const run = await runCli(['decode', JWT], { home, env: { TOKENBENCH_CODE_CACHE_DIR: cacheRoot, ...env } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('"sub": "alice"');
  return run;
}

const cacheFolder = (root: string) => join(root, 'tokenbench', 'code-cache');
const cacheFiles = (root: string) => readdirSync(cacheFolder(root)).filter((f) => f.endsWith('.bin'));

describe('CLI code cache', () => {
  it('code-cache-written-by-the-first-run-and-read-by-the-next', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenbench-cc-'));
    await decode(root);
    const [file] = cacheFiles(root);
    expect(file).toMatch(new RegExp(`^[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}-decode\\.bin$`));
    const path = join(cacheFolder(root), file!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(cacheFolder(root)).mode & 0o777).toBe(0o700);
    const first = statSync(path);
    await decode(root);
    // Accepted by V8, so not written again.
    expect(statSync(path).mtimeMs).toBe(first.mtimeMs);
    expect(statSync(path).ino).toBe(first.ino);
  });

  it('code-cache-corrupt-file-is-ignored-and-replaced', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenbench-cc-'));
    await decode(root);
    const path = join(cacheFolder(root), cacheFiles(root)[0]!);
    const garbage = Buffer.alloc(4096, 0x41);
    writeFileSync(path, garbage);
    await decode(root);
    expect(readFileSync(path).equals(garbage)).toBe(false);
    // Truncated to nothing: the same.
    writeFileSync(path, '');
    await decode(root);
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('code-cache-of-another-build-is-removed-when-a-new-one-is-written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenbench-cc-'));
    await decode(root);
    const stale = join(cacheFolder(root), `0000000000000000-${process.version}-${process.arch}-decode.bin`);
    writeFileSync(stale, 'old build');
    // Another command has no cache yet: writing it sweeps caches of other builds.
    const run = await runCli(['logout-url', '--end-session-url', 'https://idp.example/logout'], { home, env: { TOKENBENCH_CODE_CACHE_DIR: root } });
    expect(run.code).toBe(0);
    expect(cacheFiles(root)).not.toContain(stale.split('/').pop());
    expect(cacheFiles(root).some((f) => f.endsWith('-logout-url.bin'))).toBe(true);
  });

  it('code-cache-unwritable-folder-costs-nothing-but-speed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenbench-cc-'));
    // A file where the cache folder would be: nothing can be created under it.
    writeFileSync(join(root, 'tokenbench'), 'not a folder');
    chmodSync(root, 0o500);
    await decode(root);
    await decode(root);
  });

  it('code-cache-off-writes-nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenbench-cc-'));
    await decode(root, { TOKENBENCH_CODE_CACHE: 'off' });
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('CLI bundle', () => {
  it('is ASCII and names its build, as the loader expects', () => {
    const bytes = readFileSync('dist/cli/tokenbench.cjs');
    // bin/tokenbench.js decodes it as latin1, exact only for ASCII.
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(bytes.toString('latin1')).toMatch(/\/\/# tokenbench-build=[0-9a-f]{16}\n\/\/# sourceMappingURL=tokenbench\.cjs\.map\s*$/);
  });
});
