// Runs every bench/*.bench.ts suite (built to dist/bench), each in a fresh
// Node process so one suite's heap and connections never colour another's,
// and writes one table: stdout, bench/results/latest.md and latest.json.
// Usage: npm run bench [-- SUITE...] [-- --quick]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, type Row } from './lib/measure';

const ORDER = ['engine', 'app-service', 'cli-start', 'profile-store', 'ui', 'memory'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const all = readdirSync('dist/bench')
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace(/\.bench\.js$/, ''))
  .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
const suites = wanted.length ? all.filter((s) => wanted.includes(s)) : all;
const RESULTS = 'bench/results';
const BEFORE = join(RESULTS, 'before.json');

const tmp = mkdtempSync(join(tmpdir(), 'tokenbench-bench-'));
const rows: Row[] = [];
const failed: string[] = [];
for (const suite of suites) {
  process.stderr.write(`\n== ${suite}\n`);
  const out = join(tmp, `${suite}.json`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', `dist/bench/${suite}.bench.js`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BENCH_OUT: out, ...(quick ? { BENCH_QUICK: '1' } : {}) },
    });
    child.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(out)) {
    failed.push(suite);
    process.stderr.write(`suite ${suite} failed (exit ${code})\n`);
    continue;
  }
  rows.push(...(JSON.parse(readFileSync(out, 'utf8')) as Row[]));
}
rmSync(tmp, { recursive: true, force: true });

const before = existsSync(BEFORE) ? (JSON.parse(readFileSync(BEFORE, 'utf8')) as { rows: Row[]; commit: string }) : undefined;
const beforeOf = (r: Row) => before?.rows.find((b) => b.suite === r.suite && b.metric === r.metric && b.versus?.name === r.versus?.name);

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const env = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${process.platform}; commit ${commit}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? '; QUICK run (fewer rounds)' : ''}`;

const lines = [
  `Benchmarks — \`npm run bench\` — ${env}`,
  '',
  'Each figure: median [min–max] over n repeated runs; contenders of a comparison measured in the same run, alternating, after a warm-up.' +
    (before ? ` "Before" is the same measure at commit ${before.commit}, before the performance work.` : ''),
  '',
  `| Suite | Measure | Median | Min–max | n | Ratio | Bar | ${before ? 'Before | ' : ''}`,
  `|---|---|---:|---:|---:|---:|---|${before ? '---:|' : ''}`,
];
for (const r of rows) {
  const ratio = r.versus ? `${(r.stats.median / r.versus.median).toFixed(2)}× ${r.versus.name}` : '';
  const bar = r.bar ? `${r.bar.text} ${r.bar.met ? '✅' : '❌'}` : '';
  const b = beforeOf(r);
  const beforeCell = b ? `${fmt(b.stats.median)} ${b.unit}${b.versus ? ` (${(b.stats.median / b.versus.median).toFixed(2)}×)` : ''}` : '';
  const measure = r.note ? `${r.metric} — ${r.note}` : r.metric;
  lines.push(`| ${r.suite} | ${measure} | ${fmt(r.stats.median)} ${r.unit} | ${fmt(r.stats.min)}–${fmt(r.stats.max)} | ${r.stats.n} | ${ratio} | ${bar} | ${before ? `${beforeCell} |` : ''}`);
}
if (failed.length) lines.push('', `Failed suites: ${failed.join(', ')}`);
const md = `${lines.join('\n')}\n`;
process.stdout.write(`\n${md}`);

mkdirSync(RESULTS, { recursive: true });
const json = { commit, env, quick, suites, failed, rows: rows.map(({ stats, ...r }) => ({ ...r, stats: { median: stats.median, min: stats.min, max: stats.max, n: stats.n } })) };
// A partial run (some suites only) never replaces the full table, and is not kept in git (*.tmp).
const [mdName, jsonName] = wanted.length ? [`partial-${suites.join('-')}.md.tmp`, `partial-${suites.join('-')}.json.tmp`] : ['latest.md', 'latest.json'];
writeFileSync(join(RESULTS, mdName), md);
writeFileSync(join(RESULTS, jsonName), `${JSON.stringify(json, null, 2)}\n`);
// BENCH_SAVE_BEFORE=1 records this run as the baseline ("Before" column), suite by suite.
if (process.env.BENCH_SAVE_BEFORE === '1') {
  const kept = (before?.rows ?? []).filter((r) => !suites.includes(r.suite));
  writeFileSync(BEFORE, `${JSON.stringify({ commit, env, rows: [...kept, ...json.rows] }, null, 2)}\n`);
}
process.exitCode = failed.length ? 1 : 0;
