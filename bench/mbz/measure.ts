/**
 * Whole-process measurements for bench/mbz: each run is a fresh `node` process, timed from spawn to exit, whose
 * peak RSS is read by `/usr/bin/time -f %M` (the kernel's figure for that process alone). Runs of several
 * commands are interleaved, so that a noisy neighbour slows each of them alike, and summarised by min and median.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One process: wall time from spawn to exit, peak RSS, what it printed. */
export interface Run {
  ms: number;
  rssMb: number;
  stdout: string;
}

const TIME = '/usr/bin/time';
export const haveTime = existsSync(TIME);

/** Runs `node ARGS` once in a fresh process. */
export function runNode(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(TIME, ['-f', 'RSS_KB=%M', process.execPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, NO_COLOR: '1', MTS_CONFIG_DIR: '/nonexistent-mts-config' },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    proc.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const ms = performance.now() - start;
      const rss = /RSS_KB=(\d+)/.exec(stderr);
      if (code !== 0 || !rss)
        reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`));
      else resolve({ ms, rssMb: Number(rss[1]) / 1024, stdout });
    });
  });
}

/** Min, median and peak RSS of a series of runs. */
export interface Series {
  min: number;
  median: number;
  rssMb: number;
  runs: Run[];
}

function summarise(runs: Run[]): Series {
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    min: times[0] as number,
    median: times[Math.floor((times.length - 1) / 2)] as number,
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    runs,
  };
}

/**
 * Runs every command `rounds` times, interleaved (A B C, then B C A, ...), after one unmeasured warm-up round that
 * fills the page cache.
 */
export async function interleaved(
  rounds: number,
  commands: Record<string, string[]>,
): Promise<Record<string, Series>> {
  const names = Object.keys(commands);
  for (const name of names) await runNode(commands[name] as string[]);
  const runs: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as string;
      (runs[name] as Run[]).push(await runNode(commands[name] as string[]));
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarise(runs[n] as Run[])]));
}
