import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI keeps V8's code cache in the user's cache folder; the tests keep theirs in one temporary
 * folder per test file, so they leave nothing in the home folder and still start as fast as a user's CLI.
 */
const codeCacheDir = mkdtempSync(join(tmpdir(), 'tokenbench-code-cache-'));

/** Runs the built CLI as a user would, in its own data directory. */
export function runCli(args: string[], opts: { home: string; env?: Record<string, string>; stdin?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tokenbench.js', ...args], {
      env: { ...process.env, TOKENBENCH_HOME: opts.home, TOKENBENCH_CODE_CACHE_DIR: codeCacheDir, NO_COLOR: '1', BROWSER: '/bin/false', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'tokenbench-cli-'));
}

/**
 * A $BROWSER that records the URL it was asked to open, so the test can play
 * the user at that URL, as a person would in their browser.
 */
export function recordingBrowser(): { command: string; nextUrl: () => Promise<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'tokenbench-browser-'));
  const urlFile = join(dir, 'url');
  const command = join(dir, 'browser.sh');
  writeFileSync(command, `#!/bin/sh\nprintf '%s' "$1" > "${urlFile}.tmp" && mv "${urlFile}.tmp" "${urlFile}"\n`);
  chmodSync(command, 0o755);
  const nextUrl = async () => {
    for (let i = 0; i < 400; i++) {
      if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8');
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the CLI never opened the browser');
  };
  return { command, nextUrl };
}
