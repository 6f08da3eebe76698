import { command } from '../framework.js';

/** `mts codegen moodle --definitions FILE --out DIR`: typed functions for your own site. */
export const moodleCodegenCommand = command({
  name: 'moodle',
  summary: 'Generate the function table and TypeScript types of your own Moodle site (plugins included).',
  description: [
    'FILE is the JSON that codegen/moodle/export-definitions.php writes on the Moodle server:',
    '  sudo -u www-data php export-definitions.php --out=ws-definitions.json',
    'DIR receives functions.ts (a compact table: FunctionTable.fromCompact(MOODLE_FUNCTION_TABLE)) and types.ts',
    '(the MoodleFunctions interface). Each file is replaced atomically; nothing is written if FILE is bad.',
    'Result values are typed non-null unless Moodle evidently sends null there; --nullable-results adds `| null`',
    'wherever the definitions allow it (external_value allows null by default, so nearly everywhere).',
  ].join('\n'),
  options: {
    definitions: {
      type: 'string',
      description: 'Definitions JSON from export-definitions.php',
      valueName: 'FILE',
    },
    out: { type: 'string', description: 'Output directory (created if missing)', valueName: 'DIR' },
    descriptions: {
      type: 'boolean',
      description: "Keep the site's function and parameter descriptions as TSDoc",
    },
    'nullable-results': {
      type: 'boolean',
      description:
        'Type result values `T | null` wherever the definitions allow null (default: non-null unless Moodle evidently sends null)',
    },
  },
  examples: [
    'mts codegen moodle --definitions ws-definitions.json --out src/moodle-site',
    'mts codegen moodle --definitions ws-definitions.json --out gen --descriptions --json',
  ],
  async run(ctx, input) {
    const definitions = input.required('definitions', 'Both --definitions FILE and --out DIR are required.');
    const out = input.required('out', 'Both --definitions FILE and --out DIR are required.');
    const descriptions = input.flag('descriptions');
    const nullableResults = input.flag('nullable-results');
    // codegen/ sits above src/: reached only through this lazy import, and it never imports src/cli back
    const { runMoodleCodegen } = await import('../../../codegen/moodle/run.js');
    const flags = `${descriptions ? ' --descriptions' : ''}${nullableResults ? ' --nullable-results' : ''}`;
    const result = await runMoodleCodegen({
      definitions,
      out,
      descriptions,
      nullableResults,
      command: `mts codegen moodle --definitions ${definitions} --out ${out}${flags}`,
    });
    ctx.print(result, () =>
      [
        ...result.files.map((file) => `wrote ${file.path} (${file.bytes} bytes)`),
        `${result.functions} functions`,
      ].join('\n'),
    );
    return 0;
  },
});
