/**
 * Totara's own rules for its external GraphQL API, in one place so that the client and the codegen check the same
 * things.
 */

/**
 * An `operationName` sent in the request body must be lower snake_case, or Totara refuses the request ("validation
 * of operationName failed"); `IntrospectionQuery` is the one exception.
 */
export const OPERATION_NAME_PATTERN: RegExp = /^[a-z][a-z0-9_]+$/;

/** Most complexity points one request may cost on a default site. */
export const MAX_QUERY_COMPLEXITY = 6_000;

/** Deepest nesting one request may have on a default site, counted as Totara counts it (see `queryDepth`). */
export const MAX_QUERY_DEPTH = 15;

/** Points Totara charges for each field of `Query` resolved (`query_resolver::cost_per_call`). */
export const QUERY_FIELD_COST = 5;

/** Points Totara charges for each field of `Mutation` resolved (`mutation_resolver::cost_per_call`). */
export const MUTATION_FIELD_COST = 10;

/** Points Totara charges for each field of a type with a type resolver (`type_resolver::cost_per_call`). */
export const TYPE_FIELD_COST = 1;

/** Complexity points one client may spend in a sliding 60 s window by default. */
export const CLIENT_RATE_LIMIT_POINTS = 250_000;

/** Complexity points the whole site may spend in a sliding 60 s window by default. */
export const SITE_RATE_LIMIT_POINTS = 500_000;

/** Length of the rate limit's sliding window, in milliseconds. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Why an operation name breaks Totara's rule, or undefined when it is fine. */
export function operationNameProblem(name: string | undefined | null): string | undefined {
  if (name === undefined || name === null || name === '') {
    return 'The operation has no name; Totara requires a lower snake_case operation name (e.g. query my_users { ... }).';
  }
  if (!OPERATION_NAME_PATTERN.test(name)) {
    let suggestion = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_]/g, '_')
      .toLowerCase()
      .replace(/^[^a-z]+/, '');
    // the pattern wants two characters at least: "x" becomes "x_query", not "x" again
    if (suggestion !== '' && !OPERATION_NAME_PATTERN.test(suggestion)) suggestion = `${suggestion}_query`;
    const why = /^[a-z]$/.test(name) ? 'is a single letter' : 'is not lower snake_case';
    return `Operation name "${name}" ${why} (Totara wants ^[a-z][a-z0-9_]+$) and would be refused. Try "${suggestion || 'my_query'}".`;
  }
  return undefined;
}
