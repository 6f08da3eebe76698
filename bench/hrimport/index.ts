/**
 * bench/hrimport: one million user rows written, our writer (streaming RFC 4180 with validation and the atomic
 * rename into csv/ready/) against csv-stringify alone piped to a file (the anchor: we do not build on it). Each
 * side runs in its own child process so that peak memory (maxRSS) is its own. The worker is bundled to plain
 * JavaScript first (esbuild, which tsx ships) so that the TypeScript loader's own ~40 MB is not counted; without
 * esbuild it runs under tsx and the figures include it.
 * Targets: at least 0.9x csv-stringify's rows per second, and under 100 MB peak.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../util.js';

const ROWS = Number(process.env.MTS_BENCH_HRIMPORT_ROWS ?? 1_000_000);
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Side {
  ms: number;
  rows: number;
  bytes: number;
  maxRssMb: number;
}

type Mode = 'ours' | 'ours-rows' | 'anchor';

async function bundleWorker(dir: string): Promise<string[]> {
  try {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const outfile = join(dir, 'worker.mjs');
    await esbuild.build({
      entryPoints: [join(root, 'bench/hrimport/worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    return [outfile];
  } catch {
    return ['--import', 'tsx', 'bench/hrimport/worker.ts'];
  }
}

function runSide(command: string[], mode: Mode, out: string): Promise<Side> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, mode, String(ROWS), out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`bench/hrimport worker (${mode}) exited ${code}`));
      else resolve(JSON.parse(text.trim().split('\n').pop() as string) as Side);
    });
  });
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mts-bench-hr-'));
  try {
    const command = await bundleWorker(dir);
    const anchor = await runSide(command, 'anchor', join(dir, 'anchor'));
    const ours = await runSide(command, 'ours', join(dir, 'ours'));
    const rowsOnly = await runSide(command, 'ours-rows', join(dir, 'ours-rows'));
    const perSecond = (side: Side) => side.rows / (side.ms / 1000);
    const rows = ROWS.toLocaleString('en');
    const speed = (name: string, side: Side) =>
      report({
        name,
        ours: perSecond(side),
        anchor: perSecond(anchor),
        anchorName: 'csv-stringify',
        unit: 'rows/s',
        better: 'higher',
        target: 0.9,
      });
    speed(`hrimport write ${rows} user rows (full validation)`, ours);
    speed(`hrimport write ${rows} user rows (checks: rows)`, rowsOnly);
    report({
      name: `hrimport write ${rows} rows, peak RSS (full validation)`,
      ours: ours.maxRssMb,
      unit: 'MB',
      better: 'lower',
      target: 100,
    });
    report({
      name: `hrimport write ${rows} rows, peak RSS (checks: rows)`,
      ours: rowsOnly.maxRssMb,
      unit: 'MB',
      better: 'lower',
      target: 100,
    });
    report({
      name: 'hrimport write, csv-stringify peak RSS (reference)',
      ours: anchor.maxRssMb,
      unit: 'MB',
      better: 'lower',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
