// Builds the desktop app and browser mode (imported by scripts/build.mjs):
// Electron main (ESM), the sandboxed preload (CJS: sandboxed preloads cannot
// be ES modules), the browser-mode server, and the renderer with Vite.
import { build } from 'esbuild';

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...node, format: 'esm', entryPoints: { main: 'electron/shell/main.ts' }, outdir: 'dist/electron', external: ['electron'] }),
  build({ ...node, format: 'esm', entryPoints: { web: 'electron/web/main.ts' }, outdir: 'dist/electron' }),
  // Everything but `electron` is bundled in: a sandboxed preload can require nothing else.
  build({ ...node, packages: undefined, format: 'cjs', platform: 'node', entryPoints: { preload: 'electron/shell/preload.ts' }, outfile: 'dist/electron/preload.cjs', outdir: undefined, external: ['electron'] }),
]);

if (!process.env.TOKENBENCH_SKIP_RENDERER) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'renderer/vite.config.mjs', logLevel: 'warn' });
}
