import { writeFileSync } from 'node:fs';

/** Median, min and max of a set of samples (milliseconds unless the row says otherwise). */
export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  if (samples.length === 0) throw new Error('no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, n: s.length };
}

export interface Contender {
  name: string;
  /** One measured operation; returns its duration in ms (or undefined to let the harness time it). */
  run: () => unknown;
}

/**
 * Measures contenders side by side: a warm-up of each, then rounds of
 * A, B, C, A, B, C … (the order rotated every round), so a burst of noise
 * from other processes hits every contender alike instead of one of them.
 */
export async function alternate(contenders: Contender[], opts: { warmup: number; rounds: number; perRound?: number }): Promise<Record<string, Stats & { samples: number[] }>> {
  const per = opts.perRound ?? 1;
  for (let i = 0; i < opts.warmup; i++) for (const c of contenders) await timed(c);
  const samples: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < opts.rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length] as Contender);
    for (const c of order) {
      // Several operations per sample smooth out timer granularity for sub-millisecond work.
      let total = 0;
      for (let k = 0; k < per; k++) total += await timed(c);
      (samples[c.name] as number[]).push(total / per);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, { ...stats(s), samples: s }]));
}

async function timed(c: Contender): Promise<number> {
  const t0 = performance.now();
  const reported = await c.run();
  return typeof reported === 'number' ? reported : performance.now() - t0;
}

/** One line of the results table. */
export interface Row {
  suite: string;
  metric: string;
  /** What the figure is in: ms, tokens/s, KB, MB. */
  unit: string;
  stats: Stats;
  /** The figure a bar compares against, e.g. openid-client's median; ratio = median / reference median. */
  versus?: { name: string; median: number };
  /** "≤ 1.00×", "≤ 200 ms" — and whether it was met. */
  bar?: { text: string; met: boolean };
  note?: string;
}

const rows: Row[] = [];

export function record(row: Row): void {
  rows.push(row);
  const v = row.versus ? ` (${(row.stats.median / row.versus.median).toFixed(2)}× ${row.versus.name})` : '';
  process.stderr.write(`  ${row.metric}: ${fmt(row.stats.median)} ${row.unit} [${fmt(row.stats.min)}–${fmt(row.stats.max)}]${v}${row.bar ? ` bar ${row.bar.text}: ${row.bar.met ? 'met' : 'NOT met'}` : ''}\n`);
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** Hands this suite's rows to the runner (bench/main.ts), which collects every suite into one table. */
export function flush(): void {
  const out = process.env.BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify(rows, null, 2));
  else process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}

/** Ratio bar: median / reference ≤ limit. */
export function ratioBar(median: number, reference: number, limit: number): { text: string; met: boolean } {
  return { text: `≤ ${limit.toFixed(2)}×`, met: median / reference <= limit };
}

export function absBar(median: number, limit: number, unit: string): { text: string; met: boolean } {
  return { text: `≤ ${limit} ${unit}`, met: median <= limit };
}

export const quick = process.env.BENCH_QUICK === '1';
