// Builds what runs outside vitest: the CLI (and, when present, the Electron shell and the renderer).
// Runs on `npm install` (prepare) so `npx tokenbench` works from a fresh clone.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { tokenbench: 'electron/cli/main.ts' },
  outdir: 'dist/cli',
  // Heavy modules (oidc-provider, X.509) are imported lazily and land in their own chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// `--cli` builds only the CLI (the test suite's global setup uses it).
if (!process.argv.includes('--cli') && existsSync('scripts/build-app.mjs')) await import('./build-app.mjs');
