// (2) CLI start: `tokenbench token --profile … --silent` for a saved
// client-credentials profile, whole process, against a bare `node` script
// making the same single token request with node:http.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, flush, quick, ratioBar, record } from './lib/measure';
import { startRemoteSandbox } from './support/sandbox';

const ROUNDS = quick ? 8 : 30;
const home = mkdtempSync(join(tmpdir(), 'tokenbench-bench-cli-'));
const sandbox = await startRemoteSandbox();
const secret = sandbox.secrets['sandbox-basic'] as string;
const tokenUrl = `${sandbox.issuer}/token`;

function run(args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, TOKENBENCH_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || !out.includes('access_token')) reject(new Error(`${args.join(' ')} exited ${code}: ${err || out}`));
      else resolve(ms);
    });
  });
}

// The same single request, with nothing but node:http.
const bare = join(home, 'bare.mjs');
writeFileSync(
  bare,
  `import { request } from 'node:http';
const body = 'grant_type=client_credentials';
const req = request(process.argv[2], { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('sandbox-basic:' + process.argv[3]).toString('base64'), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': body.length } }, (res) => {
  let data = '';
  res.setEncoding('utf8');
  res.on('data', (c) => (data += c));
  res.on('end', () => process.stdout.write(data + '\\n'));
});
req.end(body);
`,
);

// Saved profiles, as a user saves them: the secret goes to the keychain.
const cli = 'bin/tokenbench.js';
const save = (name: string, extra: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'profiles', 'save', name, ...extra, '--client-id', 'sandbox-basic', '--client-secret', secret, '--grant-type', 'client_credentials'], {
      env: { ...process.env, TOKENBENCH_HOME: home },
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`profiles save exited ${code}`))));
  });
await save('cc-token-url', ['--token-url', tokenUrl]);
await save('cc-discovery', [sandbox.issuer]);

const r = await alternate(
  [
    { name: 'bare', run: () => run([bare, tokenUrl, secret]) },
    { name: 'profile', run: () => run([cli, 'token', '--profile', 'cc-token-url', '--silent']) },
    { name: 'flags', run: () => run([cli, 'token', '--token-url', tokenUrl, '--client-id', 'sandbox-basic', '--client-secret', secret, '--grant-type', 'client_credentials', '--silent']) },
    { name: 'discovery', run: () => run([cli, 'token', '--profile', 'cc-discovery', '--silent']) },
    { name: 'node', run: () => run(['-e', 'process.stdout.write("access_token")']) },
    // What a saved profile's keychain secret costs on its own: loading keytar and one read over D-Bus.
    {
      name: 'keytar',
      run: () => run(['--input-type=module', '-e', 'const k = (await import("keytar")).default; await k.getPassword("tokenbench-bench", "none"); process.stdout.write("access_token")']),
    },
  ],
  { warmup: 2, rounds: ROUNDS },
);
const b = r.bare!;
record({ suite: 'cli-start', metric: 'tokenbench token --profile (token URL, secret in keychain) --silent', unit: 'ms', stats: r.profile!, versus: { name: 'bare node', median: b.median }, bar: ratioBar(r.profile!.median, b.median, 1.5) });
record({ suite: 'cli-start', metric: 'tokenbench token with flags only (no profile file, no keychain) --silent', unit: 'ms', stats: r.flags!, versus: { name: 'bare node', median: b.median } });
record({ suite: 'cli-start', metric: 'tokenbench token --profile (discovery: 2 requests, secret in keychain) --silent', unit: 'ms', stats: r.discovery!, versus: { name: 'bare node', median: b.median } });
record({ suite: 'cli-start', metric: 'bare node script, same single request (node:http)', unit: 'ms', stats: b });
record({ suite: 'cli-start', metric: 'node start, empty script', unit: 'ms', stats: r.node! });
record({ suite: 'cli-start', metric: 'node start + load keytar + one keychain read', unit: 'ms', stats: r.keytar!, versus: { name: 'node start', median: r.node!.median } });

flush();
await sandbox.close();
rmSync(home, { recursive: true, force: true });
process.exit(0);
