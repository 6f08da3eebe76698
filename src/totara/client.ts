/**
 * The Totara GraphQL client: OAuth2 client credentials, every operation checked against the site's schema before it
 * is sent, answers read the way Totara means them, requests paced by the complexity points they really cost.
 */

import type { GraphQLSchema } from 'graphql';
import { assertKnownOptions, ConfigError, TransportError } from '../core/errors.js';
import { sleep } from '../core/retry.js';
import { excerpt, Transport } from '../core/transport.js';
import { assertComplete, complexityContext } from './answer.js';
import {
  CLIENT_OPTION_KEYS,
  type TotaraBatchOperation,
  type TotaraBatchOptions,
  type TotaraBatchResult,
  type TotaraClientOptions,
  type TotaraRequestOptions,
  type TotaraWaitEvent,
} from './client-options.js';
import { estimateCost, measuredCost } from './complexity.js';
import { authFailure, totaraErrorFromResponse } from './error-map.js';
import { readGraphQLErrors, scrubberFor, type TotaraError, type TotaraGraphQLError } from './errors.js';
import { type PreparedOperation, prepareOperation, type TotaraDocument } from './operation.js';
import {
  paginate,
  type RunResult,
  type TotaraPaginateOptions,
  type TotaraPaginator,
} from './pages/paginate.js';
import { RateWindow } from './rate.js';
import { CLIENT_RATE_LIMIT_POINTS, MAX_QUERY_COMPLEXITY, RATE_LIMIT_WINDOW_MS } from './rules.js';
import { type TotaraAccessToken, TotaraTokenSource } from './token.js';
import { OperationChecker } from './validate.js';
import { postOperations, type RawResult, type WireAnswer } from './wire.js';

/**
 * A client of Totara's external GraphQL API (`/api/graphql.php`, Totara 17+).
 *
 * @example
 * ```ts
 * const totara = new TotaraClient({ url, clientId, clientSecret });
 * const { totara_webapi_status } = await totara.request('query status_check { totara_webapi_status { status } }');
 * for await (const user of totara.paginate(USERS_QUERY)) console.log(user.username);
 * ```
 */
export class TotaraClient {
  /** The site's wwwroot, without a trailing slash. */
  readonly url: string;
  /** The GraphQL endpoint. */
  readonly endpoint: string;
  /** The OAuth2 client id. */
  readonly clientId: string;
  /** Complexity limit used to size pages. */
  readonly maxComplexity: number;
  readonly #transport: Transport;
  readonly #tokens: TotaraTokenSource;
  readonly #checker: OperationChecker;
  readonly #rate: RateWindow;
  readonly #waitOnRateLimit: boolean;
  readonly #onWait: ((event: TotaraWaitEvent) => void) | undefined;

  constructor(options: TotaraClientOptions) {
    assertKnownOptions('TotaraClient', options, CLIENT_OPTION_KEYS);
    for (const key of ['url', 'clientId', 'clientSecret'] as const) {
      if (typeof options?.[key] !== 'string' || options[key] === '') {
        throw new ConfigError('totara.missing_option', `TotaraClient needs "${key}".`, {
          hint: 'Pass { url, clientId, clientSecret } or set MTS_TOTARA_URL, MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET.',
          details: { path: key },
        });
      }
    }
    let parsed: URL;
    try {
      parsed = new URL(options.url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch (error) {
      throw new ConfigError('totara.invalid_url', `"${options.url}" is not an http(s) URL.`, {
        hint: 'Give the Totara wwwroot, e.g. https://learn.example.org.',
        cause: error,
        details: { path: 'url' },
      });
    }
    this.url = `${parsed.origin}${parsed.pathname}`
      .replace(/\/+$/, '')
      .replace(/\/api(\/graphql\.php)?$/, '');
    this.endpoint = `${this.url}/api/graphql.php`;
    this.clientId = options.clientId;
    this.maxComplexity = options.maxComplexity ?? MAX_QUERY_COMPLEXITY;
    this.#transport = new Transport({
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      userAgent: options.userAgent,
    });
    this.#tokens = new TotaraTokenSource(this.#transport, this.url, options.clientId, options.clientSecret);
    this.#checker = new OperationChecker(options.schema);
    this.#rate = new RateWindow(
      options.rateLimitPoints ?? CLIENT_RATE_LIMIT_POINTS,
      options.rateLimitWindowMs ?? RATE_LIMIT_WINDOW_MS,
    );
    this.#waitOnRateLimit = options.waitOnRateLimit ?? true;
    this.#onWait = options.onWait;
  }

  /**
   * A valid access token: cached until shortly before it expires, fetched once however many calls wait.
   *
   * @example
   * ```ts
   * const { expiresAt } = await totara.token();
   * ```
   */
  token(options: { signal?: AbortSignal | undefined } = {}): Promise<TotaraAccessToken> {
    assertKnownOptions('TotaraClient.token', options, ['signal']);
    return this.#tokens.get(options.signal);
  }

  /** How many token requests this client has sent (diagnostics). */
  get tokenRequests(): number {
    return this.#tokens.fetchCount;
  }

  /**
   * The schema operations are checked against (undefined when checking is off).
   *
   * @example
   * ```ts
   * const schema = await totara.schema();
   * console.log(Object.keys(schema?.getQueryType()?.getFields() ?? {}));
   * ```
   */
  schema(): Promise<GraphQLSchema | undefined> {
    return this.#checker.schema();
  }

  /**
   * Runs one query or mutation and resolves with its `data`. The operation is checked before anything is sent:
   * its name against Totara's lower snake_case rule, its fields, arguments and variables against the schema. A
   * query is retried on network errors and 5xx, and once after waiting out Totara's window on HTTP 429; a
   * mutation never is. Failures reject with a {@link TotaraError} subclass.
   *
   * @example
   * ```ts
   * const data = await totara.request(
   *   'query list_users($query: core_user_users_query) { core_user_users(query: $query) { items { id } total next_cursor } }',
   *   { query: { pagination: { limit: 10 } } },
   * );
   * ```
   */
  async request<R = Record<string, unknown>, V extends Record<string, unknown> = Record<string, unknown>>(
    document: TotaraDocument<R, V>,
    variables?: V,
    options: TotaraRequestOptions = {},
  ): Promise<R> {
    assertKnownOptions('TotaraClient.request', options, ['operationName', 'signal', 'timeoutMs', 'validate']);
    const op = prepareOperation(document as TotaraDocument<unknown, unknown>, options.operationName);
    const [result] = await this.#run([op], [variables ?? {}], options, false);
    if (!result) throw new Error('unreachable: no result');
    if (!result.ok) throw result.error;
    return result.data as R;
  }

  /**
   * Sends several operations in one HTTP request (Totara's batching) and resolves with one result per
   * operation, in order. Each is checked like {@link request}; the batch is retried only when all are queries.
   *
   * @example
   * ```ts
   * const [status, users] = await totara.batch([
   *   { document: 'query status_check { totara_webapi_status { status } }' },
   *   { document: USERS_QUERY, variables: { query: { pagination: { limit: 5 } } } },
   * ]);
   * if (users.ok) console.log(users.data);
   * ```
   */
  async batch(
    operations: readonly TotaraBatchOperation[],
    options: TotaraBatchOptions = {},
  ): Promise<TotaraBatchResult[]> {
    assertKnownOptions('TotaraClient.batch', options, ['signal', 'timeoutMs', 'validate']);
    if (!Array.isArray(operations) || operations.length === 0) return [];
    const ops = operations.map((o, i) => {
      assertKnownOptions(`TotaraClient.batch operation ${i}`, o, ['document', 'variables', 'operationName']);
      return prepareOperation(o.document, o.operationName);
    });
    const results = await this.#run(
      ops,
      operations.map((o) => o.variables ?? {}),
      options,
      true,
    );
    return results.map(({ cost: _cost, ...result }) => result as TotaraBatchResult);
  }

  /**
   * Iterates over every item of a paged query (`items`, `total`, `next_cursor`). Each page is sized by what the
   * previous ones really cost, to stay under the site's complexity limit, and requests wait for room in Totara's
   * rate window instead of running into HTTP 429.
   *
   * @example
   * ```ts
   * const users = await totara
   *   .paginate('query all_users($query: core_user_users_query) { core_user_users(query: $query) { items { id username } } }')
   *   .toArray({ limit: 500 });
   * ```
   */
  paginate<Item = Record<string, unknown>>(
    document: TotaraDocument<unknown, unknown>,
    variables?: Record<string, unknown>,
    options?: TotaraPaginateOptions,
  ): TotaraPaginator<Item> {
    return paginate<Item>(
      {
        maxComplexity: this.maxComplexity,
        ratePoints: this.#rate.points,
        schemaNow: () => this.#checker.schemaNow(),
        schema: () => this.#checker.schema(),
        run: async (op, vars, runOptions) => {
          const [result] = await this.#run([op], [vars], runOptions, false);
          if (!result) throw new Error('unreachable: no result');
          return result;
        },
      },
      document,
      variables,
      options,
    );
  }

  async #run(
    ops: PreparedOperation[],
    variables: Record<string, unknown>[],
    options: TotaraBatchOptions,
    batched: boolean,
  ): Promise<RunResult[]> {
    const scrub = scrubberFor(variables);
    if (options.validate !== false)
      for (const [i, op] of ops.entries()) await this.#checker.check(op, variables[i] ?? {}, scrub);
    const schema = await this.#checker.schema();
    const mutation = ops.some((op) => op.isMutation);
    const names = ops.map((op) => op.operationName);
    const estimate = ops.reduce(
      (sum, op, i) =>
        sum +
        Math.min(
          this.maxComplexity,
          estimateCost(op.definition, op.document, { schema, variables: variables[i] }),
        ),
      0,
    );
    const wire = ops.map((op, i) => ({
      query: op.query,
      operationName: op.operationName,
      variables: variables[i] ?? {},
    }));
    let waitedMs = 0;
    let refreshed = false;
    for (;;) {
      await this.#pace(estimate, names[0] as string, options.signal);
      const token = await this.#tokens.get(options.signal);
      const answer = await postOperations(this.#transport, this.endpoint, wire, batched, {
        accessToken: token.accessToken,
        safe: !mutation,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      if (answer.status === 429) {
        const operationName = batched ? undefined : names[0];
        if (mutation || !this.#waitOnRateLimit || waitedMs > 0) {
          throw totaraErrorFromResponse({
            operationName,
            status: 429,
            errors: readGraphQLErrors(answer.whole?.errors ?? answer.results?.[0]?.errors, scrub),
            request: answer.request,
            rateLimit: { waitedMs, windowMs: this.#rate.windowMs, mutation },
          });
        }
        this.#onWait?.({
          reason: 'rate_limited',
          waitMs: this.#rate.windowMs,
          operationName: names[0] as string,
        });
        await sleep(this.#rate.windowMs, options.signal);
        waitedMs += this.#rate.windowMs;
        continue;
      }
      const results = answer.results?.length === ops.length ? answer.results : undefined;
      const read = (results ?? [answer.whole ?? {}]).map((r: RawResult) => ({
        data: r.data,
        errors: readGraphQLErrors(r.errors, scrub),
      }));
      const refused =
        answer.status === 401 ||
        read.every((r) => authFailure(r.errors, r.data !== undefined && r.data !== null) !== undefined);
      if (refused && !refreshed) {
        // Totara says "Internal server error" for a bad token: one fresh token, then the error stands.
        this.#tokens.invalidate(token.accessToken);
        refreshed = true;
        continue;
      }
      const fail = (errors: TotaraGraphQLError[], i: number | undefined) =>
        totaraErrorFromResponse({
          operationName: i === undefined ? (batched ? undefined : names[0]) : names[i],
          status: answer.status,
          errors,
          afterRefresh: refreshed,
          request: answer.request,
          complexity:
            i === undefined
              ? undefined
              : complexityContext(
                  ops[i] as PreparedOperation,
                  errors,
                  schema,
                  this.maxComplexity,
                  variables[i] ?? {},
                ),
        });
      if (!results || answer.status < 200 || answer.status >= 300) {
        const errors = read.flatMap((r) => r.errors);
        if (errors.length === 0 && answer.status >= 200 && answer.status < 300)
          throw this.#unexpected(answer, scrub);
        throw fail(errors, batched ? undefined : 0);
      }
      return results.map((_, i) => this.#outcome(ops[i] as PreparedOperation, read[i], i, schema, fail));
    }
  }

  #outcome(
    op: PreparedOperation,
    read: { data: unknown; errors: TotaraGraphQLError[] } | undefined,
    i: number,
    schema: GraphQLSchema | undefined,
    fail: (errors: TotaraGraphQLError[], i: number) => TotaraError,
  ): RunResult {
    const operationName = op.operationName;
    const errors = read?.errors ?? [];
    const ranOut = errors.some((e) => e.category === 'query_complexity');
    const cost = ranOut ? this.maxComplexity : measuredCost(op.definition, op.document, read?.data, schema);
    this.#rate.record(cost);
    // Partial data is never success: Totara's answers carry errors only when something was lost.
    if (errors.length > 0) return { ok: false, error: fail(errors, i), operationName, cost };
    try {
      assertComplete(op, read?.data ?? {}, this.#checker.source);
    } catch (error) {
      return { ok: false, error: error as TotaraError, operationName, cost };
    }
    return { ok: true, data: read?.data ?? {}, operationName, cost };
  }

  /** Waits until `points` fit in this client's own view of the rate window. */
  async #pace(points: number, operationName: string, signal: AbortSignal | undefined): Promise<void> {
    const wait = this.#rate.delayFor(points);
    if (wait <= 0) return;
    this.#onWait?.({ reason: 'rate_window', waitMs: wait, operationName });
    await sleep(wait, signal);
  }

  #unexpected(answer: WireAnswer, scrub: (text: string) => string): TransportError {
    return new TransportError(
      'totara.unexpected_response',
      `${this.endpoint} answered HTTP ${answer.status} with a body that is not a GraphQL result: ${excerpt(scrub(answer.text ?? ''))}`,
      {
        hint: 'Check that the URL is the Totara wwwroot and that the site runs Totara 17 or later.',
        status: answer.status,
        request: answer.request,
      },
    );
  }
}
