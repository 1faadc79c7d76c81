// Where the start-up time of the profile list goes (issue 12, "instant at scale"): browser mode over
// the ui bench's 10,000-profile data directory, one navigation traced (Chromium trace + V8 sampling
// profiler), then every main-thread task over THRESHOLD ms printed with what ran inside it: the
// trace's own events (script evaluation, compile, layout, style, paint, parse) and the JavaScript
// functions with most self time, named through the renderer's source map.
// Usage: node scripts/build.mjs && node bench/build.mjs && node dist/bench/trace-startup.js [--filter] [--runs N]
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { chromium } from 'playwright-core';
import { openAppService } from '../../electron/app/open';
import { startWebServer } from '../../electron/web/server';
import { PROFILES, workspaceJson } from '../profile-store.bench';

const THRESHOLD = Number(process.env.TRACE_THRESHOLD_MS ?? 30);
const withFilter = process.argv.includes('--filter');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
const RENDERER = resolve(process.env.TRACE_RENDERER ?? 'dist/renderer');

const maps = new Map<string, TraceMap>();
for (const f of readdirSync(join(RENDERER, 'assets')).filter((n) => n.endsWith('.js.map'))) maps.set(f.replace(/\.map$/, ''), new TraceMap(readFileSync(join(RENDERER, 'assets', f), 'utf8')));
function nameOf(frame: { functionName: string; url: string; lineNumber: number; columnNumber: number }): string {
  const file = frame.url.split('/').pop() ?? '';
  const map = maps.get(file);
  if (!map || frame.lineNumber < 0) return `${frame.functionName || '(anonymous)'} ${file}`.trim() || '(program)';
  const pos = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
  const src = (pos.source ?? '').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '');
  return `${pos.name ?? frame.functionName ?? '(anonymous)'} ${src}:${pos.line}`;
}

const dir = mkdtempSync(join(tmpdir(), 'tokenbench-trace-'));
mkdirSync(join(dir, 'data'));
writeFileSync(join(dir, 'data', 'profiles.json'), workspaceJson(), { mode: 0o600 });
const service = openAppService({ dataDir: join(dir, 'data'), mode: 'web', version: 'trace', keychainService: `tokenbench-trace-${randomUUID()}`, openBrowser: async () => undefined });
const server = await startWebServer({ service, rendererDir: RENDERER });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The store loads and sorts once per process; a warm-up navigation keeps that out of the traced one, as in the bench.
{
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByTestId('profile-count').getByText(`${PROFILES} profiles`, { exact: true }).waitFor({ timeout: 60_000 });
  await page.context().close();
}

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: Record<string, unknown> };
type CpuProfile = { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>; startTime: number; samples: number[]; timeDeltas: number[] };

for (let run = 0; run < runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  // As bench/ui sees them: long tasks, and the frame after the first profile row is in the DOM.
  await context.addInitScript(`(() => {
    const l = (window.__longtasks = []);
    new PerformanceObserver((o) => { for (const e of o.getEntries()) l.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-testid="profile-row"]')) return;
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => (window.__firstRowAt = performance.now()), 0));
    }).observe(document, { childList: true, subtree: true });
  })();`);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] });
  await cdp.send('Profiler.start');
  await page.goto(server.url);
  await page.getByTestId('profile-row').first().waitFor();
  await page.waitForFunction(() => (globalThis as unknown as { __firstRowAt?: number }).__firstRowAt !== undefined);
  const painted = await page.evaluate(() => (globalThis as unknown as { __firstRowAt: number }).__firstRowAt);
  const resources = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((r) => {
      const e = r as unknown as { name: string; startTime: number; responseStart: number; responseEnd: number; transferSize: number };
      return `${e.name.split('/').slice(-2).join('/')} ${e.startTime.toFixed(0)}→${e.responseStart.toFixed(0)}→${e.responseEnd.toFixed(0)} (${e.transferSize} B)`;
    }),
  );
  await page.getByTestId('profile-count').getByText(`${PROFILES} profiles`, { exact: true }).waitFor({ timeout: 60_000 });
  const loaded = await page.evaluate(() => performance.now());
  await page.waitForTimeout(200);
  if (withFilter) {
    await page.getByLabel('Filter profiles').click();
    for (const ch of '4217 prod') await page.keyboard.type(ch), await page.waitForTimeout(120);
    for (let i = 0; i < 9; i++) await page.keyboard.press('Backspace'), await page.waitForTimeout(120);
  }
  const longtasks = await page.evaluate(() => (globalThis as unknown as { __longtasks: number[][] }).__longtasks);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  const raw = (await browser.stopTracing()).toString('utf8');
  // TRACE_SAVE=FILE: the trace for chrome://tracing or the DevTools performance panel.
  if (process.env.TRACE_SAVE) writeFileSync(process.env.TRACE_SAVE, raw);
  const trace = JSON.parse(raw) as { traceEvents: TraceEvent[] };
  await context.close();

  // The renderer's main thread: the one running the page's script.
  const events = trace.traceEvents;
  const main = events.find((e) => e.name === 'EvaluateScript' || e.name === 'v8.compile');
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid);
  const navStart = events.find((e) => e.name === 'navigationStart' && e.pid === main?.pid)?.ts ?? onMain[0]?.ts ?? 0;
  // TRACE_CPU=1: tasks by the main thread's own CPU time (tdur), which the machine's load does not inflate.
  const byCpu = process.env.TRACE_CPU === '1';
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X' && ((byCpu ? e.tdur : e.dur) ?? 0) / 1000 >= THRESHOLD);
  console.log(`\n== run ${run + 1}: first row ${painted.toFixed(0)} ms, all ${PROFILES} loaded ${loaded.toFixed(0)} ms (performance.now); tasks ≥ ${THRESHOLD} ms on the main thread:`);

  {
    // Wall time suffers from the machine's load; thread time (tdur) is the main thread's own CPU.
    const sum = (name: string, key: 'dur' | 'tdur') => onMain.filter((e) => e.name === name && e.ph === 'X').reduce((a, e) => a + (e[key] ?? 0) / 1000, 0);
    const firstRowTs = navStart + painted * 1000;
    const before = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.ts < firstRowTs);
    const cpuBefore = before.reduce((a, e) => a + (e.tdur ?? 0) / 1000, 0);
    const allTasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X');
    console.log(`SUMMARY evaluateModule ${sum('v8.evaluateModule', 'dur').toFixed(1)} ms wall / ${sum('v8.evaluateModule', 'tdur').toFixed(1)} ms cpu; main-thread cpu before first row ${cpuBefore.toFixed(0)} ms; all tasks cpu ${allTasks.reduce((a, e) => a + (e.tdur ?? 0) / 1000, 0).toFixed(0)} ms; longest task cpu ${Math.max(...allTasks.map((e) => (e.tdur ?? 0) / 1000)).toFixed(1)} ms`);
  }
  console.log(`  longtask entries (start ms, duration ms): ${longtasks.map(([a, b]) => `${a}+${b}`).join(' ')}`);
  console.log(`  resources (start→first byte→end, ms): ${resources.slice(0, 8).join('\n                                      ')}`);
  // Sample times (absolute µs) → node, for self time per function inside a task.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sampleTimes: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) sampleTimes.push((t += d));

  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    const inner = onMain.filter((e) => e !== task && e.ph === 'X' && e.ts >= task.ts && e.ts < end && e.name !== 'RunTask');
    const byName = new Map<string, number>();
    for (const e of inner) byName.set(e.name, (byName.get(e.name) ?? 0) + ((byCpu ? e.tdur : e.dur) ?? 0) / 1000);
    const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    const self = new Map<string, number>();
    for (let i = 0; i < profile.samples.length; i++) {
      const at = sampleTimes[i] as number;
      if (at < task.ts || at >= end) continue;
      const node = byId.get(profile.samples[i] as number);
      if (!node) continue;
      const name = nameOf(node.callFrame);
      self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 200) / 1000);
    }
    const hot = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const detail = inner.find((e) => e.name === 'TimerFire' || e.name === 'EventDispatch' || e.name === 'FunctionCall' || e.name === 'EvaluateScript');
    const url = (detail?.args?.data as { url?: string; type?: string } | undefined)?.url ?? (detail?.args?.data as { type?: string } | undefined)?.type ?? '';
    console.log(`\n  task at ${((task.ts - navStart) / 1000).toFixed(0)} ms, ${((task.dur ?? 0) / 1000).toFixed(1)} ms (cpu ${((task.tdur ?? 0) / 1000).toFixed(1)} ms) ${url ? `(${url.split('/').pop()})` : ''}`);
    console.log(`    events: ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
    console.log(`    self time: ${hot.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join('\n               ')}`);
  }
}

await browser.close();
await server.close();
await service.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
