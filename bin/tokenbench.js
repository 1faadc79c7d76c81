#!/usr/bin/env node
// Entry point of the `tokenbench` CLI. The code is one CommonJS bundle in dist/cli, built by
// `npm install` (prepare) or `npm run build`; this file only starts it quickly.
//
// Start time is most of a CLI run (bench/cli-start), so:
// - V8 keeps undici's WebAssembly HTTP parser on its baseline compiler. Otherwise V8 re-optimizes
//   it on background threads after the first response and Node waits for that work before the
//   process may exit: ~150 ms of every run on Node 20, for parsing one or two responses.
// - The bundle is compiled with V8's code cache, kept per command in the user's cache folder.
//   Node 20 has no compile cache of its own (module.enableCompileCache() came with Node 22), and
//   compiling the bundle was about a third of the remaining start time. The cache is only an
//   optimization: missing, unwritable, corrupt or from another build, it is ignored and rewritten.
// - This file is CommonJS (bin/package.json): an ES module entry costs Node ~7 ms more to start.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');

setFlagsFromString('--liftoff-only');

const bundle = join(__dirname, '..', 'dist', 'cli', 'tokenbench.cjs');
let bytes;
try {
  bytes = readFileSync(bundle);
} catch {
  process.stderr.write('tokenbench: the CLI is not built yet; run `npm run build` in the project folder\n');
  process.exit(2);
}

// The bundle is ASCII (esbuild escapes the rest; license notices are in a file of their own), so
// latin1 is an exact decoding, and a faster one than UTF-8.
const source = bytes.toString('latin1');
const cacheFile = codeCacheFile(source, process.argv[2]);
let cachedData;
if (cacheFile) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run of this command with this build: compiled from source, cached at exit.
  }
}

const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (cacheFile && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCodeCache(cacheFile, script));
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));

/** The cache file for this build of the bundle, this Node and this command; undefined when caching is off or impossible. */
function codeCacheFile(code, command) {
  if (process.env.TOKENBENCH_CODE_CACHE === 'off') return undefined;
  const root = cacheRoot();
  if (!root) return undefined;
  // V8 checks a cache against the source's length only: a rebuilt bundle of the same length must not
  // meet the old cache, so the file is named after the bundle's content. The build writes a digest of
  // it into the bundle (scripts/build.mjs); a bundle without one is not cached.
  const build = /\/\/# tokenbench-build=([0-9a-f]{16})\n/.exec(code.slice(-300))?.[1];
  if (!build) return undefined;
  const name = /^[a-z-]{1,20}$/.test(command ?? '') ? command : 'other';
  return join(root, 'tokenbench', 'code-cache', `${build}-${process.version}-${process.arch}-${name}.bin`);
}

function cacheRoot() {
  const env = process.env;
  if (env.TOKENBENCH_CODE_CACHE_DIR) return env.TOKENBENCH_CODE_CACHE_DIR;
  if (process.platform === 'win32') return env.LOCALAPPDATA;
  const home = env.HOME || homedir();
  if (!home) return undefined;
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(home, '.cache');
}

/** Written at exit, so the cache holds the functions this command compiled, not just the top level. */
function writeCodeCache(file, compiled) {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Caches of older builds or Node versions are never read again.
    const current = file.slice(dir.length + 1).split('-').slice(0, 2).join('-');
    for (const old of readdirSync(dir)) if (old.endsWith('.bin') && !old.startsWith(current)) rmSync(join(dir, old), { force: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, compiled.createCachedData(), { mode: 0o600 });
    // Atomic: a CLI starting at the same moment reads the old file or the new one, never half of one.
    renameSync(tmp, file);
  } catch {
    // A read-only or full cache folder costs only speed.
  }
}

