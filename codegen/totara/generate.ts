/**
 * The Totara code generator: TypeScript types of a schema, its compact data table for the typed builder, and
 * typed documents for the user's own operations, each checked against the schema and Totara's rules.
 */
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { checkDocuments, type SourceDocument } from '../../src/totara/schema/documents.js';
import type { LoadedSchema } from '../../src/totara/schema/load.js';
import { emitOperations } from './emit-operations.js';
import { emitSchemaTypes } from './emit-schema.js';
import { emitSchemaSdl } from './emit-sdl.js';
import { emitTable } from './emit-table.js';
import { header, type ScalarOverride } from './render.js';

/** Options of {@link generateTotara}. */
export interface TotaraCodegenOptions {
  /** The schema (see `loadSchemaFile`, `introspectSchema`). */
  schema: LoadedSchema;
  /** The user's operation documents (see `readDocuments`); each becomes a typed document. */
  documents?: readonly SourceDocument[] | undefined;
  /** Carry the schema's descriptions into TSDoc comments (default true). */
  descriptions?: boolean | undefined;
  /** TypeScript for scalars, e.g. `{ core_id: 'number' }` or `{ core_date: { input: 'number', output: 'number' } }`. */
  scalars?: Readonly<Record<string, ScalarOverride>> | undefined;
  /** Module `operations.ts` imports `TypedDocument` from (default `moodle-totara-sdk/totara`). */
  runtimeImport?: string | undefined;
  /**
   * Module `builder.ts` imports `createBuilder` from: default `moodle-totara-sdk/totara/builder`, a light entry that
   * loads none of graphql's, undici's or the client's types into the compiler (else `runtimeImport` when given).
   */
  builderImport?: string | undefined;
  /** Emit `builder.ts` and `index.ts` (default true). */
  builder?: boolean | undefined;
  /** The schema's name in the do-not-edit header (default: the schema source). */
  inputName?: string | undefined;
  /** The command that regenerates the files, named in the header. */
  regenerate?: string | undefined;
}

/** One generated file, by name within the output directory. */
export interface GeneratedFile {
  name: string;
  content: string;
}

/**
 * Generates the files for a schema. Deterministic: the same schema and documents give the same bytes.
 * Throws `TotaraSchemaError` when an operation does not validate or breaks Totara's naming rule.
 *
 * @example
 * ```ts
 * const files = generateTotara({ schema: await loadSchemaFile('site.graphql'), documents: await readDocuments(['ops/*.graphql']) });
 * await writeGeneratedFiles(files, 'src/totara-generated');
 * ```
 */
export function generateTotara(options: TotaraCodegenOptions): GeneratedFile[] {
  const schema = options.schema.schema;
  const descriptions = options.descriptions ?? true;
  const scalars = options.scalars ?? {};
  const runtime = options.runtimeImport ?? 'moodle-totara-sdk/totara';
  const builderRuntime = options.builderImport ?? options.runtimeImport ?? 'moodle-totara-sdk/totara/builder';
  const input = options.inputName ?? options.schema.source;
  const extra = options.regenerate ? [`Regenerate with: ${options.regenerate}`] : [];
  const files: GeneratedFile[] = [
    { name: 'types.ts', content: header(input, extra) + emitSchemaTypes(schema, { descriptions, scalars }) },
    { name: 'table.ts', content: header(input, extra) + emitTable(schema, './types.js') },
    { name: 'schema.ts', content: header(input, extra) + emitSchemaSdl(schema) },
  ];
  const documents = options.documents ?? [];
  if (documents.length > 0) {
    const set = checkDocuments(schema, documents);
    const docNames = documents.map((d) => d.path).join(', ');
    files.push({
      name: 'operations.ts',
      content:
        header(input, [`Documents: ${docNames}`, ...extra]) +
        emitOperations(schema, set, { scalars, typedDocumentImport: runtime, typesModule: './types.js' }),
    });
  }
  if (options.builder ?? true) {
    files.push({
      name: 'builder.ts',
      content:
        header(input, extra) +
        `import { createBuilder } from '${builderRuntime}';\n` +
        `import { type SchemaTypes, schemaTable } from './table.js';\n\n` +
        '/** Typed ad-hoc queries and mutations over this schema: `query(name, selection)`, `mutation(name, selection)`. */\n' +
        'export const { query, mutation } = createBuilder<SchemaTypes>(schemaTable);\n',
    });
    files.push({
      name: 'index.ts',
      content:
        header(input, extra) +
        "export * from './builder.js';\n" +
        (documents.length > 0 ? "export * from './operations.js';\n" : '') +
        "export * from './table.js';\n" +
        "export * from './schema.js';\n" +
        "export type * from './types.js';\n",
    });
  }
  return files;
}

/** Every file the generator may write; one left from an earlier run and not written now is removed. */
const GENERATED_NAMES = ['types.ts', 'table.ts', 'schema.ts', 'operations.ts', 'builder.ts', 'index.ts'];

/**
 * Writes generated files into a directory, each atomically (a reader never sees half a file), and removes a
 * generated file an earlier run left there that this run did not write (e.g. `operations.ts` once no documents
 * are given), but only when it carries our do-not-edit header.
 *
 * @example
 * ```ts
 * await writeGeneratedFiles(generateTotara({ schema }), 'src/generated');
 * ```
 */
export async function writeGeneratedFiles(
  files: readonly GeneratedFile[],
  outDir: string,
): Promise<string[]> {
  const written: string[] = [];
  const dir = outDir.replace(/\/+$/, '');
  for (const file of files) {
    const path = `${dir}/${file.name}`;
    await writeFileAtomic(path, file.content);
    written.push(path);
  }
  for (const name of GENERATED_NAMES) {
    if (files.some((f) => f.name === name)) continue;
    const path = `${dir}/${name}`;
    const head = await readFile(path, 'utf8').then(
      (text) => text.slice(0, 200),
      () => '',
    );
    if (head.startsWith('// Code generated by mts codegen totara')) await rm(path, { force: true });
  }
  return written;
}
