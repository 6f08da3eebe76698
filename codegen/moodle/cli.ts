/**
 * `npm run generate:moodle`: tsx codegen/moodle/cli.ts --definitions FILE --out DIR [--descriptions] [--nullable-results]
 */
import { parseArgs } from 'node:util';
import { MtsError } from '../../src/core/errors.js';
import { runMoodleCodegen } from './run.js';

const { values } = parseArgs({
  options: {
    definitions: { type: 'string' },
    out: { type: 'string' },
    descriptions: { type: 'boolean' },
    'nullable-results': { type: 'boolean' },
  },
  strict: true,
});

if (!values.definitions || !values.out) {
  process.stderr.write(
    'usage: tsx codegen/moodle/cli.ts --definitions FILE --out DIR [--descriptions] [--nullable-results]\n',
  );
  process.exit(2);
}

try {
  const result = await runMoodleCodegen({
    definitions: values.definitions,
    out: values.out,
    descriptions: values.descriptions ?? false,
    nullableResults: values['nullable-results'] ?? false,
  });
  for (const file of result.files) process.stdout.write(`wrote ${file.path} (${file.bytes} bytes)\n`);
  process.stdout.write(`${result.functions} functions\n`);
} catch (error) {
  if (!(error instanceof MtsError)) throw error;
  process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  process.exitCode = 1;
}
