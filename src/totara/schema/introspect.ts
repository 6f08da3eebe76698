import {
  getIntrospectionQuery,
  type IntrospectionQuery,
  introspectionFromSchema,
  printSchema,
} from 'graphql';
import { MtsError } from '../../core/errors.js';
import { TotaraSchemaError } from './errors.js';
import { type LoadedSchema, schemaFromIntrospection } from './load.js';

/** The operation name of the introspection query: Totara refuses names that are not lower snake_case. */
export const INTROSPECTION_OPERATION_NAME = 'introspection_query';

/**
 * The standard introspection query, named so that Totara accepts it.
 *
 * @example
 * ```ts
 * const result = await client.request(INTROSPECTION_QUERY, {}, { operationName: INTROSPECTION_OPERATION_NAME });
 * ```
 */
export const INTROSPECTION_QUERY: string = getIntrospectionQuery({ descriptions: true }).replace(
  /^\s*query IntrospectionQuery\b/,
  `query ${INTROSPECTION_OPERATION_NAME}`,
);

/** What {@link introspectSchema} needs of a client: the `request` method of `TotaraClient`. */
export interface IntrospectionClient {
  request(
    document: string,
    variables?: Record<string, never>,
    options?: { operationName?: string; signal?: AbortSignal },
  ): Promise<unknown>;
}

/**
 * Asks a live site for its schema by introspection over the authenticated endpoint. Introspection is off by
 * default on Totara sites: when the site refuses, this throws `totara.schema.introspection_disabled` pointing to
 * the SDL file an admin can provide instead.
 *
 * @example
 * ```ts
 * const client = new TotaraClient({ url, clientId, clientSecret });
 * const { schema } = await introspectSchema(client, { source: url });
 * ```
 */
export async function introspectSchema(
  client: IntrospectionClient,
  options: { signal?: AbortSignal | undefined; source?: string | undefined } = {},
): Promise<LoadedSchema & { introspection: IntrospectionQuery }> {
  const source = options.source ?? '<site>';
  let result: unknown;
  try {
    result = await client.request(
      INTROSPECTION_QUERY,
      {},
      {
        operationName: INTROSPECTION_OPERATION_NAME,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (error) {
    if (isRefusedIntrospection(error)) {
      throw new TotaraSchemaError(
        'totara.schema.introspection_disabled',
        `${source} refused the introspection query: ${(error as Error).message}`,
        {
          hint:
            'Introspection is off by default on Totara sites. Ask a site administrator to enable it in the API settings ' +
            '(Quick-access menu > Development > API), or to give you the schema file of the site (SDL), then use --schema FILE.',
          cause: error,
          details: { url: source },
        },
      );
    }
    throw error;
  }
  const loaded = schemaFromIntrospection(result, source);
  return { ...loaded, introspection: result as IntrospectionQuery };
}

/** Network, timeout, credential and rate-limit failures are not about introspection: they keep their own error. */
function isRefusedIntrospection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = error instanceof MtsError ? error.code : '';
  if (code === 'totara.introspection_disabled' || /introspection|__schema|__type/i.test(error.message))
    return true;
  // A site with response debugging off says only "Internal server error" when it refuses the query.
  return code === 'totara.validation' || code === 'totara.internal';
}

/**
 * A pulled schema as file content: introspection JSON when `path` ends in `.json`, SDL otherwise.
 *
 * @example
 * ```ts
 * await writeFileAtomic('site.graphql', schemaFileContent(loaded, 'site.graphql'));
 * ```
 */
export function schemaFileContent(
  loaded: LoadedSchema & { introspection?: IntrospectionQuery },
  path: string,
): string {
  if (path.toLowerCase().endsWith('.json')) {
    const data = loaded.introspection ?? introspectionFromSchema(loaded.schema);
    return `${JSON.stringify({ data }, null, 2)}\n`;
  }
  return `${printSchema(loaded.schema)}\n`;
}
