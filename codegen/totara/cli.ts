/**
 * `tsx codegen/totara/cli.ts --schema FILE --out DIR [--documents GLOB ...] [--no-descriptions] [--scalar NAME=TS ...]`:
 * the generator without the rest of `mts` (the npm script `generate:totara` uses it).
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MtsError } from '../../src/core/errors.js';
import { readDocuments } from '../../src/totara/schema/documents.js';
import { loadSchemaFile } from '../../src/totara/schema/load.js';
import { generateTotara, writeGeneratedFiles } from './generate.js';
import { parseScalarOverrides } from './options.js';

const usage =
  'Usage: tsx codegen/totara/cli.ts --schema FILE --out DIR [--documents GLOB ...] [--no-descriptions] [--scalar NAME=TS ...] [--runtime-import MODULE] [--no-builder]';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      schema: { type: 'string' },
      out: { type: 'string' },
      documents: { type: 'string', multiple: true },
      'no-descriptions': { type: 'boolean' },
      scalar: { type: 'string', multiple: true },
      'runtime-import': { type: 'string' },
      'no-builder': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || !values.schema || !values.out) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const schema = await loadSchemaFile(values.schema);
  for (const warning of schema.warnings) process.stderr.write(`warning: ${warning}\n`);
  const shipped = values.out.replace(/\/+$/, '') === 'src/totara/generated';
  const files = generateTotara({
    schema,
    documents: values.documents ? await readDocuments(values.documents) : undefined,
    descriptions: !values['no-descriptions'],
    scalars: parseScalarOverrides(values.scalar ?? []),
    // The copy shipped inside the SDK imports its runtime relatively and is bound by src/totara/builder itself.
    runtimeImport: values['runtime-import'] ?? (shipped ? '../typed-document.js' : undefined),
    builder: !(values['no-builder'] ?? shipped),
    inputName: basename(values.schema),
    regenerate: shipped ? 'npm run generate:totara' : undefined,
  });
  const written = await writeGeneratedFiles(files, values.out);
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
