/**
 * One operation as Totara 17.3 runs it. No GraphQL validation: unknown fields are dropped from the answer (`{}` when
 * nothing known was selected), an unknown root field or a mutation inside a query leaves `data` as Totara's empty
 * PHP array `[]`, unknown arguments and undeclared variables are ignored, and a mutation selecting only unknown
 * fields still runs. What Totara does check: syntax, introspection when it is off, the depth limit up front,
 * variable coercion, and complexity while the query runs (each field resolved after the budget is spent fails with
 * `query_complexity`, and a failing non-null field takes the whole `data` with it).
 */
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  visit,
} from 'graphql';
import { fieldCost, fragmentsOf, queryDepth } from '../../totara/complexity.js';
import {
  complexityError,
  type Formatted,
  graphqlError,
  internalError,
  type ResponseDebug,
  requestError,
} from './responses.js';
import { variableProblems } from './variables.js';

/** The endpoint's limits and switches for one operation. */
export interface RunSettings {
  introspection: boolean;
  responseDebug: ResponseDebug;
  maxComplexity: number;
  maxDepth: number;
}

/** What running one operation gave: the answer, and the complexity points it spent. */
export interface RunOutcome {
  result: Formatted;
  cost: number;
}

/** Thrown by the metering resolver once the budget is spent. */
class ComplexityExceeded extends Error {}

function introspectionField(document: DocumentNode): { line: number; column: number } | undefined {
  let found: { line: number; column: number } | undefined;
  visit(document, {
    Field(node) {
      if (!found && (node.name.value === '__schema' || node.name.value === '__type')) {
        const at = node.loc?.startToken;
        found = at ? { line: at.line, column: at.column } : { line: 1, column: 1 };
      }
    },
  });
  return found;
}

function chooseOperation(
  document: DocumentNode,
  name: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (name === undefined) return operations.length === 1 ? operations[0] : undefined;
  return operations.find((op) => op.name?.value === name);
}

/** Runs one operation of a request against `schema` with `resolver`, metering its cost. */
export function runOperation(
  schema: GraphQLSchema,
  resolver: GraphQLFieldResolver<unknown, unknown>,
  request: { query: string; operationName: string | undefined; variables: Record<string, unknown> },
  settings: RunSettings,
): RunOutcome {
  const none = (result: Formatted): RunOutcome => ({ result, cost: 0 });
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const e = error as GraphQLError;
    // graphql-php words syntax errors as graphql-js does, without the final full stop.
    return none({ errors: [graphqlError(e.message.replace(/\.$/, ''), { locations: e.locations })] });
  }
  const introspection = introspectionField(document);
  if (!settings.introspection && introspection)
    return none({
      errors: [graphqlError('GraphQL introspection is not enabled.', { locations: [introspection] })],
    });
  const operation = chooseOperation(document, request.operationName);
  if (!operation) return none({ errors: [requestError('Failed to determine operation type')] });
  const depth = queryDepth(operation.selectionSet, fragmentsOf(document));
  if (depth > settings.maxDepth)
    return none({
      errors: [graphqlError(`Max query depth should be ${settings.maxDepth} but got ${depth}.`)],
    });
  const problems = variableProblems(schema, operation.variableDefinitions ?? [], request.variables);
  if (problems.length > 0)
    return none({
      errors: problems.map((p) =>
        p.internal
          ? internalError(settings.responseDebug, p.message, { locations: p.locations })
          : graphqlError(p.message, { locations: p.locations }),
      ),
    });

  const roots = { query: schema.getQueryType()?.name, mutation: schema.getMutationType()?.name };
  let cost = 0;
  const metered: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    cost += fieldCost(info.parentType.name, roots);
    if (cost > settings.maxComplexity) throw new ComplexityExceeded();
    return resolver(source, args, context, info);
  };
  let outcome: { data?: unknown; errors?: readonly GraphQLError[] };
  try {
    outcome = execute({
      schema,
      document,
      operationName: operation.name?.value,
      variableValues: request.variables,
      fieldResolver: metered,
    }) as typeof outcome;
  } catch (error) {
    return { result: { errors: [internalError(settings.responseDebug, (error as Error).message)] }, cost };
  }
  const result: Formatted = {};
  if (outcome.errors?.length) result.errors = outcome.errors.map((e) => formatError(e, settings));
  if (outcome.data !== null && outcome.data !== undefined) {
    // PHP encodes an empty result array as [] at the top (nested empty objects become {}).
    result.data = Object.keys(outcome.data as object).length === 0 ? [] : outcome.data;
  }
  return { result, cost };
}

function formatError(error: GraphQLError, settings: RunSettings): Formatted {
  const where = { locations: error.locations, path: error.path };
  const original = error.originalError;
  if (original instanceof ComplexityExceeded) return complexityError(settings.maxComplexity, where);
  if (!original || original.name === 'GraphQLError') return graphqlError(error.message, where);
  return internalError(settings.responseDebug, original.message, where);
}
