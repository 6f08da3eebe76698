/**
 * bench/cli: cold start of the `mts` command, whole process, against a bare `node -e 0` (the anchor, and the floor:
 * no Node program starts faster). Each case runs right after its own anchor run, round after round, so that the
 * load of a busy machine falls on both sides alike; the lines give medians (and minimums) and the peak RSS of a
 * fresh process read by `/usr/bin/time`. Targets: every `--help` within 1.3x of the anchor, every local command
 * (no site, no network) within 1.6x. Needs a built dist/ (`npm run build`). Rounds: MTS_BENCH_CLI_ROUNDS (11).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureProcess, minMedian, type ProcessMeasure, report } from '../util.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shared = join(root, '../shared/fixtures');
const ROUNDS = Number(process.env.MTS_BENCH_CLI_ROUNDS ?? 11);
const HELP_TARGET = 1.3;
const LOCAL_TARGET = 1.6;

interface Case {
  name: string;
  args: string[];
  target: number;
}

const AREAS = [
  'moodle',
  'totara',
  'lti',
  'hrimport',
  'mbz',
  'codegen',
  'sandbox',
  'repl',
  'doctor',
  'config',
];

/** A launch id_token: Moodle's own when ../shared is present, else a syntactically valid unsigned one. */
function ltiToken(): string {
  const launch = join(
    shared,
    'moodle-4.5/lti/launches/2026-11-21T19-06-57-213Z-LtiResourceLinkRequest-learner-sub3.json',
  );
  if (existsSync(launch)) {
    const found = /"id_token"\s*:\s*"([^"]+)"/.exec(readFileSync(launch, 'utf8'))?.[1];
    if (found) return found;
  }
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part({ iss: 'https://lms.example.org', aud: 'tool', sub: '3' })}.c2ln`;
}

async function cases(dir: string): Promise<Case[]> {
  const csv = join(dir, 'user.csv');
  await writeFile(
    csv,
    'idnumber,username,firstname,lastname,email,timemodified,deleted\n7,ann,Ann,Lee,ann@example.org,0,0\n',
  );
  const help: Case[] = [
    { name: 'mts --help', args: ['--help'], target: HELP_TARGET },
    ...AREAS.map((area) => ({ name: `mts ${area} --help`, args: [area, '--help'], target: HELP_TARGET })),
  ];
  const local: Case[] = [
    { name: 'mts --version', args: ['--version'], target: LOCAL_TARGET },
    { name: 'mts config show', args: ['config', 'show'], target: LOCAL_TARGET },
    { name: 'mts config profiles', args: ['config', 'profiles'], target: LOCAL_TARGET },
    { name: 'mts lti decode TOKEN', args: ['lti', 'decode', ltiToken()], target: LOCAL_TARGET },
    { name: 'mts hrimport template user', args: ['hrimport', 'template', 'user'], target: LOCAL_TARGET },
    { name: 'mts hrimport validate user.csv', args: ['hrimport', 'validate', csv], target: LOCAL_TARGET },
  ];
  const backup = join(shared, 'moodle-4.5/mbz/course-xs-users.tgz.mbz');
  if (existsSync(backup)) {
    local.push(
      { name: 'mts mbz inspect (22 KB backup)', args: ['mbz', 'inspect', backup], target: LOCAL_TARGET },
      { name: 'mts mbz ls (22 KB backup)', args: ['mbz', 'ls', backup], target: LOCAL_TARGET },
    );
  } else {
    process.stdout.write('(mbz cases skipped: ../shared/fixtures is absent)\n');
  }
  return [...help, ...local];
}

export default async function bench(): Promise<void> {
  const bin = process.env.MTS_BENCH_BIN ?? join(root, 'bin/mts.js');
  if (!existsSync(join(root, 'dist/src/cli/main.js')) && !process.env.MTS_BENCH_BIN)
    throw new Error('bench/cli needs a build: run `npm run build` first.');
  const dir = await mkdtemp(join(tmpdir(), 'mts-bench-cli-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, MTS_CONFIG_DIR: dir, NO_COLOR: '1' };
  try {
    const all = await cases(dir);
    const ours = new Map<string, ProcessMeasure[]>(all.map((c) => [c.name, []]));
    const anchor = new Map<string, ProcessMeasure[]>(all.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order every round, so that no case always follows the same neighbour.
      const order = all.map((_, i) => all[(i + round) % all.length] as Case);
      for (const item of order) {
        anchor.get(item.name)?.push(await measureProcess(process.execPath, ['-e', '0'], { cwd: dir, env }));
        const run = await measureProcess(process.execPath, [bin, ...item.args], { cwd: dir, env });
        if (run.code !== 0) throw new Error(`${item.name} exited ${run.code}`);
        ours.get(item.name)?.push(run);
      }
    }
    let worst = { help: 0, local: 0 };
    for (const item of all) {
      const o = minMedian((ours.get(item.name) ?? []).map((m) => m.ms));
      const a = minMedian((anchor.get(item.name) ?? []).map((m) => m.ms));
      const rss = minMedian((ours.get(item.name) ?? []).map((m) => m.rssMb)).median;
      const anchorRss = minMedian((anchor.get(item.name) ?? []).map((m) => m.rssMb)).median;
      const cpu = minMedian((ours.get(item.name) ?? []).map((m) => m.cpuMs)).median;
      const anchorCpu = minMedian((anchor.get(item.name) ?? []).map((m) => m.cpuMs)).median;
      report({
        name: `cold start: ${item.name} (median of ${ROUNDS}, min ${o.min.toFixed(0)} vs ${a.min.toFixed(0)} ms; CPU ${cpu.toFixed(0)} vs ${anchorCpu.toFixed(0)} ms; RSS ${rss.toFixed(0)} vs ${anchorRss.toFixed(0)} MB)`,
        ours: o.median,
        anchor: a.median,
        anchorName: 'node -e 0 (anchor and floor)',
        unit: 'ms',
        better: 'lower',
        target: item.target,
      });
      const kind = item.target === HELP_TARGET ? 'help' : 'local';
      worst = { ...worst, [kind]: Math.max(worst[kind], o.median / a.median) };
    }
    process.stdout.write(
      `cold start: worst --help ratio ${worst.help.toFixed(2)}x (target <= ${HELP_TARGET}x), worst local command ratio ${worst.local.toFixed(2)}x (target <= ${LOCAL_TARGET}x)\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
