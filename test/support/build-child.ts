import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry into one ESM file to run as a child process with
 * plain Node, keytar kept outside (native) and loaded from this checkout.
 */
export async function buildChild(entry: string, outDir: string, name = 'child.mjs'): Promise<string> {
  const keytarPath = createRequire(import.meta.url).resolve('keytar');
  const outfile = join(outDir, name);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: [{ name: 'keytar-external', setup: (b) => b.onResolve({ filter: /^keytar$/ }, () => ({ path: keytarPath, external: true })) }],
  });
  return outfile;
}
