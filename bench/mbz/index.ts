/**
 * bench/mbz: `mts mbz` on a generated 1 GB backup, each run a whole fresh process (`bin/mts.js`, so a build of the
 * current sources is needed: `npm run build`; MTS_BENCH_BIN names another build's bin/mts.js), timed from spawn
 * to exit, peak RSS from `/usr/bin/time -f %M`, runs interleaved, min and median reported.
 *
 * - tar.gz inspect against its physical floor: one pass of Node's own zlib inflating the file to nothing with
 *   1 MiB buffers (bench/mbz/inflate-floor.mjs), in the same run. Goal: within 1.15x, under 120 MB.
 * - zip inspect, and the cold start of `mts mbz inspect` on a small backup, against a bare `node -e 0`.
 * - anonymise of the 1 GB backup in both packings: the tar.gz against inspect of the same file (goal: within
 *   1.5x, bounded memory), both against the floor of writing a copy (bench/mbz/write-floor.mjs).
 *
 * Run alone: `npx tsx bench/mbz/index.ts` (or `npm run bench mbz`). Timings are noisy on a shared machine: the
 * load average is printed at the start and the end.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBackup } from '../../test/mbz/helpers/generate-backup.js';
import { report } from '../util.js';
import { benchBackups, MANY_FILES, manyFilesBackup } from './generate.js';
import { haveTime, interleaved, type Series } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = 5;

const load = () =>
  `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((d) =>
      d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs,
    ),
  );
}

/** bin/mts.js of a build no older than src/mbz, or a reason why there is none. */
function builtCli(): { bin: string } | { skip: string } {
  const bin = process.env.MTS_BENCH_BIN ?? `${here}../../bin/mts.js`;
  const built = resolve(dirname(bin), '../dist/src/mbz');
  if (!existsSync(built)) return { skip: `no build next to ${bin} (npm run build)` };
  if (!process.env.MTS_BENCH_BIN && newest(built) < newest(`${here}../../src/mbz`)) {
    return { skip: 'dist/ is older than src/mbz (npm run build)' };
  }
  return { bin };
}

/** Two lines per comparison: min against min, median against median. */
function ratio(name: string, ours: Series, anchor: Series, anchorName: string, target?: number): void {
  for (const stat of ['min', 'median'] as const) {
    report({
      name: `${name}, time (${stat} of ${ours.runs.length})`,
      ours: ours[stat],
      anchor: anchor[stat],
      anchorName,
      unit: 'ms',
      better: 'lower',
      target,
    });
  }
}

/** Peak RSS against an absolute goal, then (without a goal) against the floor's own peak. */
function rss(name: string, ours: Series, target?: number, anchor?: Series, anchorName?: string): void {
  const line = `${name}, peak RSS (fresh process, highest of ${ours.runs.length})`;
  report({ name: line, ours: ours.rssMb, unit: 'MB', better: 'lower', target });
  if (anchor)
    report({ name: line, ours: ours.rssMb, anchor: anchor.rssMb, anchorName, unit: 'MB', better: 'lower' });
}

export default async function bench(): Promise<void> {
  if (!haveTime) {
    process.stdout.write('bench/mbz: skipped, /usr/bin/time is missing (apt-get install time)\n');
    return;
  }
  const cli = builtCli();
  if ('skip' in cli) {
    process.stdout.write(`bench/mbz: skipped, ${cli.skip}\n`);
    return;
  }
  const tmp = `${here}../.tmp`;
  const { tgz, zip } = await benchBackups(tmp);
  const manyFiles = await manyFilesBackup(tmp);
  const small = join(tmp, 'mbz-small.tgz.mbz');
  if (!existsSync(small)) await writeFile(small, buildBackup({ activities: 6, users: 3 }, 'tar.gz'));
  const mts = (...args: string[]) => [cli.bin, 'mbz', ...args];
  process.stdout.write(`(mbz bench starts, ${load()}; 2 cores)\n`);

  const tar = await interleaved(ROUNDS, {
    floor: [`${here}inflate-floor.mjs`, tgz],
    inspect: mts('inspect', tgz, '--json'),
  });
  const floorName = 'node zlib inflate to nothing, 1 MiB buffers';
  ratio('mbz inspect 1 GB tar.gz', tar.inspect as Series, tar.floor as Series, floorName, 1.15);
  rss('mbz inspect 1 GB tar.gz', tar.inspect as Series, 120, tar.floor, floorName);

  const start = await interleaved(ROUNDS * 2, {
    bare: ['-e', '0'],
    inspect: mts('inspect', small, '--json'),
  });
  ratio(
    'mts mbz inspect of a small backup (cold start)',
    start.inspect as Series,
    start.bare as Series,
    'node -e 0',
    1.6,
  );

  const zipRuns = await interleaved(ROUNDS, {
    bare: ['-e', '0'],
    inspect: mts('inspect', zip, '--json'),
    many: mts('inspect', manyFiles, '--json'),
  });
  ratio(
    'mbz inspect 1 GB zip (central directory only)',
    zipRuns.inspect as Series,
    zipRuns.bare as Series,
    'node -e 0',
  );
  rss('mbz inspect 1 GB zip', zipRuns.inspect as Series);
  ratio(
    `mbz inspect zip of ${MANY_FILES} files (files.xml ${(statSync(manyFiles).size / 1e6).toFixed(0)} MB of archive)`,
    zipRuns.many as Series,
    zipRuns.bare as Series,
    'node -e 0',
  );

  // Anonymise writes a whole copy: on a tmpfs when there is one, so that the disk of a shared machine does not
  // decide the figure (the floor lines write the same bytes to the same place).
  const out = existsSync('/dev/shm') ? '/dev/shm/mts-bench-anonymise' : join(tmp, 'anonymised');
  await mkdir(out, { recursive: true });
  try {
    for (const [label, file, floorMode] of [
      ['tar.gz', tgz, 'inflate'],
      ['zip', zip, 'copy'],
    ] as const) {
      const runs = await interleaved(ROUNDS, {
        inspect: mts('inspect', file, '--json'),
        floor: [`${here}write-floor.mjs`, floorMode, file, join(out, `floor.${label}`)],
        anonymise: mts('anonymise', file, join(out, `anon.${label}.mbz`), '--force', '--json'),
      });
      const name = `mbz anonymise 1 GB ${label} (output on ${out.startsWith('/dev/shm') ? 'tmpfs' : 'disk'})`;
      if (label === 'tar.gz')
        ratio(name, runs.anonymise as Series, runs.inspect as Series, 'inspect of the same file', 1.5);
      const floorName =
        floorMode === 'inflate'
          ? 'inflate and write the tar to the same place'
          : 'copy the file to the same place';
      ratio(name, runs.anonymise as Series, runs.floor as Series, floorName);
      rss(name, runs.anonymise as Series, 120, runs.floor, floorName);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  process.stdout.write(`(mbz bench ends, ${load()})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
