#!/usr/bin/env node
// Entry point of the `tokenbench` CLI; the code lives in dist/cli, built by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/tokenbench.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('tokenbench: the CLI is not built yet; run `npm run build` in the project folder\n');
  process.exit(2);
}
await import(pathToFileURL(entry).href);
