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

/** One finished process: wall time from spawn to exit, its own peak RSS, and its exit code. */
export interface ProcessMeasure {
  ms: number;
  /** Peak resident set of the process itself in MB, read by `/usr/bin/time -f %M`; NaN where that is missing. */
  rssMb: number;
  /** CPU time (user + system) of the process in ms, 10 ms resolution; steadier than wall time on a busy machine. */
  cpuMs: number;
  code: number | null;
  stdout: string;
}

const TIME_BIN = '/usr/bin/time';

/**
 * Runs `command args` once as a fresh process and measures it from outside: wall time from spawn to exit and peak
 * RSS from `/usr/bin/time -f %M` (the kernel's figure for that process, never `resourceUsage()` read in the child).
 * Both sides of a comparison go through the same wrapper, so its own cost cancels out.
 */
export async function measureProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ProcessMeasure> {
  const { spawn } = await import('node:child_process');
  const { existsSync, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const timed = existsSync(TIME_BIN);
  const dir = timed ? mkdtempSync(join(tmpdir(), 'mts-bench-time-')) : '';
  const rssFile = join(dir, 'rss');
  const [file, argv] = timed
    ? [TIME_BIN, ['-f', '%M %U %S', '-o', rssFile, command, ...args]]
    : [command, [...args]];
  try {
    return await new Promise<ProcessMeasure>((resolve, reject) => {
      const start = performance.now();
      const child = spawn(file, argv, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
      child.once('error', reject);
      child.once('close', (code) => {
        const ms = performance.now() - start;
        // the last line is "%M %U %S"; a failing command adds a line before it
        const [kb, user, system] = timed
          ? (readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number)
          : [];
        const cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
        resolve({ ms, rssMb: (kb ?? Number.NaN) / 1024, cpuMs, code, stdout });
      });
    });
  } finally {
    if (timed) rmSync(dir, { recursive: true, force: true });
  }
}

/** Min and median of a list of numbers. */
export function minMedian(values: number[]): { min: number; median: number } {
  return { min: Math.min(...values), median: percentile(values, 50) };
}
