import { readFile } from 'node:fs/promises';
import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoUnusedFragmentsRule,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  Source,
  specifiedRules,
  validate,
} from 'graphql';
import { queryDepth } from '../complexity.js';
import { MAX_QUERY_DEPTH, operationNameProblem } from '../rules.js';
import { TotaraSchemaError } from './errors.js';
import { displayPath, expandGlobs } from './glob.js';

/** One parsed `.graphql` file of the user's. */
export interface SourceDocument {
  /** The path as shown in messages (relative to the working directory when under it). */
  path: string;
  document: DocumentNode;
}

/** One problem found in a document: file, line, column and what is wrong. */
export interface DocumentProblem {
  path: string;
  line: number;
  column: number;
  message: string;
  /** The operation concerned, when there is one. */
  operation?: string | undefined;
}

/** The operations and fragments of a set of documents, checked and indexed by name. */
export interface OperationSet {
  operations: Array<{ node: OperationDefinitionNode; path: string }>;
  fragments: Map<string, { node: FragmentDefinitionNode; path: string }>;
}

/**
 * Parses document text, naming the file in every position so that errors read `file:line:column`.
 *
 * @example
 * ```ts
 * const doc = parseDocument('query my_users { core_user_users { total } }', 'ops/users.graphql');
 * ```
 */
export function parseDocument(text: string, path: string): SourceDocument {
  try {
    return { path, document: parse(new Source(text, path)) };
  } catch (error) {
    const location = error instanceof GraphQLError ? error.locations?.[0] : undefined;
    throw new TotaraSchemaError(
      'totara.document.parse',
      `${path}:${location?.line ?? 1}:${location?.column ?? 1}: ${(error as Error).message.replace(/^Syntax Error: /, 'syntax error: ')}`,
      {
        hint: 'Fix the GraphQL syntax at that line.',
        cause: error,
        details: { path, line: location?.line ?? 1 },
      },
    );
  }
}

/**
 * Reads and parses every file matching the patterns (see {@link expandGlobs}).
 *
 * @example
 * ```ts
 * const documents = await readDocuments(['src/**\/*.graphql']);
 * ```
 */
export async function readDocuments(
  patterns: readonly string[],
  cwd: string = process.cwd(),
): Promise<SourceDocument[]> {
  const files = await expandGlobs(patterns, cwd);
  if (files.length === 0) {
    throw new TotaraSchemaError('totara.document.none', `No document matches ${patterns.join(', ')}.`, {
      hint: 'Quote the pattern so the shell does not expand it, e.g. --documents "src/**/*.graphql".',
      details: { path: patterns.join(', ') },
    });
  }
  const out: SourceDocument[] = [];
  for (const file of files) out.push(parseDocument(await readFile(file, 'utf8'), displayPath(file, cwd)));
  return out;
}

/** Unused fragments are fine: users keep fragment libraries; each operation carries only what it uses. */
const RULES = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/**
 * Finds every problem of the documents against the schema: graphql-js validation, Totara's operation name rule
 * (lower snake_case, named) and its depth limit. Problems carry file, line and column.
 *
 * @example
 * ```ts
 * for (const p of findDocumentProblems(schema, documents)) console.log(`${p.path}:${p.line} ${p.message}`);
 * ```
 */
export function findDocumentProblems(
  schema: GraphQLSchema,
  documents: readonly SourceDocument[],
): DocumentProblem[] {
  const combined: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: documents.flatMap((d) => d.document.definitions),
  };
  const problems: DocumentProblem[] = [];
  for (const error of validate(schema, combined, RULES)) problems.push(problemOf(error));
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of combined.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  for (const definition of combined.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const where = positionOf(definition);
    const nameProblem = operationNameProblem(definition.name?.value);
    if (nameProblem) problems.push({ ...where, message: nameProblem, operation: definition.name?.value });
    const depth = queryDepth(definition.selectionSet, fragments);
    if (depth > MAX_QUERY_DEPTH) {
      problems.push({
        ...where,
        operation: definition.name?.value,
        message: `Operation nests ${depth} levels deep; Totara refuses more than ${MAX_QUERY_DEPTH}.`,
      });
    }
  }
  return problems.sort((a, b) =>
    a.path === b.path ? a.line - b.line || a.column - b.column : a.path < b.path ? -1 : 1,
  );
}

/**
 * Checks the documents and indexes their operations and fragments; throws one {@link TotaraSchemaError}
 * (`totara.document.invalid`, or `totara.document.operation_name` when only names are wrong) listing every problem.
 *
 * @example
 * ```ts
 * const { operations } = checkDocuments(schema, await readDocuments(['ops/*.graphql']));
 * ```
 */
export function checkDocuments(schema: GraphQLSchema, documents: readonly SourceDocument[]): OperationSet {
  const problems = findDocumentProblems(schema, documents);
  if (problems.length > 0) {
    const onlyNames = problems.every((p) => /lower snake_case|has no name/.test(p.message));
    const lines = problems.slice(0, 20).map((p) => `  ${p.path}:${p.line}:${p.column} ${p.message}`);
    if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more`);
    throw new TotaraSchemaError(
      onlyNames ? 'totara.document.operation_name' : 'totara.document.invalid',
      `${problems.length} problem(s) in the operation documents:\n${lines.join('\n')}`,
      {
        hint: onlyNames
          ? 'Totara refuses operations whose name is not lower snake_case: rename them as suggested.'
          : 'Fix the operations against the schema (field names, arguments, variables), then run again.',
        details: { path: problems[0]?.path, line: problems[0]?.line, problems },
      },
    );
  }
  return indexDocuments(documents);
}

/**
 * The operations and fragments of the documents, without checking them.
 *
 * @example
 * ```ts
 * const { operations } = indexDocuments([parseDocument(text, 'ops.graphql')]);
 * ```
 */
export function indexDocuments(documents: readonly SourceDocument[]): OperationSet {
  const operations: OperationSet['operations'] = [];
  const fragments: OperationSet['fragments'] = new Map();
  for (const { path, document } of documents) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) operations.push({ node: definition, path });
      else if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments.set(definition.name.value, { node: definition, path });
    }
  }
  return { operations, fragments };
}

/**
 * The fragments an operation uses, directly or through other fragments, in first-use order.
 *
 * @example
 * ```ts
 * const set = indexDocuments(documents);
 * const sent = { kind: Kind.DOCUMENT, definitions: [op, ...fragmentsUsedBy(op, set.fragments)] };
 * ```
 */
export function fragmentsUsedBy(
  root: OperationDefinitionNode | FragmentDefinitionNode,
  fragments: ReadonlyMap<string, { node: FragmentDefinitionNode }>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)?.node;
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          visit(fragment.selectionSet);
        }
      } else if (selection.selectionSet) visit(selection.selectionSet);
    }
  };
  visit(root.selectionSet);
  return [...used.values()];
}

/**
 * Where a definition starts: its file (the `Source` name), line and column.
 *
 * @example
 * ```ts
 * const { path, line } = positionOf(operation); // 'ops/users.graphql', 3
 * ```
 */
export function positionOf(node: DefinitionNode): { path: string; line: number; column: number } {
  const loc = node.loc;
  if (!loc) return { path: '<document>', line: 1, column: 1 };
  const before = loc.source.body.slice(0, loc.start);
  const line = before.split('\n').length;
  return { path: loc.source.name, line, column: loc.start - before.lastIndexOf('\n') };
}

function problemOf(error: GraphQLError): DocumentProblem {
  const node = error.nodes?.[0];
  const source = node?.loc?.source;
  const location = error.locations?.[0];
  return {
    path: source?.name ?? '<document>',
    line: location?.line ?? 1,
    column: location?.column ?? 1,
    message: error.message,
  };
}
