// Vite config of the renderer. JSX through Vite's own esbuild (no React plugin:
// @vitejs/plugin-react is not installed); relative base so the same build
// loads from app://bundle/ (Electron) and http://127.0.0.1:PORT/ (browser mode).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  esbuild: { jsx: 'automatic' },
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
