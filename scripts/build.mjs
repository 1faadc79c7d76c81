// Builds what runs outside vitest: the CLI (and, when present, the Electron shell and the renderer).
// Runs on `npm install` (prepare) so `npx tokenbench` works from a fresh clone.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist/cli', { recursive: true, force: true });

/**
 * ES-module-only packages the CLI loads on demand. In a CommonJS bundle their import becomes
 * require() (Node 20.19+ loads ES modules that way), and esbuild's Node-mode interop would hand
 * over the whole module namespace as the default export. Each is imported through a small
 * module that re-exports it with the ES-module interop instead, so `import Conf from 'conf'`
 * is still Conf.
 */
const ESM_ONLY = /^(conf|oidc-provider)(\/.*)?$/;
const esmOnlyExternals = {
  name: 'esm-only-externals',
  setup(b) {
    b.onResolve({ filter: ESM_ONLY }, (args) =>
      args.namespace === 'esm-only' ? { path: args.path, external: true } : { path: args.path, namespace: 'esm-only' },
    );
    b.onLoad({ filter: /.*/, namespace: 'esm-only' }, (args) => ({
      contents: `export * from ${JSON.stringify(args.path)};\nexport { default } from ${JSON.stringify(args.path)};\n`,
      loader: 'js',
    }));
  },
};

/**
 * undici's HTTP/2 client loads node:http2 (and with it node:tls) when it is first required, ~12 ms
 * of every CLI start, though HTTP/2 is used only when a dispatcher is created with allowH2, which
 * the engine never does. undici falls back to running without HTTP/2 when node:http2 cannot be
 * loaded (lib/dispatcher/client-h2.js); in the CLI bundle it cannot. The app and the tests load
 * undici unbundled, with node:http2.
 */
const withoutHttp2 = {
  name: 'without-http2',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http2$/ }, () => ({ path: 'http2', namespace: 'without-http2' }));
    b.onLoad({ filter: /.*/, namespace: 'without-http2' }, () => ({
      contents: "throw new Error('the tokenbench CLI does not use HTTP/2');\n",
      loader: 'js',
    }));
  },
};

await build({
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // One CommonJS file, so bin/tokenbench.js can compile it with V8's code cache (Node 20 has no
  // compile cache for ES modules). The pure-JS dependencies every `tokenbench token` needs
  // (undici, zod, jose) are bundled in: resolving and loading their hundreds of files one by one
  // was most of the CLI's start time (see bench/cli-start). Native, heavy or rarely used ones
  // stay external and load on demand; code the bundle imports lazily is only initialized (and
  // only compiled by V8) when a command uses it.
  format: 'cjs',
  // import() inside a script compiled from V8's code cache loses Node's loader on Node 20 ("A
  // dynamic import callback was not specified"): lazy imports become require(), which loads
  // ES-module-only packages (oidc-provider) too since Node 20.19.
  supported: { 'dynamic-import': false },
  external: [
    'keytar',
    'electron',
    'electron-store',
    '@peculiar/x509',
    'reflect-metadata',
    'node-forge',
    'xml-crypto',
    '@xmldom/xmldom',
  ],
  // Whitespace and syntax only: less source for V8 to parse at every start; names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  entryPoints: { tokenbench: 'electron/cli/main.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.cjs' },
  // The bundled packages' license notices go to tokenbench.cjs.LEGAL.txt, which keeps the bundle
  // ASCII (bin/tokenbench.js decodes it as latin1, the fastest exact decoding for ASCII).
  legalComments: 'linked',
  plugins: [esmOnlyExternals, withoutHttp2],
  // Modules written as ES modules may use import.meta.url (to resolve files or packages next to them);
  // in the CommonJS bundle it is the bundle's own URL.
  inject: ['scripts/import-meta-url.js'],
  define: { 'import.meta.url': '__bundleUrl' },
});

// The bundle names its own content, so bin/tokenbench.js can tell its code caches apart without
// hashing 800 KB at every start. Put before the source map comment, which stays last.
const bundlePath = 'dist/cli/tokenbench.cjs';
const bundle = readFileSync(bundlePath, 'utf8');
const buildId = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
const mapComment = bundle.lastIndexOf('//# sourceMappingURL=');
writeFileSync(bundlePath, `${bundle.slice(0, mapComment)}//# tokenbench-build=${buildId}\n${bundle.slice(mapComment)}`);

// `--cli` builds only the CLI (the test suite's global setup uses it).
if (!process.argv.includes('--cli') && existsSync('scripts/build-app.mjs')) await import('./build-app.mjs');
