/**
 * bench/mbz: inspecting a generated 1 GB backup. tar.gz: time against `gzip -dc FILE > /dev/null` (one
 * decompression pass is the floor) and peak RSS, each measured in a fresh child process; zip: time (central
 * directory only). Side by side: how JavaScript tools read .mbz today (the whole tar.gz gunzipped into memory
 * before the tar is read; jszip loading the zip into memory).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { report } from '../util.js';
import { benchBackups } from './generate.js';

const here = fileURLToPath(new URL('.', import.meta.url));

interface Measure {
  ms: number;
  rssMb: number;
  activities: number;
}

function child(mode: string, file: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', `${here}child.ts`, mode, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string))
        : reject(new Error(`${mode} exited ${code}`)),
    );
  });
}

function gzipFloor(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn('sh', ['-c', 'gzip -dc "$0" > /dev/null', file], { stdio: 'inherit' });
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`gzip exited ${code}`)),
    );
  });
}

/** Fastest of `n` runs, with the highest peak RSS seen in any of them. */
async function best(n: number, fn: () => Promise<Measure>): Promise<Measure> {
  const runs: Measure[] = [];
  for (let i = 0; i < n; i++) runs.push(await fn());
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

export default async function bench(): Promise<void> {
  const { tgz, zip } = await benchBackups(`${here}../.tmp`);
  const gzip = Math.min(await gzipFloor(tgz), await gzipFloor(tgz));
  const ours = await best(2, () => child('inspect', tgz));
  if (ours.activities !== 300) throw new Error(`inspect found ${ours.activities} activities, expected 300`);
  report({
    name: 'mbz inspect 1 GB tar.gz, time',
    ours: ours.ms,
    anchor: gzip,
    anchorName: 'gzip -dc > /dev/null',
    unit: 'ms',
    better: 'lower',
    target: 1.3,
  });
  report({
    name: 'mbz inspect 1 GB tar.gz, peak RSS',
    ours: ours.rssMb,
    unit: 'MB',
    better: 'lower',
    target: 150,
  });
  const inMemory = await child('gunzip-tar', tgz);
  report({
    name: 'mbz inspect 1 GB tar.gz vs gunzip into memory + tar, time',
    ours: ours.ms,
    anchor: inMemory.ms,
    anchorName: 'gunzip-in-memory',
    unit: 'ms',
    better: 'lower',
  });
  report({
    name: 'mbz inspect 1 GB tar.gz vs gunzip into memory + tar, peak RSS',
    ours: ours.rssMb,
    anchor: inMemory.rssMb,
    anchorName: 'gunzip-in-memory',
    unit: 'MB',
    better: 'lower',
  });

  const zipOurs = await best(3, () => child('inspect', zip));
  if (zipOurs.activities !== 300) throw new Error(`zip inspect found ${zipOurs.activities} activities`);
  report({ name: 'mbz inspect 1 GB zip, time', ours: zipOurs.ms, unit: 'ms', better: 'lower', target: 100 });
  const jszip = await child('jszip', zip);
  report({
    name: 'mbz inspect 1 GB zip vs jszip, time',
    ours: zipOurs.ms,
    anchor: jszip.ms,
    anchorName: 'jszip',
    unit: 'ms',
    better: 'lower',
  });
  report({
    name: 'mbz inspect 1 GB zip vs jszip, peak RSS',
    ours: zipOurs.rssMb,
    anchor: jszip.rssMb,
    anchorName: 'jszip',
    unit: 'MB',
    better: 'lower',
  });
}
