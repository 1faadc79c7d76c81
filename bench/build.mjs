// Builds the benchmarks like scripts/build.mjs builds the CLI: esbuild, ESM,
// dependencies external, one file per suite under dist/bench.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const suites = Object.fromEntries(
  readdirSync('bench')
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), `bench/${f}`]),
);

await build({
  entryPoints: { ...suites, main: 'bench/main.ts', 'sandbox-child': 'bench/support/sandbox-child.ts', 'trace-startup': 'bench/support/trace-startup.ts' },
  outdir: 'dist/bench',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
