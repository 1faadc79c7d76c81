// Vite config of the renderer. JSX through Vite's own esbuild (no React plugin:
// @vitejs/plugin-react is not installed); relative base so the same build
// loads from app://bundle/ (Electron) and http://127.0.0.1:PORT/ (browser mode).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Chromium's explicit compile hint (V8; Chromium 136+, so Electron 41 and Debian's Chromium) on the
 * start-up chunk: every function in it is compiled on the thread that streams the script in, not
 * lazily on the main thread when first called. React-DOM's body (one function Rollup wraps around
 * its CommonJS code) is most of that chunk; compiled lazily it was half the main-thread time of the
 * module evaluation before the profile list could show (issue 12, bench/support/trace-startup).
 * Lazy chunks stay lazy. The comment must open the file; the source map gets an empty line to match.
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';
function compileHintOnEntry() {
  return {
    name: 'compile-hint-on-entry',
    // After Vite has written its last edits (its preload map goes to the top of the entry chunk).
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        const file = join(options.dir, chunk.fileName);
        writeFileSync(file, COMPILE_HINT + readFileSync(file, 'utf8'));
        const mapPath = `${file}.map`;
        if (!existsSync(mapPath)) continue;
        const map = JSON.parse(readFileSync(mapPath, 'utf8'));
        map.mappings = `;${map.mappings}`;
        writeFileSync(mapPath, JSON.stringify(map));
      }
    },
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [compileHintOnEntry()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The polyfill would be fine under CSP, but every supported engine has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // zod's sources carry esbuild-style @__PURE__ comments Rollup cannot place; harmless noise.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
});
