// (6) Resident memory of the engine's process (the app service: engine,
// transcripts, history) over 1,000 tokens: transcripts go back with each run
// and are not kept; history is capped (MAX_HISTORY_ENTRIES), so memory must
// level off instead of growing with every token.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppService } from '../electron/app/open';
import { MAX_HISTORY_ENTRIES } from '../electron/app/history';
import { flush, quick, record, stats } from './lib/measure';
import { startRemoteSandbox } from './support/sandbox';

const TOKENS = quick ? 300 : 1000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (bench/main.ts does)');
const sandbox = await startRemoteSandbox();
const dir = mkdtempSync(join(tmpdir(), 'tokenbench-bench-memory-'));
const service = openAppService({ dataDir: dir, mode: 'web', version: 'bench', keychainService: `tokenbench-bench-${randomUUID()}`, openBrowser: async () => undefined });
const profile = await service.handlers.saveProfile({ name: 'memory', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } } as never);
await service.handlers.setProfileSecret({ profileId: profile.id, name: 'clientSecret', value: sandbox.secrets['sandbox-basic'] as string });

const mb = (n: number) => n / 1024 / 1024;
const sample = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heap: mb(m.heapUsed) };
};
const points: Array<{ tokens: number; rss: number; heap: number }> = [];
const t0 = performance.now();
for (let i = 1; i <= TOKENS; i++) {
  const run = await service.handlers.getToken({ runId: randomUUID(), profileId: profile.id });
  if (!run.tokens.access_token) throw new Error('no token');
  if (i === 50 || i % 100 === 0) points.push({ tokens: i, ...sample() });
}
const perToken = (performance.now() - t0) / TOKENS;
const history = (await service.handlers.listHistory({})).length;
process.stderr.write(`memory: ${points.map((p) => `${p.tokens}: ${p.rss.toFixed(0)} MB rss / ${p.heap.toFixed(1)} MB heap`).join(', ')}\n`);

const one = (v: number) => ({ median: v, min: v, max: v, n: 1 });
const first = points[0]!;
const last = points[points.length - 1]!;
const secondHalf = points.filter((p) => p.tokens >= TOKENS / 2);
record({ suite: 'memory', metric: `RSS after ${first.tokens} tokens (warmed up)`, unit: 'MB', stats: one(first.rss) });
record({ suite: 'memory', metric: `RSS after ${TOKENS} tokens (app service: engine, transcripts, history)`, unit: 'MB', stats: one(last.rss) });
record({ suite: 'memory', metric: `RSS sampled every 100 tokens from ${TOKENS / 2} to ${TOKENS}`, unit: 'MB', stats: stats(secondHalf.map((p) => p.rss)) });
record({ suite: 'memory', metric: `JS heap after GC, sampled every 100 tokens from ${TOKENS / 2} to ${TOKENS}`, unit: 'MB', stats: stats(secondHalf.map((p) => p.heap)), note: `heap after ${first.tokens} tokens: ${first.heap.toFixed(1)} MB` });
record({ suite: 'memory', metric: `history entries kept after ${TOKENS} tokens (cap ${MAX_HISTORY_ENTRIES})`, unit: 'entries', stats: one(history) });
record({ suite: 'memory', metric: 'time per token through the app service (history sealed in the vault, written behind)', unit: 'ms', stats: one(perToken) });

flush();
await service.handlers.clearHistory({}).catch(() => undefined);
await service.handlers.deleteProfile({ profileId: profile.id }).catch(() => undefined);
await service.close();
await sandbox.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
