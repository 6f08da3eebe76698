import { readFile } from 'node:fs/promises';
import {
  buildASTSchema,
  buildClientSchema,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
  parse,
  validateSchema,
} from 'graphql';
import { TotaraSchemaError } from './errors.js';

/** Where a schema came from, for messages and generated headers. */
export type SchemaFormat = 'sdl' | 'introspection';

/** A schema ready for codegen, validation and diffing. */
export interface LoadedSchema {
  schema: GraphQLSchema;
  format: SchemaFormat;
  /** The file or URL it was read from (never with credentials). */
  source: string;
  /** What was repaired on the way in (duplicate definitions in a hand-assembled SDL file...). */
  warnings: string[];
}

/**
 * Builds a schema from text: SDL (including Totara's own `.graphqls` print) or an introspection result
 * (`{"data": {"__schema": ...}}` or `{"__schema": ...}`). Throws {@link TotaraSchemaError} with the file and line.
 *
 * @example
 * ```ts
 * const { schema } = loadSchemaText(await readFile('schema.graphqls', 'utf8'), 'schema.graphqls');
 * ```
 */
export function loadSchemaText(text: string, source = '<input>'): LoadedSchema {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart().charAt(0);
  if (first === '{' || first === '[') return fromIntrospectionText(body, source);
  return fromSdl(body, source);
}

/**
 * Reads a schema file: SDL (`.graphql`, `.graphqls`, `.gql`) or introspection JSON, told apart by content.
 *
 * @example
 * ```ts
 * const { schema, warnings } = await loadSchemaFile('../shared/fixtures/totara-17.3/combined/external-schema-17.3.graphql');
 * ```
 */
export async function loadSchemaFile(path: string): Promise<LoadedSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TotaraSchemaError('totara.schema.unreadable', `Cannot read the schema file ${path}.`, {
      hint: 'Check the path; `mts totara schema pull --out FILE` saves a site schema to a file.',
      cause: error,
      details: { path },
    });
  }
  return loadSchemaText(text, path);
}

/**
 * Builds a schema from an introspection result object (what `introspection_query` returned).
 *
 * @example
 * ```ts
 * const { schema } = schemaFromIntrospection(JSON.parse(text), 'site.json');
 * ```
 */
export function schemaFromIntrospection(value: unknown, source = '<introspection>'): LoadedSchema {
  const root = value as { data?: unknown; __schema?: unknown; errors?: unknown };
  const data = (root && typeof root === 'object' && 'data' in root ? root.data : root) as
    | { __schema?: unknown }
    | undefined;
  if (!data || typeof data !== 'object' || !data.__schema || typeof data.__schema !== 'object') {
    const hasErrors = Array.isArray(root?.errors) && root.errors.length > 0;
    throw new TotaraSchemaError(
      'totara.schema.unknown_format',
      `${source} is JSON but not an introspection result (no "__schema"${hasErrors ? '; it holds "errors"' : ''}).`,
      {
        hint: 'Give an SDL file or the JSON result of an introspection query ({"data":{"__schema":...}}).',
        details: { path: source },
      },
    );
  }
  let schema: GraphQLSchema;
  try {
    schema = buildClientSchema(data as IntrospectionQuery);
  } catch (error) {
    throw new TotaraSchemaError(
      'totara.schema.invalid',
      `${source}: the introspection result does not describe a usable schema: ${(error as Error).message}`,
      { hint: 'Pull it again, or use the SDL file of the site.', cause: error, details: { path: source } },
    );
  }
  assertValid(schema, source);
  return { schema, format: 'introspection', source, warnings: [] };
}

function fromIntrospectionText(text: string, source: string): LoadedSchema {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TotaraSchemaError('totara.schema.parse', `${source} looks like JSON but does not parse.`, {
      hint: 'Give an SDL file or a complete introspection JSON file.',
      cause: error,
      details: { path: source },
    });
  }
  return schemaFromIntrospection(value, source);
}

function fromSdl(text: string, source: string): LoadedSchema {
  let document: DocumentNode;
  try {
    document = parse(text, { noLocation: false });
  } catch (error) {
    throw located(error, source, 'totara.schema.parse', 'The schema file is not valid GraphQL SDL');
  }
  const warnings: string[] = [];
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(document);
  } catch (error) {
    // Totara assembles its schema from many files; the same input type defined in two of them (as in 17.3's
    // goal AJAX files) makes the strict build fail though Totara itself serves it. Build it as Totara does and say so.
    const duplicates = duplicateNames(document);
    if (duplicates.length === 0)
      throw located(error, source, 'totara.schema.invalid', 'The schema is not valid');
    warnings.push(
      `${source}: ${duplicates.length} type(s) defined more than once (${duplicates.slice(0, 5).join(', ')}); the last definition of each is used, as Totara's loader does.`,
    );
    schema = buildASTSchema(document, { assumeValidSDL: true });
  }
  assertValid(schema, source);
  return { schema, format: 'sdl', source, warnings };
}

function duplicateNames(document: DocumentNode): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || definition.kind.endsWith('Extension')) continue;
    if (definition.kind === 'OperationDefinition' || definition.kind === 'FragmentDefinition') continue;
    const name = definition.name.value;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  return [...duplicates].sort();
}

function assertValid(schema: GraphQLSchema, source: string): void {
  const errors = validateSchema(schema);
  if (errors.length === 0) return;
  const first = errors[0] as GraphQLError;
  const line = first.locations?.[0]?.line;
  throw new TotaraSchemaError(
    'totara.schema.invalid',
    `${source}${line ? `:${line}` : ''}: the schema is not valid (${errors.length} problem(s)): ${first.message}`,
    {
      hint: 'Fix the schema file, or pull it again from the site.',
      details: {
        path: source,
        ...(line ? { line } : {}),
        problems: errors.slice(0, 20).map((e) => e.message),
      },
    },
  );
}

/** A GraphQL error turned into a typed error naming file and line. */
export function located(error: unknown, source: string, code: string, what: string): TotaraSchemaError {
  const graphqlError = error instanceof GraphQLError ? error : undefined;
  const location = graphqlError?.locations?.[0];
  const message = graphqlError ? graphqlError.message : String((error as Error)?.message ?? error);
  return new TotaraSchemaError(
    code,
    `${source}${location ? `:${location.line}:${location.column}` : ''}: ${what}: ${message}`,
    {
      hint: 'Fix the file at that line.',
      cause: error,
      details: { path: source, ...(location ? { line: location.line, column: location.column } : {}) },
    },
  );
}
