import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOpensslFixtures, type OpensslFixtures } from '../keystore/openssl-fixtures';

const run = promisify(execFile);
let workDir: string;
let fx: OpensslFixtures;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tokenbench-nokeychain-'));
  fx = createOpensslFixtures();
  // keytar is native: keep it out of the bundle, loaded from this checkout's node_modules.
  const keytarPath = createRequire(import.meta.url).resolve('keytar');
  await build({
    entryPoints: [join(import.meta.dirname, 'no-keychain-child.ts')],
    outfile: join(workDir, 'child.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: [{ name: 'keytar-external', setup: (b) => b.onResolve({ filter: /^keytar$/ }, () => ({ path: keytarPath, external: true })) }],
  });
});
afterAll(async () => {
  fx.cleanup();
  await rm(workDir, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

it('no-secret-service-reachable-fails-with-KEYCHAIN_UNAVAILABLE-and-writes-no-plaintext', async () => {
  const dataDir = join(workDir, 'data');
  const secret = 'client-secret-that-must-not-leak-7f3a';
  const keyPem = fx.text('ec.pem');
  const { stdout } = await run(process.execPath, [join(workDir, 'child.mjs'), dataDir, `Token Workbench test ${process.pid}`, secret, keyPem], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
  });
  const results = JSON.parse(stdout) as Record<string, { code: string; message: string }>;
  for (const name of ['smallSecret', 'largeSecret', 'importKey', 'generateKey', 'readSecret']) {
    expect(results[name], name).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(results[name]!.message).toMatch(/Secret Service/);
    expect(results[name]!.message).toMatch(/gnome-keyring/);
    expect(results[name]!.message).not.toContain(secret);
  }

  const files = await filesUnder(dataDir).catch(() => []);
  const keyBody = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'))[0]!;
  for (const file of files) {
    const text = await readFile(file, 'latin1');
    expect(text, file).not.toContain(secret);
    expect(text, file).not.toContain(keyBody);
    expect(text, file).not.toContain('PRIVATE KEY');
  }
  // Nothing was half-stored: no key metadata and no vault.
  for (const file of files) {
    if (file.endsWith('keystore.json')) expect(JSON.parse(await readFile(file, 'utf8')).keys).toEqual([]);
    expect(file.endsWith('vault.json')).toBe(false);
  }
});
