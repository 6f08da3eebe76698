/** Shared helpers of the benches: timing, percentiles, peak memory and the one output line format. */
import { performance } from 'node:perf_hooks';

/** Runs `fn` `n` times and returns each duration in milliseconds. */
export async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Prints one bench line: `name: ours X unit, anchor Y unit, ratio R (target T) PASS|MISS`. */
export function report(line: {
  name: string;
  ours: number;
  anchor?: number | undefined;
  anchorName?: string | undefined;
  unit: string;
  /** 'lower' when a smaller figure is better (time), 'higher' otherwise (throughput). */
  better: 'lower' | 'higher';
  target?: number | undefined;
}): void {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));
  let text = `${line.name}: ours ${fmt(line.ours)} ${line.unit}`;
  if (line.anchor !== undefined) {
    const ratio = line.ours / line.anchor;
    text += `, ${line.anchorName ?? 'anchor'} ${fmt(line.anchor)} ${line.unit}, ratio ${ratio.toFixed(2)}x`;
    if (line.target !== undefined) {
      const ok = line.better === 'lower' ? ratio <= line.target : ratio >= line.target;
      text += ` (target ${line.better === 'lower' ? '<=' : '>='} ${line.target}x) ${ok ? 'PASS' : 'MISS'}`;
    }
  } else if (line.target !== undefined) {
    const ok = line.better === 'lower' ? line.ours <= line.target : line.ours >= line.target;
    text += ` (target ${line.better === 'lower' ? '<=' : '>='} ${line.target} ${line.unit}) ${ok ? 'PASS' : 'MISS'}`;
  }
  process.stdout.write(`${text}\n`);
}
