/**
 * Codegen of Totara 17.3's full dev schema (741 types) and of its external schema: our generator against GraphQL
 * Code Generator's `typescript` plugin run through `@graphql-codegen/core` (its CLI does not install here), side by
 * side and interleaved in the same run, both from SDL text to TypeScript text with descriptions.
 *
 * Then what a user waits for: a cold `tsc` over each output, every run a fresh process, interleaved. Ours is the
 * default output (types, table, schema, builder, index), its builder importing `moodle-totara-sdk/totara/builder`
 * as published (the built `dist`, linked into a temporary node_modules); theirs is their `types.ts`. The floor is
 * `tsc` over an empty file (the compiler and lib.es2023 alone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import { buildASTSchema, parse } from 'graphql';
import { generateTotara } from '../../codegen/totara/generate.js';
import { loadSchemaText } from '../../src/totara/schema/index.js';
import { percentile, report } from '../util.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../shared/fixtures/totara-17.3/combined/', import.meta.url));
const tmp = fileURLToPath(new URL('../.tmp/totara-codegen/', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

function ours(sdl: string, builder: boolean): Record<string, string> {
  const schema = loadSchemaText(sdl, 'bench.graphql');
  const files = generateTotara({ schema, builder, inputName: 'bench.graphql' });
  return Object.fromEntries(files.map((f) => [f.name, f.content]));
}

async function theirs(sdl: string): Promise<Record<string, string>> {
  const document = parse(sdl);
  const schemaAst = buildASTSchema(document);
  const output = await codegen({
    schema: document,
    schemaAst,
    documents: [],
    filename: 'types.ts',
    config: {},
    plugins: [{ typescript: {} }],
    pluginMap: { typescript: typescriptPlugin },
  });
  return { 'types.ts': output };
}

/** A project a user would have: the files, a strict tsconfig, and this package linked in as published. */
async function project(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  if (!existsSync(join(dir, 'node_modules/moodle-totara-sdk')))
    await symlink(root, join(dir, 'node_modules/moodle-totara-sdk'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['es2023'],
      types: [],
      skipLibCheck: true,
    },
    files: Object.keys(files),
  };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
  return join(dir, 'tsconfig.json');
}

/** One cold `tsc -p` in a fresh process: its wall time, and whether it found errors. */
function coldTsc(config: string): { ms: number; ok: boolean } {
  const start = performance.now();
  const run = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0)
    process.stdout.write(`  tsc ${config}: ${run.stdout.split('\n').slice(0, 3).join(' | ')}\n`);
  return { ms, ok: run.status === 0 };
}

/** The published `dist` the user's builder imports: built when missing or older than the builder's source. */
function ensureBuilt(): void {
  const built = join(root, 'dist/src/totara/builder/index.d.ts');
  const source = join(root, 'src/totara/builder/types.ts');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) return;
  process.stdout.write('  building dist for the published builder entry…\n');
  spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

async function benchGenerate(label: string, sdl: string, rounds: number): Promise<void> {
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    let start = performance.now();
    ours(sdl, false);
    const a = performance.now() - start;
    start = performance.now();
    await theirs(sdl);
    const b = performance.now() - start;
    if (i > 0) {
      oursMs.push(a);
      theirsMs.push(b);
    }
  }
  report({
    name: `codegen ${label} (median of ${rounds})`,
    ours: percentile(oursMs, 50),
    anchor: percentile(theirsMs, 50),
    anchorName: '@graphql-codegen/typescript',
    unit: 'ms',
    better: 'lower',
    target: 1.0,
  });
}

async function benchTypeCheck(label: string, sdl: string, runs: number): Promise<void> {
  const base = join(tmp, label.replace(/\W+/g, '-'));
  const oursConfig = await project(join(base, 'ours'), ours(sdl, true));
  const theirsConfig = await project(join(base, 'theirs'), await theirs(sdl));
  const emptyConfig = await project(join(base, 'empty'), { 'empty.ts': 'export const nothing = 0;\n' });
  const times = { ours: [] as number[], theirs: [] as number[], empty: [] as number[] };
  let ok = true;
  coldTsc(oursConfig); // the first run pays for the disk cache: not counted
  for (let i = 0; i < runs; i++) {
    const a = coldTsc(oursConfig);
    const b = coldTsc(theirsConfig);
    const c = coldTsc(emptyConfig);
    ok &&= a.ok && b.ok;
    times.ours.push(a.ms);
    times.theirs.push(b.ms);
    times.empty.push(c.ms);
  }
  if (!ok) process.stdout.write(`  ${label}: an output did not type-check\n`);
  const median = (xs: number[]) => percentile(xs, 50);
  process.stdout.write(
    `  cold tsc, ${label}, ${runs} interleaved runs: ours min ${Math.min(...times.ours).toFixed(0)} / median ${median(times.ours).toFixed(0)} ms, ` +
      `theirs min ${Math.min(...times.theirs).toFixed(0)} / median ${median(times.theirs).toFixed(0)} ms, ` +
      `floor (empty file) min ${Math.min(...times.empty).toFixed(0)} / median ${median(times.empty).toFixed(0)} ms\n`,
  );
  report({
    name: `cold tsc of the default codegen output, ${label} (median)`,
    ours: median(times.ours),
    anchor: median(times.theirs),
    anchorName: '@graphql-codegen/typescript output',
    unit: 'ms',
    better: 'lower',
    target: 1.0,
  });
  report({
    name: `cold tsc of the default codegen output, ${label}, against the floor (median)`,
    ours: median(times.ours),
    anchor: median(times.empty),
    anchorName: 'tsc on an empty file',
    unit: 'ms',
    better: 'lower',
  });
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(fixtures, 'dev-full-schema-17.3.graphqls'))) {
    process.stdout.write('bench/totara codegen skipped: ../shared/fixtures is absent\n');
    return;
  }
  const dev = await readFile(join(fixtures, 'dev-full-schema-17.3.graphqls'), 'utf8');
  const external = await readFile(join(fixtures, 'external-schema-17.3.graphql'), 'utf8');
  await benchGenerate('dev schema, 741 types', dev, 5);
  await benchGenerate('external schema, 92 types', external, 15);
  ensureBuilt();
  await benchTypeCheck('external schema, 92 types', external, 7);
  await benchTypeCheck('dev schema, 741 types', dev, 5);
  await rm(tmp, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
