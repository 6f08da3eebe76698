/**
 * Which schema the sandbox Totara serves: an explicit file, `MTS_TOTARA_SCHEMA`, the real 17.3 external schema
 * in `../shared/fixtures` beside the project, or the sandbox's own small schema.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../../core/errors.js';
import { FALLBACK_SCHEMA_SDL } from './fallback-schema.js';
import { installTotaraScalars } from './scalars.js';

const FIXTURE = 'shared/fixtures/totara-17.3/combined/external-schema-17.3.graphql';

/** Where the served schema came from. */
export interface LoadedSchema {
  schema: GraphQLSchema;
  /** `file` for a schema file (the fixture or one given), `fallback` for the built-in one. */
  source: 'file' | 'fallback';
  /** The file, when one was read. */
  file?: string | undefined;
}

/** The real 17.3 external schema beside the project (`../shared`), when present; from src/ and from dist/. */
export function fixtureSchemaPath(): string | undefined {
  for (const up of ['../../../../', '../../../../../']) {
    const path = fileURLToPath(new URL(`${up}${FIXTURE}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

const cache = new Map<string, GraphQLSchema>();

/** Loads the schema to serve. An explicit file that is missing or invalid is an error, never a silent fallback. */
export function loadSandboxSchema(
  schemaFile: string | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedSchema {
  if (schemaFile === false) return { schema: build('(fallback)', FALLBACK_SCHEMA_SDL), source: 'fallback' };
  const explicit = schemaFile ?? (env.MTS_TOTARA_SCHEMA || undefined);
  const file = explicit ?? fixtureSchemaPath();
  if (!file) return { schema: build('(fallback)', FALLBACK_SCHEMA_SDL), source: 'fallback' };
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('sandbox.totara_schema_unreadable', `Cannot read the Totara schema ${file}.`, {
      hint: 'Give an existing SDL file (schemaFile option or MTS_TOTARA_SCHEMA), or neither to use the built-in schema.',
      cause: error,
      details: { path: file },
    });
  }
  return { schema: build(file, sdl), source: 'file', file };
}

function build(key: string, sdl: string): GraphQLSchema {
  const cached = cache.get(key);
  if (cached) return cached;
  let schema: GraphQLSchema;
  try {
    schema = buildSchema(sdl);
  } catch (error) {
    throw new ConfigError(
      'sandbox.totara_schema_invalid',
      `${key} is not a valid GraphQL schema: ${(error as Error).message}`,
      {
        cause: error,
        details: { path: key },
      },
    );
  }
  installTotaraScalars(schema);
  cache.set(key, schema);
  return schema;
}
