/**
 * Totara's error bodies, byte for byte in shape: an `internal` error says only "Internal server error", with the
 * real text in a top-level `debugMessage` (left out at response debug level NONE) and a `trace` at DEVELOPER;
 * `graphql`, `request` and `query_complexity` errors say what they are. A single answer repeats the messages in a
 * top-level `error` string (joined by newlines); the items of a batch answer do not.
 */

/** How much detail errors carry, as the API client's "response debug" setting. */
export type ResponseDebug = 'none' | 'normal' | 'developer';

/** One JSON object of an answer. */
export type Formatted = Record<string, unknown>;

/** Where an error happened in the document and in the result. */
export interface ErrorPlace {
  locations?: ReadonlyArray<{ line: number; column: number }> | undefined;
  path?: ReadonlyArray<string | number> | undefined;
}

function place(where: ErrorPlace): Formatted {
  return {
    ...(where.locations?.length
      ? { locations: where.locations.map((l) => ({ line: l.line, column: l.column })) }
      : {}),
    ...(where.path ? { path: where.path } : {}),
  };
}

/** A masked error: "Internal server error", the reason only in `debugMessage`. */
export function internalError(debug: ResponseDebug, debugMessage: string, where: ErrorPlace = {}): Formatted {
  return {
    ...(debug === 'none' ? {} : { debugMessage }),
    message: 'Internal server error',
    extensions: { category: 'internal' },
    ...place(where),
    ...(debug === 'developer'
      ? {
          trace: [
            {
              file: '/var/www/totara/server/totara/webapi/classes/default_resolver.php',
              line: 78,
              call: 'resolve()',
            },
            {
              file: '/var/www/totara/server/totara/webapi/classes/server.php',
              line: 128,
              call: 'process_request()',
            },
          ],
        }
      : {}),
  };
}

/** An error of category `graphql` (syntax, variables, depth, introspection): the message in full. */
export function graphqlError(message: string, where: ErrorPlace = {}): Formatted {
  return { message, extensions: { category: 'graphql' }, ...place(where) };
}

/** An error of category `request`. */
export function requestError(message: string): Formatted {
  return { message, extensions: { category: 'request' } };
}

/** The error of a field resolved after the complexity budget ran out. */
export function complexityError(max: number, where: ErrorPlace): Formatted {
  return {
    message: `Query complexity exceeded maximum allowed complexity of ${max}.`,
    extensions: { category: 'query_complexity' },
    ...place(where),
  };
}

/** A whole answer made of errors. */
export function errorsOnly(...errors: Formatted[]): Formatted {
  return { errors };
}

/** A single (not batched) answer with Totara's top-level `error` string beside `errors`. */
export function withErrorString(result: Formatted): Formatted {
  const errors = result.errors as Array<{ message: string }> | undefined;
  if (!errors?.length) return result;
  return { ...result, error: errors.map((e) => e.message).join('\n') };
}
