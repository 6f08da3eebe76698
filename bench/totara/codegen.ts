/**
 * Codegen of Totara 17.3's full dev schema (741 types) and of its external schema: our generator against GraphQL
 * Code Generator's `typescript` plugin run through `@graphql-codegen/core` (its CLI does not install here), side by
 * side and interleaved in the same run, both from SDL text to TypeScript text with descriptions. Then the time the
 * TypeScript compiler takes to type-check each output (in a warm compiler process, as an editor or `tsc --watch`
 * would), ours against theirs and against the 1 s target.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import { buildASTSchema, parse } from 'graphql';
import ts from 'typescript';
import { generateTotara } from '../../codegen/totara/generate.js';
import { loadSchemaText } from '../../src/totara/schema/index.js';
import { percentile, report } from '../util.js';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/totara-17.3/combined/', import.meta.url));
const tmp = fileURLToPath(new URL('../.tmp/totara-codegen/', import.meta.url));

async function ours(sdl: string): Promise<Record<string, string>> {
  const schema = loadSchemaText(sdl, 'bench.graphql');
  const files = generateTotara({ schema, builder: false, inputName: 'bench.graphql' });
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

/** Type-checks the files in one warm process: the fastest of four runs after a cold one (the machine is shared). */
function checkTime(dir: string, names: string[]): { ms: number; errors: number } {
  let best = { ms: Number.POSITIVE_INFINITY, errors: 0 };
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const program = ts.createProgram(
      names.map((n) => join(dir, n)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts'],
        types: [],
        skipLibCheck: true,
      },
    );
    const errors = ts.getPreEmitDiagnostics(program).length;
    const ms = performance.now() - start;
    if (i > 0 && ms < best.ms) best = { ms, errors };
  }
  return best;
}

async function benchSchema(label: string, file: string, rounds: number): Promise<void> {
  const sdl = await readFile(join(fixtures, file), 'utf8');
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  let ourFiles: Record<string, string> = {};
  let theirFiles: Record<string, string> = {};
  for (let i = 0; i <= rounds; i++) {
    let start = performance.now();
    ourFiles = await ours(sdl);
    const a = performance.now() - start;
    start = performance.now();
    theirFiles = await theirs(sdl);
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
  const ourDir = join(tmp, label, 'ours');
  const theirDir = join(tmp, label, 'theirs');
  for (const [dir, files] of [
    [ourDir, ourFiles],
    [theirDir, theirFiles],
  ] as const) {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  }
  const empty = join(tmp, label, 'empty');
  await mkdir(empty, { recursive: true });
  await writeFile(join(empty, 'empty.ts'), 'export const nothing = 0;\n');
  const baseline = checkTime(empty, ['empty.ts']);
  const ourCheck = checkTime(ourDir, Object.keys(ourFiles));
  const theirCheck = checkTime(theirDir, Object.keys(theirFiles));
  if (ourCheck.errors > 0) process.stdout.write(`  our ${label} output has ${ourCheck.errors} type errors\n`);
  report({
    name: `tsc check of the ${label} output (warm; lib alone ${baseline.ms.toFixed(0)} ms)`,
    ours: ourCheck.ms,
    anchor: theirCheck.ms,
    anchorName: '@graphql-codegen/typescript output',
    unit: 'ms',
    better: 'lower',
  });
  report({
    name: `tsc check of the ${label} output, absolute`,
    ours: ourCheck.ms,
    unit: 'ms',
    better: 'lower',
    target: 1000,
  });
}

export default async function bench(): Promise<void> {
  try {
    await readFile(join(fixtures, 'dev-full-schema-17.3.graphqls'));
  } catch {
    process.stdout.write('bench/totara codegen skipped: ../shared/fixtures is absent\n');
    return;
  }
  await benchSchema('dev schema, 741 types', 'dev-full-schema-17.3.graphqls', 5);
  await benchSchema('external schema, 92 types', 'external-schema-17.3.graphql', 15);
  await rm(tmp, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
