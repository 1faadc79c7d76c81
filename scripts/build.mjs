// Builds what runs outside vitest: the CLI (and, when present, the Electron shell and the renderer).
// Runs on `npm install` (prepare) so `npx tokenbench` works from a fresh clone.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

// Chunk names carry content hashes: start clean so old chunks do not pile up.
rmSync('dist/cli', { recursive: true, force: true });

await build({
  ...common,
  // The small pure-JS dependencies every `tokenbench token` needs (undici, zod, jose) are bundled
  // in: resolving and loading their hundreds of files one by one was most of the CLI's start time
  // (see bench/cli-start). Native, heavy or rarely used ones stay external and load on demand.
  packages: undefined,
  external: [
    'keytar',
    'conf',
    'electron',
    'electron-store',
    'oidc-provider',
    'oidc-provider/*',
    '@peculiar/x509',
    'reflect-metadata',
    'node-forge',
    'xml-crypto',
    '@xmldom/xmldom',
  ],
  // undici is CommonJS: in an ES module bundle its require() calls of Node built-ins need a real require.
  banner: { js: "import { createRequire as __tokenbenchRequire } from 'node:module'; const require = __tokenbenchRequire(import.meta.url);" },
  // Whitespace and syntax only: less source for V8 to parse at every start; names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  entryPoints: { tokenbench: 'electron/cli/main.ts' },
  outdir: 'dist/cli',
  // Heavy modules (oidc-provider, X.509) are imported lazily and land in their own chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// `--cli` builds only the CLI (the test suite's global setup uses it).
if (!process.argv.includes('--cli') && existsSync('scripts/build-app.mjs')) await import('./build-app.mjs');
