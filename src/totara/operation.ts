/**
 * Preparing one operation for Totara: the document as text, which operation runs, whether it writes, and Totara's
 * naming rule checked before anything is sent.
 */
import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { InputError } from '../core/errors.js';
import type { BuiltDocument } from './builder/types.js';
import { operationNameProblem } from './rules.js';
import type { TypedDocument } from './typed-document.js';

/** What the client sends: a document as text or AST (typed or not, from codegen or the builder). */
export type TotaraDocument<R = Record<string, unknown>, V = Record<string, unknown>> =
  | string
  | DocumentNode
  | TypedDocument<R, V>
  | BuiltDocument<R, V>;

/** An operation ready to send. */
export interface PreparedOperation {
  /** The full document text. */
  query: string;
  /** The parsed document. */
  document: DocumentNode;
  /** The operation that runs (checked against Totara's naming rule). */
  operationName: string;
  /** The operation's definition. */
  definition: OperationDefinitionNode;
  /** True for a mutation (never retried). */
  isMutation: boolean;
}

const textCache = new Map<string, DocumentNode>();

function toDocument(document: TotaraDocument<unknown, unknown>): DocumentNode {
  if (typeof document !== 'string') {
    if (document && typeof document === 'object' && (document as DocumentNode).kind === Kind.DOCUMENT)
      return document as DocumentNode;
    // A boxed String (codegen's TypedDocumentString) is text.
    return toDocument(String(document));
  }
  const cached = textCache.get(document);
  if (cached) return cached;
  let parsed: DocumentNode;
  try {
    parsed = parse(document);
  } catch (error) {
    const where = error instanceof GraphQLError && error.locations?.[0];
    throw new InputError(
      'totara.document_syntax',
      `The GraphQL document does not parse: ${(error as Error).message}`,
      {
        hint: 'Fix the document text; `mts codegen totara` checks documents against the schema too.',
        cause: error,
        details: where ? { line: where.line, column: where.column } : undefined,
      },
    );
  }
  if (textCache.size > 500) textCache.clear();
  textCache.set(document, parsed);
  return parsed;
}

/**
 * Picks the operation to run and checks it against Totara's rules: the name (given, or the document's only
 * operation's) must be lower snake_case. Throws an {@link InputError} before any request is made.
 *
 * @example
 * ```ts
 * prepareOperation('query listUsers { totara_webapi_status { status } }');
 * // throws InputError totara.operation_name: ... Try "list_users".
 * ```
 */
export function prepareOperation(
  document: TotaraDocument<unknown, unknown>,
  operationName?: string | undefined,
): PreparedOperation {
  const ast = toDocument(document);
  const operations = ast.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length === 0) {
    throw new InputError('totara.no_operation', 'The GraphQL document holds no query or mutation.', {
      hint: 'Write an operation such as `query my_status { totara_webapi_status { status } }`.',
    });
  }
  let definition: OperationDefinitionNode | undefined;
  if (operationName !== undefined) {
    definition = operations.find((op) => op.name?.value === operationName);
    if (!definition) {
      throw new InputError(
        'totara.unknown_operation',
        `The document has no operation named "${operationName}".`,
        {
          hint: `Operations in the document: ${operations.map((op) => op.name?.value ?? '(anonymous)').join(', ')}.`,
          details: { operationName },
        },
      );
    }
  } else if (operations.length > 1) {
    throw new InputError(
      'totara.ambiguous_operation',
      'The document holds several operations; say which one to run.',
      {
        hint: `Pass { operationName } with one of: ${operations.map((op) => op.name?.value ?? '(anonymous)').join(', ')}.`,
      },
    );
  } else {
    definition = operations[0] as OperationDefinitionNode;
  }
  const name = operationName ?? definition.name?.value;
  const problem = operationNameProblem(name);
  if (problem) {
    throw new InputError('totara.operation_name', problem, {
      hint: 'Totara refuses operations whose name is missing or not lower snake_case; rename it (query list_users { ... }).',
      details: { operationName: name ?? null },
    });
  }
  if (definition.operation === 'subscription') {
    throw new InputError('totara.subscription', `"${name}" is a subscription; Totara's API has none.`, {
      details: { operationName: name },
    });
  }
  const query = typeof document === 'string' ? document : print(ast);
  return {
    query,
    document: ast,
    operationName: name as string,
    definition,
    isMutation: definition.operation === 'mutation',
  };
}
