/**
 * `tsx codegen/totara/cli.ts --schema FILE --out DIR [--documents GLOB ...] [--no-descriptions] [--scalar NAME=TS ...]`:
 * the generator without the rest of `mts` (the npm script `generate:totara` uses it).
 */
import { MtsError } from '../../src/core/errors.js';
import { writeGeneratedFiles } from './generate.js';
import { CLI_USAGE, planFromArgs } from './plan.js';

async function main(argv: string[]): Promise<number> {
  const plan = await planFromArgs(argv);
  if (!plan) {
    process.stderr.write(`${CLI_USAGE}\n`);
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
  const written = await writeGeneratedFiles(plan.files, plan.out);
  process.stderr.write(`wrote ${written.join(', ')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const mts = error instanceof MtsError ? error : undefined;
    process.stderr.write(`error: ${(error as Error).message}\n${mts?.hint ? `  hint: ${mts.hint}\n` : ''}`);
    process.exitCode = mts ? 1 : 2;
  },
);
