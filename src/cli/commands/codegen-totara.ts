import type { LoadedSchema } from '../../totara/schema/index.js';
import { command, UsageError } from '../framework.js';

/** `mts codegen totara`: owned by the Totara codegen. */
export const totaraCodegenCommand = command({
  name: 'totara',
  summary:
    'Generate TypeScript for a Totara schema: types, a typed builder, and typed documents for your operations.',
  description: [
    'Writes into DIR: types.ts (every enum, input, object type and scalar), table.ts (the compact schema table),',
    'schema.ts (the schema as SDL: new TotaraClient({ schema: schemaSdl }) checks every operation against it),',
    'builder.ts (typed query()/mutation() for ad-hoc queries), operations.ts (one typed document per operation',
    "of --documents, checked against the schema and Totara's lower snake_case naming rule) and index.ts.",
    'The schema comes from --schema FILE (SDL, Totara .graphqls or introspection JSON) or --url (introspection',
    'with the configured client credentials; off by default on Totara sites).',
  ].join('\n'),
  options: {
    schema: { type: 'string', description: 'SDL or introspection JSON file', valueName: 'FILE' },
    url: {
      type: 'string',
      description: 'Introspect this site instead (MTS_TOTARA_CLIENT_ID/SECRET)',
      valueName: 'URL',
    },
    out: { type: 'string', description: 'Output directory', valueName: 'DIR' },
    documents: {
      type: 'string',
      multiple: true,
      description: 'Your .graphql operations (quote globs: "src/**/*.graphql")',
      valueName: 'GLOB',
    },
    'no-descriptions': { type: 'boolean', description: 'Leave the schema descriptions out of the output' },
    scalar: {
      type: 'string',
      multiple: true,
      description: 'TypeScript for a scalar, e.g. core_id=number',
      valueName: 'NAME=TS',
    },
    'save-schema': {
      type: 'string',
      description: 'Also save the schema used (SDL), e.g. to diff against the site after an upgrade',
      valueName: 'FILE',
    },
    check: {
      type: 'boolean',
      description: 'Write nothing; exit 1 when the files in DIR differ from what would be generated (for CI)',
    },
    'runtime-import': {
      type: 'string',
      description: 'Module to import TypedDocument/createBuilder from (default moodle-totara-sdk/totara)',
      valueName: 'MODULE',
    },
  },
  examples: [
    'mts codegen totara --schema site.graphql --out src/totara --documents "src/**/*.graphql"',
    'mts codegen totara --url https://lms.example.org --out src/totara --save-schema src/totara/schema.graphql',
    'mts codegen totara --schema site.graphql --out src/totara --check   (CI: fail when out of date)',
  ],
  async run(ctx, input) {
    const file = input.string('schema');
    const url = input.string('url');
    const out = input.required('out');
    if ((file === undefined) === (url === undefined))
      throw new UsageError('Give exactly one of --schema FILE or --url URL.');
    const [
      { readFile },
      { join, resolve },
      { writeFileAtomic },
      schemaModule,
      generate,
      { parseScalarOverrides },
      { displayPath },
    ] = await Promise.all([
      import('node:fs/promises'),
      import('node:path'),
      import('../../core/atomic.js'),
      import('../../totara/schema/index.js'),
      // codegen/ sits above src/: reached only through lazy imports, and it never imports src/cli back
      import('../../../codegen/totara/generate.js'),
      import('../../../codegen/totara/options.js'),
      import('../../totara/schema/glob.js'),
    ]);
    const { loadSchemaFile, readDocuments, schemaFileContent } = schemaModule;
    const { generateTotara, writeGeneratedFiles } = generate;
    const pullFromSite = async (site: string | undefined) =>
      (await import('./totara-schema.js')).pullFromSite(ctx, site);
    const schema: LoadedSchema = file ? await loadSchemaFile(file) : await pullFromSite(url);
    for (const warning of schema.warnings) ctx.warn(warning);
    const patterns = input.list('documents');
    const documents = patterns.length ? await readDocuments(patterns) : [];
    const files = generateTotara({
      schema,
      documents,
      descriptions: !input.flag('no-descriptions'),
      scalars: parseScalarOverrides(input.list('scalar')),
      runtimeImport: input.string('runtime-import'),
      inputName: file ? displayPath(resolve(file)) : schema.source,
    });
    if (input.flag('check')) {
      const stale: string[] = [];
      for (const f of files) {
        const current = await readFile(join(out, f.name), 'utf8').catch(() => undefined);
        if (current !== f.content) stale.push(f.name);
      }
      ctx.print({ out, upToDate: stale.length === 0, stale }, () =>
        stale.length === 0
          ? `${out} is up to date.`
          : `${out} is out of date: ${stale.join(', ')}. Run the same command without --check.`,
      );
      return stale.length === 0 ? 0 : 1;
    }
    const written = await writeGeneratedFiles(files, out);
    const saveSchema = input.string('save-schema');
    if (saveSchema) {
      await writeFileAtomic(saveSchema, schemaFileContent(schema, saveSchema));
      written.push(saveSchema);
    }
    const operations = documents.reduce(
      (n, d) => n + d.document.definitions.filter((x) => x.kind === 'OperationDefinition').length,
      0,
    );
    ctx.print(
      { schema: schema.source, out, files: written, operations },
      () =>
        `Generated ${written.length} files in ${out} from ${schema.source}${operations ? ` (${operations} operations)` : ''}.`,
    );
    return 0;
  },
});
