/**
 * bench/mbz: inspecting a generated 1 GB backup. tar.gz: time against `gzip -dc FILE > /dev/null` (one
 * decompression pass is the floor) and peak RSS, each measured in a fresh child process; zip: the inspect call
 * in a fresh process (cold), the same call warm, and the whole `mts mbz inspect FILE --json` process against a
 * bare `node -e 0` (start-up measured apart, so each line says what it covers). Side by side: how JavaScript
 * tools read .mbz today (the whole tar.gz gunzipped into memory before the tar is read; jszip loading the zip).
 * The process line runs bin/mts.js, so it needs a build of the current sources (`npm run build`); MTS_BENCH_BIN
 * names another build's bin/mts.js. Run alone: `npx tsx bench/mbz/index.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { report } from '../util.js';
import { benchBackups, MANY_FILES, manyFilesBackup } from './generate.js';

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

/** Wall time of one process, from spawn to exit. */
function processTime(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

async function fastest(n: number, fn: () => Promise<number>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) best = Math.min(best, await fn());
  return best;
}

/** bin/mts.js of a build no older than src/mbz, or a reason why there is none. */
async function builtCli(): Promise<{ bin: string } | { skip: string }> {
  const bin = process.env.MTS_BENCH_BIN ?? `${here}../../bin/mts.js`;
  const built = resolve(dirname(bin), '../dist/src/mbz/xml/scan.js');
  if (!existsSync(built)) return { skip: `no build next to ${bin} (npm run build)` };
  const sources = (await readdir(`${here}../../src/mbz`)).map(
    (f) => statSync(`${here}../../src/mbz/${f}`).mtimeMs,
  );
  if (!process.env.MTS_BENCH_BIN && statSync(built).mtimeMs < Math.max(...sources)) {
    return { skip: 'dist/ is older than src/mbz (npm run build)' };
  }
  return { bin };
}

const load = () =>
  `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;

/** Fastest of `n` runs, with the highest peak RSS seen in any of them. */
async function best(n: number, fn: () => Promise<Measure>): Promise<Measure> {
  const runs: Measure[] = [];
  for (let i = 0; i < n; i++) runs.push(await fn());
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

export default async function bench(): Promise<void> {
  const { tgz, zip } = await benchBackups(`${here}../.tmp`);
  const manyFilesPath = await manyFilesBackup(`${here}../.tmp`);
  process.stdout.write(`(mbz bench starts, ${load()}; 2 cores)\n`);
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
  report({
    name: 'mbz inspect 1 GB zip, inspect call in a fresh process (cold)',
    ours: zipOurs.ms,
    unit: 'ms',
    better: 'lower',
    target: 100,
  });
  const zipWarm = await child('inspect-warm', zip);
  report({
    name: 'mbz inspect 1 GB zip, inspect call warm (median of 5)',
    ours: zipWarm.ms,
    unit: 'ms',
    better: 'lower',
    target: 100,
  });
  const cli = await builtCli();
  if ('bin' in cli) {
    const total = await fastest(5, () => processTime([cli.bin, 'mbz', 'inspect', zip, '--json']));
    const bare = await fastest(5, () => processTime(['-e', '0']));
    report({
      name: 'mbz inspect 1 GB zip, process total of `mts mbz inspect FILE --json`',
      ours: total,
      anchor: bare,
      anchorName: 'node -e 0 (start-up alone)',
      unit: 'ms',
      better: 'lower',
    });
  } else process.stdout.write(`mbz inspect 1 GB zip, process total: skipped, ${cli.skip}\n`);
  const many = await best(3, () => child('inspect', manyFilesPath));
  if (many.activities !== 50) throw new Error(`many-files inspect found ${many.activities} activities`);
  report({
    name: `mbz inspect zip of ${MANY_FILES} files (${(statSync(manyFilesPath).size / 1e6).toFixed(0)} MB), inspect call cold`,
    ours: many.ms,
    unit: 'ms',
    better: 'lower',
  });
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
  process.stdout.write(`(mbz bench ends, ${load()})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
