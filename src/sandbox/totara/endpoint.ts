/**
 * The sandbox's `/api/graphql.php`, answering as a real Totara 17.3 does, in the order it checks: only POST (HTTP
 * 400 otherwise); the bearer token (scheme case-sensitive; a missing, invalid or expired one is a masked internal
 * error with HTTP 200); the client's and the site's complexity points in a sliding window (HTTP 429 "Too many
 * requests", no Retry-After, `Connection: close`); a JSON body whatever its content type (else "request cannot be
 * empty"); each operation's request shape (`queryId`, a missing query, an operationName not lower snake_case, one bad
 * item refusing a whole batch); then the operations themselves (see `execute.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { OPERATION_NAME_PATTERN } from '../../totara/rules.js';
import { readBody, sendJson } from '../http.js';
import type { SandboxSite } from './data.js';
import { type RunSettings, runOperation } from './execute.js';
import type { SandboxTokenStore } from './oauth.js';
import { formatValue, rootResolvers, typeResolvers } from './resolvers.js';
import { type Formatted, internalError, withErrorString } from './responses.js';

export type { ResponseDebug } from './responses.js';

/** The endpoint's limits and switches (they can be changed while it runs, as an admin would). */
export interface EndpointSettings extends RunSettings {
  /** Points the API client may spend per window (`client_rate_limit`). */
  rateLimitPoints: number;
  /** Points the whole site may spend per window (`site_rate_limit`). */
  siteRateLimitPoints: number;
  rateLimitWindowMs: number;
}

/** Counters for tests and benches. */
export interface EndpointStats {
  /** HTTP requests received. */
  requests: number;
  /** Operations executed. */
  operations: number;
  /** Complexity points spent in the current window. */
  pointsInWindow: number;
  /** Requests answered with HTTP 429. */
  rateLimited: number;
}

const MISSING_HEADER =
  'The request did not contain the required Authorization header. Ensure you set the header in your request and that it is not being stripped by your server or proxy configuration.';
const BAD_TOKEN =
  'Missing, expired or invalid access token. Ensure the Authorization header is set to a valid Bearer token.';
const EMPTY = 'Invalid request, request cannot be empty';

/** One GraphQL endpoint over one site. */
export class SandboxGraphQLEndpoint {
  readonly settings: EndpointSettings;
  readonly #schema: GraphQLSchema;
  readonly #tokens: SandboxTokenStore;
  readonly #resolver: GraphQLFieldResolver<unknown, unknown>;
  readonly #spent: Array<{ at: number; points: number }> = [];
  #requests = 0;
  #operations = 0;
  #rateLimited = 0;

  constructor(
    schema: GraphQLSchema,
    site: SandboxSite,
    tokens: SandboxTokenStore,
    settings: EndpointSettings,
  ) {
    this.#schema = schema;
    this.#tokens = tokens;
    this.settings = settings;
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
    return {
      requests: this.#requests,
      operations: this.#operations,
      pointsInWindow: this.#pointsInWindow(),
      rateLimited: this.#rateLimited,
    };
  }

  #pointsInWindow(): number {
    const since = Date.now() - this.settings.rateLimitWindowMs;
    while (this.#spent.length > 0 && (this.#spent[0] as { at: number }).at <= since) this.#spent.shift();
    return this.#spent.reduce((sum, s) => sum + s.points, 0);
  }

  /** Forgets the points spent so far (a new window). */
  resetWindow(): void {
    this.#spent.length = 0;
  }

  /** Handles one HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#requests++;
    const body = (await readBody(req)).toString('utf8');
    const debug = this.settings.responseDebug;
    if (req.method !== 'POST') {
      const message = 'Invalid webapi request, only POST method is allowed';
      return this.#send(res, 400, withErrorString({ errors: [{ message }] }));
    }
    const auth = req.headers.authorization;
    if (auth === undefined || auth === '')
      return this.#send(res, 200, withErrorString({ errors: [internalError(debug, MISSING_HEADER)] }));
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!token || !this.#tokens.valid(token))
      return this.#send(res, 200, withErrorString({ errors: [internalError(debug, BAD_TOKEN)] }));
    // The client's limit and the site's are one window here (one client); the smaller one bites first.
    const limit = Math.min(this.settings.rateLimitPoints, this.settings.siteRateLimitPoints);
    if (this.#pointsInWindow() >= limit) {
      this.#rateLimited++;
      return this.#send(res, 429, withErrorString({ errors: [{ message: 'Too many requests' }] }), {
        connection: 'close',
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const batch = Array.isArray(parsed);
    const requests = (batch ? parsed : [parsed]) as unknown[];
    const empty = (value: unknown) =>
      !value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0;
    if (requests.length === 0 || requests.some(empty))
      return this.#send(res, 200, withErrorString({ errors: [internalError(debug, EMPTY)] }));
    const refusal = requests.map((r) => requestProblem(r as Record<string, unknown>)).find((p) => p);
    if (refusal) return this.#send(res, 200, withErrorString({ errors: [internalError(debug, refusal)] }));
    const results: Formatted[] = [];
    let spent = 0;
    for (const request of requests as Array<Record<string, unknown>>) {
      this.#operations++;
      const outcome = runOperation(
        this.#schema,
        this.#resolver,
        {
          query: request.query as string,
          operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
          variables: variablesOf(request.variables),
        },
        this.settings,
      );
      spent += outcome.cost;
      results.push(outcome.result);
    }
    if (spent > 0) this.#spent.push({ at: Date.now(), points: spent });
    this.#send(res, 200, batch ? results : withErrorString(results[0] as Formatted));
  }

  #send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    sendJson(res, status, value, {
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store, no-cache, must-revalidate, post-check=0, pre-check=0',
      ...headers,
    });
  }
}

/** Why Totara refuses one item of a request before running anything, or undefined. */
function requestProblem(request: Record<string, unknown>): string | undefined {
  if (request.queryId !== undefined) return 'Invalid request, we do not support standard persistent queries';
  if (typeof request.query !== 'string' || request.query === '') return 'Query parameter is missing';
  const name = request.operationName;
  if (name !== undefined && name !== null && name !== 'IntrospectionQuery') {
    if (typeof name !== 'string' || !OPERATION_NAME_PATTERN.test(name))
      return 'Invalid request, validation of operationName failed';
  }
  return undefined;
}

/** `variables` as Totara reads them: an object, a JSON-encoded object, or nothing. */
function variablesOf(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
