/**
 * The sandbox's `/api/graphql.php`: Totara's external endpoint rules over graphql-js. Bearer token, lower
 * snake_case operation names, no persisted queries, introspection off unless enabled, depth and complexity limits,
 * a sliding-window points budget answered with 429 (no Retry-After), batching, and Totara's error shapes
 * (HTTP 200, "Internal server error" with a debugMessage unless the response debug level is NONE).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
  visit,
} from 'graphql';
import { fragmentsOf, operationCost, selectionDepth } from '../../totara/complexity.js';
import { OPERATION_NAME_PATTERN } from '../../totara/rules.js';
import { readBody, sendJson } from '../http.js';
import type { SandboxSite } from './data.js';
import type { SandboxTokenStore } from './oauth.js';
import { formatValue, rootResolvers, typeResolvers } from './resolvers.js';

/** How much detail errors carry, as the API client's "response debug" setting. */
export type ResponseDebug = 'none' | 'normal' | 'developer';

/** The endpoint's limits and switches. */
export interface EndpointSettings {
  introspection: boolean;
  responseDebug: ResponseDebug;
  maxComplexity: number;
  maxDepth: number;
  rateLimitPoints: number;
  rateLimitWindowMs: number;
}

type Formatted = Record<string, unknown>;
type OperationOutcome = { result: Formatted } | { rateLimited: true };

/** Counters for tests and benches. */
export interface EndpointStats {
  /** HTTP requests received. */
  requests: number;
  /** Operations executed. */
  operations: number;
  /** Complexity points spent in the current window. */
  pointsInWindow: number;
}

/** One GraphQL endpoint over one site. */
export class SandboxGraphQLEndpoint {
  readonly #schema: GraphQLSchema;
  readonly #tokens: SandboxTokenStore;
  readonly #settings: EndpointSettings;
  readonly #resolver: GraphQLFieldResolver<unknown, unknown>;
  readonly #spent: Array<{ at: number; points: number }> = [];
  #requests = 0;
  #operations = 0;

  constructor(
    schema: GraphQLSchema,
    site: SandboxSite,
    tokens: SandboxTokenStore,
    settings: EndpointSettings,
  ) {
    this.#schema = schema;
    this.#tokens = tokens;
    this.#settings = settings;
    const roots = rootResolvers(site);
    const types = typeResolvers(site);
    this.#resolver = (source, args, context, info) => {
      const parent = info.parentType.name;
      if (parent === 'Query' || parent === 'Mutation') {
        const root = roots[info.fieldName];
        if (!root) throw new Error(`${info.fieldName} is not implemented by the sandbox.`);
        return root(source, args, context, info);
      }
      const custom = types[parent]?.[info.fieldName] as ((s: unknown) => unknown) | undefined;
      const value = custom ? custom(source) : (source as Record<string, unknown> | null)?.[info.fieldName];
      return formatValue(value, (args as { format?: unknown }).format);
    };
  }

  /** Counters so far. */
  stats(): EndpointStats {
    return { requests: this.#requests, operations: this.#operations, pointsInWindow: this.#pointsInWindow() };
  }

  #pointsInWindow(): number {
    const since = Date.now() - this.#settings.rateLimitWindowMs;
    while (this.#spent.length > 0 && (this.#spent[0] as { at: number }).at < since) this.#spent.shift();
    return this.#spent.reduce((sum, s) => sum + s.points, 0);
  }

  /** Handles one HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#requests++;
    const body = (await readBody(req)).toString('utf8');
    if (req.method !== 'POST') {
      this.#send(res, 405, { errors: [{ message: 'The external API takes POST requests only.' }] });
      return;
    }
    const auth = String(req.headers.authorization ?? '');
    if (auth === '') {
      this.#send(
        res,
        200,
        this.#internal(
          'The request did not contain the required Authorization header. Ensure you set the header in your request and that it is not being stripped by your server or proxy configuration.',
        ),
      );
      return;
    }
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token || !this.#tokens.valid(token)) {
      this.#send(
        res,
        200,
        this.#internal(
          'Missing, expired or invalid access token. Ensure the Authorization header is set to a valid Bearer token.',
        ),
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.#send(res, 200, this.#internal('Invalid request: the body is not JSON.'));
      return;
    }
    const batch = Array.isArray(parsed);
    const operations = (batch ? parsed : [parsed]) as unknown[];
    if (operations.length === 0) {
      this.#send(res, 200, this.#internal('Invalid request: empty batch.'));
      return;
    }
    const results: Formatted[] = [];
    for (const operation of operations) {
      const outcome = this.#run(operation);
      if ('rateLimited' in outcome) {
        this.#send(res, 429, { errors: [{ message: 'Too many requests' }] });
        return;
      }
      results.push(outcome.result);
    }
    this.#send(res, 200, batch ? results : (results[0] as Formatted));
  }

  #send(res: ServerResponse, status: number, value: Formatted | Formatted[]): void {
    // Totara repeats the messages as a top-level `error` string (for its older AJAX clients).
    const withLegacy = (r: Formatted) =>
      Array.isArray(r.errors) && r.errors.length > 0 && r.error === undefined
        ? { ...r, error: (r.errors as Array<{ message: string }>).map((e) => e.message).join('\n') }
        : r;
    sendJson(res, status, Array.isArray(value) ? value.map(withLegacy) : withLegacy(value));
  }

  #internal(debugMessage: string): Formatted {
    const extensions: Formatted = { category: 'internal' };
    if (this.#settings.responseDebug !== 'none') extensions.debugMessage = debugMessage;
    return { errors: [{ message: 'Internal server error', extensions }] };
  }

  #graphqlError(message: string, locations?: unknown): Formatted {
    return {
      errors: [{ message, extensions: { category: 'graphql' }, ...(locations ? { locations } : {}) }],
    };
  }

  #run(raw: unknown): OperationOutcome {
    const params = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const query = params.query;
    if (typeof query !== 'string' || query.trim() === '') {
      const persisted =
        params.queryId !== undefined || (params.extensions as Formatted | undefined)?.persistedQuery;
      return {
        result:
          persisted || params.operationName
            ? this.#graphqlError('Persisted queries are not supported by this server')
            : this.#graphqlError(
                'GraphQL Request must include at least one of those two parameters: "query" or "queryId"',
              ),
      };
    }
    const operationName = params.operationName;
    if (typeof operationName !== 'string' || !OPERATION_NAME_PATTERN.test(operationName)) {
      return {
        result: this.#internal(
          `Invalid operationName "${String(operationName ?? '')}": the external API requires a lower snake_case operation name.`,
        ),
      };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      const e = error as GraphQLError;
      return { result: this.#graphqlError(e.message, e.locations) };
    }
    if (!this.#settings.introspection && usesIntrospection(document)) {
      return {
        result: this.#graphqlError(
          'GraphQL introspection is not allowed, but the query contained __schema or __type',
        ),
      };
    }
    const problems = validate(this.#schema, document);
    if (problems.length > 0) {
      return { result: { errors: problems.map((p) => formatClientSafe(p)) } };
    }
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION && d.name?.value === operationName,
    );
    if (!operation) return { result: this.#graphqlError(`Unknown operation named "${operationName}".`) };
    const depth = selectionDepth(operation.selectionSet, fragmentsOf(document));
    if (depth > this.#settings.maxDepth) {
      return {
        result: this.#graphqlError(`Max query depth should be ${this.#settings.maxDepth} but got ${depth}.`),
      };
    }
    const variables = (
      params.variables && typeof params.variables === 'object' ? params.variables : {}
    ) as Record<string, unknown>;
    const cost = operationCost(operation, document, variables);
    if (cost > this.#settings.maxComplexity) {
      return {
        result: this.#graphqlError(
          `Max query complexity should be ${this.#settings.maxComplexity} but got ${cost}.`,
        ),
      };
    }
    if (this.#pointsInWindow() + cost > this.#settings.rateLimitPoints) return { rateLimited: true };
    this.#spent.push({ at: Date.now(), points: cost });
    this.#operations++;
    const result = execute({
      schema: this.#schema,
      document,
      operationName,
      variableValues: variables,
      fieldResolver: this.#resolver,
    }) as { data?: unknown; errors?: readonly GraphQLError[] };
    const out: Formatted = {};
    if (result.errors?.length) out.errors = result.errors.map((e) => this.#format(e));
    if (result.data !== undefined && result.data !== null) out.data = result.data;
    else if (!out.errors) out.data = null;
    return { result: out };
  }

  #format(error: GraphQLError): Formatted {
    const original = error.originalError;
    if (!original || original.name === 'GraphQLError') return formatClientSafe(error);
    const extensions: Formatted = { category: 'internal' };
    if (this.#settings.responseDebug !== 'none') extensions.debugMessage = original.message;
    if (this.#settings.responseDebug === 'developer')
      extensions.trace = [{ call: error.path?.join('.') ?? '' }];
    return {
      message: 'Internal server error',
      extensions,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
    };
  }
}

function formatClientSafe(error: GraphQLError): Formatted {
  return {
    message: error.message,
    extensions: { category: 'graphql' },
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
}

function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}
