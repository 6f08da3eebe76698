/**
 * bench/moodle: our `call()` against a local server that answers like Moodle's REST server, measured side by side
 * with the `moodle-client` and `moodle-ts` packages (the anchor: the better of the two) and a bare undici request
 * (the floor: the same bytes with no client). Calls are interleaved client by client (the order turning each
 * time) and throughput is measured in several rounds, so that all four see the same machine; each figure is given
 * as median and min. Memory is the peak RSS of a fresh process per client (/usr/bin/time). Last, the time to
 * validate and encode a 10,000-user core_user_create_users payload.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { coreFunctionTable, encodeParams, validateParams } from '../../src/moodle/index.js';
import { percentile, report, timeEach } from '../util.js';
import { type BenchClient, CLIENT_NAMES, type ClientName, makeClient } from './clients.js';
import { startServer, TOKEN } from './server.js';

const run = promisify(execFile);
type Figures = Record<ClientName, number[]>;

function median(values: number[]): number {
  return percentile(values, 50);
}

function emptyFigures(): Figures {
  return { ours: [], bare: [], 'moodle-client': [], 'moodle-ts': [] };
}

/** The better package by median (lower or higher is better, as `better` says). */
function anchorOf(figures: Figures, better: 'lower' | 'higher'): ClientName {
  const a = median(figures['moodle-client']);
  const b = median(figures['moodle-ts']);
  return (better === 'lower' ? a <= b : a >= b) ? 'moodle-client' : 'moodle-ts';
}

/** Two lines per comparison (anchor and floor), each on medians, with the mins beside them. */
function compare(
  metric: string,
  figures: Figures,
  unit: string,
  better: 'lower' | 'higher',
  targets: { anchor: number; floor: number },
): void {
  const best = (values: number[]) => (better === 'lower' ? Math.min(...values) : Math.max(...values));
  const anchor = anchorOf(figures, better);
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));
  for (const [other, target] of [
    [anchor, targets.anchor],
    ['bare', targets.floor],
  ] as const) {
    report({
      name: `${metric} vs ${other === 'bare' ? 'floor' : 'anchor'} (median)`,
      ours: median(figures.ours),
      anchor: median(figures[other]),
      anchorName: other === 'bare' ? 'bare undici' : other,
      unit,
      better,
      target,
    });
    const ours = best(figures.ours);
    const theirs = best(figures[other]);
    process.stdout.write(
      `  ${better === 'lower' ? 'min' : 'max'}: ours ${fmt(ours)} ${unit}, ${other} ${fmt(theirs)} ${unit}, ratio ${(ours / theirs).toFixed(2)}x\n`,
    );
  }
  const others = CLIENT_NAMES.filter((n) => n !== 'ours' && n !== anchor && n !== 'bare');
  for (const other of others)
    process.stdout.write(`  (${other}: median ${fmt(median(figures[other]))} ${unit})\n`);
}

/** The order of the clients in round `i`: each client goes first in turn. */
function rotated(i: number): ClientName[] {
  return CLIENT_NAMES.map((_, k) => CLIENT_NAMES[(i + k) % CLIENT_NAMES.length] as ClientName);
}

async function throughput(total: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await fn();
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

/** Peak RSS in KiB of a fresh process making `calls` calls with one client (the child is bundled first). */
async function peakRss(child: string, url: string, calls: number): Promise<number> {
  const args = ['-f', '%M', process.execPath, child, url, TOKEN, String(calls)];
  const { stderr } = await run('/usr/bin/time', args);
  return Number(stderr.trim().split('\n').at(-1));
}

/** rss-child.ts bundled for one client: the name is a constant, so the others' branches (and imports) fall away. */
async function bundleChild(dir: string, name: ClientName): Promise<string> {
  const { build } = await import('esbuild');
  const out = join(dir, `rss-child-${name}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL('./rss-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'error',
    define: { BENCH_CLIENT: JSON.stringify(name) },
    minifySyntax: true,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return out;
}

export default async function bench(): Promise<void> {
  const { url, child } = await startServer();
  const clients = new Map<ClientName, BenchClient>();
  // Inside the project, so that what the bundle leaves to require() (moodle-client) is found in node_modules.
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'mts-bench-moodle-'));
  try {
    for (const name of CLIENT_NAMES) clients.set(name, await makeClient(name, url, TOKEN));
    const call = (name: ClientName) => (clients.get(name) as BenchClient).call();
    for (const name of CLIENT_NAMES) await timeEach(200, () => call(name)); // warm-up

    const latency = emptyFigures();
    for (let i = 0; i < 2500; i++) {
      for (const name of rotated(i)) latency[name].push(...(await timeEach(1, () => call(name))));
    }
    compare('call() latency', latency, 'ms', 'lower', { anchor: 1, floor: 1.1 });

    const rate = emptyFigures();
    for (let round = 0; round < 7; round++) {
      for (const name of rotated(round)) rate[name].push(await throughput(1000, 32, () => call(name)));
    }
    compare('call() throughput @32', rate, 'req/s', 'higher', { anchor: 2, floor: 0.95 });

    if (existsSync('/usr/bin/time')) {
      const scripts = new Map<ClientName, string>();
      for (const name of CLIENT_NAMES) scripts.set(name, await bundleChild(dir, name));
      const rss = emptyFigures();
      for (let round = 0; round < 3; round++) {
        for (const name of rotated(round))
          rss[name].push((await peakRss(scripts.get(name) as string, url, 2000)) / 1024);
      }
      compare('peak RSS of a process making 2,000 calls', rss, 'MiB', 'lower', { anchor: 1.2, floor: 1.3 });
    } else {
      process.stdout.write('peak RSS: skipped (/usr/bin/time is not installed)\n');
    }

    const users = Array.from({ length: 10_000 }, (_, i) => ({
      username: `user${i}`,
      firstname: 'First',
      lastname: `Last ${i}`,
      email: `user${i}@example.org`,
      createpassword: true,
      customfields: [{ type: 'team', value: `T${i % 10}` }],
    }));
    // What call() does to the parameters before sending: validate against the table, then encode.
    const info = coreFunctionTable().get('core_user_create_users');
    if (!info) throw new Error('core_user_create_users is not in the table');
    const validateTimes = await timeEach(9, async () => validateParams(info, { users }));
    report({
      name: 'validate 10,000-user core_user_create_users (median)',
      ours: median(validateTimes),
      unit: 'ms',
      better: 'lower',
      target: 50,
    });
    const encodeTimes = await timeEach(9, async () => encodeParams({ users }));
    report({
      name: 'encode 10,000-user core_user_create_users (median)',
      ours: median(encodeTimes),
      unit: 'ms',
      better: 'lower',
      target: 100,
    });
    process.stdout.write(
      `  min: validate ${Math.min(...validateTimes).toFixed(1)} ms, encode ${Math.min(...encodeTimes).toFixed(1)} ms\n`,
    );
  } finally {
    for (const client of clients.values()) await client.close();
    child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/moodle/index.ts` runs it alone; `npm run bench` imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
