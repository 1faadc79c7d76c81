// Per-token cost through the app service (what the desktop app and browser mode run for "Get
// token": the profile from profiles.json, its client secret from the keychain, the flow, and the
// token recorded in the history, sealed under the vault key) next to the engine alone (runFlow with a
// FlowConfig resolved once), alternating, against the sandbox on loopback. Bar: ≤ 1.20×.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppService } from '../electron/app/open';
import { resolveFlowConfig } from '../electron/app/run-profile';
import { runFlow } from '../electron/engine/flow';
import { KeytarSecretStore } from '../electron/secrets/keytar-secret-store';
import { ConnectionProfileSchema } from '../shared/profile';
import { alternate, flush, quick, ratioBar, record } from './lib/measure';
import { startRemoteSandbox } from './support/sandbox';

const ROUNDS = quick ? 60 : 300;
const WARMUP = quick ? 15 : 40;

const sandbox = await startRemoteSandbox();
const dir = mkdtempSync(join(tmpdir(), 'tokenbench-bench-app-'));
const keychainService = `tokenbench-bench-${randomUUID()}`;
const service = openAppService({ dataDir: dir, mode: 'web', version: 'bench', keychainService, openBrowser: async () => undefined });
const secret = sandbox.secrets['sandbox-basic'] as string;
const profile = await service.handlers.saveProfile({ name: 'bench', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } } as never);
await service.handlers.setProfileSecret({ profileId: profile.id, name: 'clientSecret', value: secret });

const engineConfig = await resolveFlowConfig(
  ConnectionProfileSchema.parse({ id: 'bench-engine', name: 'engine', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } }),
  {},
  { clientSecret: secret },
);

process.stderr.write(`app-service: sandbox at ${sandbox.issuer}, ${ROUNDS} rounds after ${WARMUP} warm-up rounds\n`);
const r = await alternate(
  [
    {
      name: 'engine',
      run: async () => {
        const t = await runFlow(engineConfig, { openBrowser: async () => undefined });
        if (!t.tokens.access_token) throw new Error('engine: no token');
      },
    },
    {
      name: 'app service',
      run: async () => {
        const run = await service.handlers.getToken({ runId: randomUUID(), profileId: profile.id });
        if (!run.tokens.access_token || !run.history.stored) throw new Error('app service: no token recorded');
      },
    },
  ],
  { warmup: WARMUP, rounds: ROUNDS },
);
const e = r.engine!;
const a = r['app service']!;
record({ suite: 'app-service', metric: 'client_secret_basic: per token, engine alone', unit: 'ms', stats: e });
record({
  suite: 'app-service',
  metric: 'client_secret_basic: per token through the app service (keychain secret, history sealed in the vault)',
  unit: 'ms',
  stats: a,
  versus: { name: 'engine alone', median: e.median },
  bar: ratioBar(a.median, e.median, 1.2),
});
// Every token of the run is in the history (capped), across the write-behind: nothing lost on close.
await service.close();
const reopened = openAppService({ dataDir: dir, mode: 'web', version: 'bench', keychainService: `unused-${randomUUID()}`, openBrowser: async () => undefined });
const kept = (await reopened.handlers.listHistory({})).length;
const one = (v: number) => ({ median: v, min: v, max: v, n: 1 });
record({ suite: 'app-service', metric: 'history entries on disk after the run, reopened (cap 500)', unit: 'entries', stats: one(kept), note: `${WARMUP + ROUNDS} tokens obtained` });

flush();
await reopened.close();
const keychain = new KeytarSecretStore({ service: keychainService });
for (const account of await keychain.list().catch(() => [])) await keychain.delete(account).catch(() => undefined);
await sandbox.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
