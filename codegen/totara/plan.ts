/** The command line of `codegen/totara/cli.ts` turned into generated files, without writing them (tests use it). */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readDocuments } from '../../src/totara/schema/documents.js';
import { loadSchemaFile } from '../../src/totara/schema/load.js';
import { type GeneratedFile, generateTotara } from './generate.js';
import { parseScalarOverrides } from './options.js';

/** What a run of `codegen/totara/cli.ts` would write. */
export interface CodegenPlan {
  files: GeneratedFile[];
  out: string;
  warnings: string[];
}

/** Usage of `codegen/totara/cli.ts`. */
export const CLI_USAGE =
  'Usage: tsx codegen/totara/cli.ts --schema FILE --out DIR [--documents GLOB ...] [--no-descriptions] [--scalar NAME=TS ...] [--runtime-import MODULE] [--no-builder]';

/**
 * Parses the arguments and generates; undefined means usage was asked for or is wrong. The SDK's own copy
 * (`--out src/totara/generated`) imports its runtime relatively, has no builder binding (src/totara/builder binds
 * it) and names `npm run generate:totara` in its header.
 */
export async function planFromArgs(
  argv: string[],
  cwd: string = process.cwd(),
): Promise<CodegenPlan | undefined> {
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
  if (values.help || !values.schema || !values.out) return undefined;
  const schema = await loadSchemaFile(resolve(cwd, values.schema));
  const shipped = values.out.replace(/\/+$/, '') === 'src/totara/generated';
  const files = generateTotara({
    schema,
    documents: values.documents ? await readDocuments(values.documents, cwd) : undefined,
    descriptions: !values['no-descriptions'],
    scalars: parseScalarOverrides(values.scalar ?? []),
    runtimeImport: values['runtime-import'] ?? (shipped ? '../typed-document.js' : undefined),
    builder: !(values['no-builder'] ?? shipped),
    inputName: basename(values.schema),
    regenerate: shipped ? 'npm run generate:totara' : undefined,
  });
  return { files, out: resolve(cwd, values.out), warnings: schema.warnings };
}
