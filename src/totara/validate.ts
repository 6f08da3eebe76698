/**
 * Checking an operation against the site's schema before it is sent. Totara skips GraphQL validation: an unknown
 * field comes back silently missing (`{}` when nothing else was selected), an unknown query or a mutation inside a
 * query as `data: []`, unknown arguments and undeclared variables are ignored, and a mutation still writes. So the
 * client applies the standard rules itself, with graphql-js's did-you-mean suggestions, plus Totara's depth limit.
 */
import {
  buildSchema,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  getVariableValues,
  isObjectType,
  NoUnusedFragmentsRule,
  type OperationDefinitionNode,
  specifiedRules,
  validate,
} from 'graphql';
import { fragmentsOf, queryDepth } from './complexity.js';
import { TotaraComplexityError, TotaraValidationError } from './errors.js';
import { schemaSdl } from './generated/schema.js';
import type { PreparedOperation } from './operation.js';
import { MAX_QUERY_DEPTH } from './rules.js';
import { loadSchemaFile, loadSchemaText } from './schema/load.js';

/**
 * The schema operations are checked against: the shipped Totara 17.3 external schema (the default), the site's own
 * (a `GraphQLSchema`, SDL or introspection JSON text such as the `schemaSdl` that `mts codegen totara` writes, or
 * `{ file }` as saved by `mts totara schema pull`), or `false` to send operations unchecked.
 */
export type TotaraSchemaOption = GraphQLSchema | string | { file: string } | false;

/** Fragments a user keeps in a library are fine: each operation sends only what it uses. */
const RULES = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

let shipped: GraphQLSchema | undefined;

/** The Totara 17.3 external schema the package ships, built on first use. */
export function shippedSchema(): GraphQLSchema {
  shipped ??= buildSchema(schemaSdl, { assumeValidSDL: true });
  return shipped;
}

/** One problem of an operation: what is wrong and where in the document. */
export interface OperationProblem {
  message: string;
  /** For a selection nested too deep: how deep, as Totara counts. */
  depth?: number | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/** Checks operations against one schema, caching the verdict per document. */
export class OperationChecker {
  readonly #option: TotaraSchemaOption | undefined;
  #schema: Promise<GraphQLSchema | undefined> | undefined;
  #loaded: GraphQLSchema | undefined;
  readonly #verdicts = new WeakMap<DocumentNode, DocumentProblem[]>();

  constructor(option: TotaraSchemaOption | undefined) {
    this.#option = option;
  }

  /** A name for the schema in messages. */
  get source(): string {
    const option = this.#option;
    if (option === undefined) return 'the Totara 17.3 external schema';
    if (option === false) return 'no schema';
    if (typeof option === 'string') return "the site's schema";
    return 'file' in option ? option.file : "the site's schema";
  }

  /** The schema (undefined when checking is off), loaded once. */
  schema(): Promise<GraphQLSchema | undefined> {
    this.#schema ??= this.#load();
    return this.#schema;
  }

  /** The schema when it can be had without waiting (all but a file not read yet). */
  schemaNow(): GraphQLSchema | undefined {
    const option = this.#option;
    if (this.#loaded || option === false) return this.#loaded;
    if (option !== undefined && typeof option === 'object' && 'file' in option) return undefined;
    this.#loaded = this.#sync(option);
    return this.#loaded;
  }

  #sync(option: Exclude<TotaraSchemaOption, false | { file: string }> | undefined): GraphQLSchema {
    if (option === undefined) return shippedSchema();
    if (typeof option === 'string') return loadSchemaText(option, 'schema option').schema;
    return option;
  }

  async #load(): Promise<GraphQLSchema | undefined> {
    const option = this.#option;
    if (option === false) return undefined;
    this.#loaded =
      typeof option === 'object' && 'file' in option
        ? (await loadSchemaFile(option.file)).schema
        : (this.#loaded ?? this.#sync(option));
    return this.#loaded;
  }

  /**
   * Throws `TotaraValidationError` (`totara.invalid_operation`) when the operation or its variables do not fit the
   * schema; `scrub` masks the variable values graphql-js quotes.
   */
  async check(
    op: PreparedOperation,
    variables: Record<string, unknown>,
    scrub: (text: string) => string,
  ): Promise<void> {
    const schema = await this.schema();
    if (!schema) return;
    let problems = this.#verdicts.get(op.document);
    if (!problems) {
      problems = documentProblems(schema, op.document);
      this.#verdicts.set(op.document, problems);
    }
    const own = problems.filter((p) => p.operation === undefined || p.operation === op.operationName);
    const found: OperationProblem[] = own.map(({ operation: _operation, ...problem }) => problem);
    if (own.length === 0) {
      const coerced = getVariableValues(schema, op.definition.variableDefinitions ?? [], variables, {
        maxErrors: 20,
      });
      if ('errors' in coerced && coerced.errors)
        found.push(...coerced.errors.map((e) => ({ ...located(e), message: scrub(e.message) })));
    }
    if (found.length === 0) return;
    const deep = found.find((p) => p.depth !== undefined);
    if (deep && found.length === 1) {
      throw new TotaraComplexityError(
        'totara.depth',
        `"${op.operationName}" ${deep.message.replace(/^The operation /, '')} It was not sent.`,
        {
          operationName: op.operationName,
          hint: 'Flatten the selection: fetch nested objects with a separate query.',
          details: { max: MAX_QUERY_DEPTH, depth: deep.depth },
        },
      );
    }
    const lines = found.slice(0, 10).map((p) => `  ${p.line ? `${p.line}:${p.column} ` : ''}${p.message}`);
    throw new TotaraValidationError(
      'totara.invalid_operation',
      `"${op.operationName}" does not fit ${this.source}; it was not sent:\n${lines.join('\n')}`,
      {
        operationName: op.operationName,
        hint:
          'Totara does not check operations itself: an unknown field comes back silently missing, an unknown query as `data: []`, and a mutation still writes. ' +
          'Fix the names (see the suggestions); if the site’s schema differs from 17.3, give it (`schema` option, `mts totara schema pull`); pass `validate: false` only to send unchecked on purpose.',
        details: { problems: found },
      },
    );
  }
}

interface DocumentProblem extends OperationProblem {
  /** The operation the problem belongs to, when it is within one. */
  operation?: string | undefined;
}

function located(error: GraphQLError): OperationProblem {
  const at = error.locations?.[0];
  return { message: error.message, line: at?.line, column: at?.column };
}

/** Every problem of a document against `schema`, each tied to its operation when it has one. */
function documentProblems(schema: GraphQLSchema, document: DocumentNode): DocumentProblem[] {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );
  const owner = (error: GraphQLError): string | undefined => {
    const start = error.nodes?.[0]?.loc?.start;
    if (start === undefined) return undefined;
    return operations.find((op) => op.loc && op.loc.start <= start && start < op.loc.end)?.name?.value;
  };
  const out: DocumentProblem[] = validate(schema, document, RULES).map((error) => ({
    ...located(error),
    message: withRootHint(schema, error.message),
    operation: owner(error),
  }));
  const fragments = fragmentsOf(document);
  for (const op of operations) {
    const depth = queryDepth(op.selectionSet, fragments);
    if (depth > MAX_QUERY_DEPTH)
      out.push({
        message: `The operation nests ${depth} levels deep; Totara refuses more than ${MAX_QUERY_DEPTH}.`,
        depth,
        line: op.loc?.startToken.line,
        column: op.loc?.startToken.column,
        operation: op.name?.value,
      });
  }
  return out;
}

/** A query field asked for in a mutation (or the reverse) is worth saying so: Totara answers it with `data: []`. */
function withRootHint(schema: GraphQLSchema, message: string): string {
  const match = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(message);
  if (!match) return message;
  const [, field, parent] = match;
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const other = parent === query?.name ? mutation : parent === mutation?.name ? query : undefined;
  if (other && isObjectType(other) && field && other.getFields()[field])
    return `${message} It is a ${other === mutation ? 'mutation' : 'query'}: write \`${other === mutation ? 'mutation' : 'query'} name { ${field} ... }\`.`;
  return message;
}
