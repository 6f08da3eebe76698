/**
 * The Totara GraphQL client: OAuth2 client credentials, Totara's rules checked before sending, requests through
 * graphql-request on our undici transport, typed errors, batching and pagination.
 */

import type { Dispatcher } from 'undici';
import { assertKnownOptions, ConfigError, TransportError } from '../core/errors.js';
import type { RetryPolicy } from '../core/retry.js';
import { excerpt, Transport } from '../core/transport.js';
import {
  looksLikeAuthFailure,
  readGraphQLErrors,
  scrubberFor,
  type TotaraError,
  totaraErrorFromResponse,
} from './errors.js';
import type { FetchCall } from './fetch.js';
import { type PreparedOperation, prepareOperation, type TotaraDocument } from './operation.js';
import { paginate, type TotaraPaginateOptions, type TotaraPaginator } from './paginate.js';
import { MAX_QUERY_COMPLEXITY } from './rules.js';
import { sendOperations } from './send.js';
import { type TotaraAccessToken, TotaraTokenSource } from './token.js';
import type { TypedDocument } from './typed-document.js';

/** Options of a {@link TotaraClient}. Durations are milliseconds. */
export interface TotaraClientOptions {
  /** The Totara wwwroot, e.g. `https://learn.example.org` (sub-path included, no trailing `/api`). */
  url: string;
  /** OAuth2 client id of the API client (Site administration > Development > API > Clients). */
  clientId: string;
  /** OAuth2 client secret (kept private and masked everywhere). */
  clientSecret: string;
  /** An undici Dispatcher (proxy, custom TLS, fault injection). Defaults to the shared keep-alive pool. */
  dispatcher?: Dispatcher | undefined;
  /** Deadline of one HTTP attempt. Default 30,000. */
  timeoutMs?: number | undefined;
  /** Retry pacing for queries (mutations are never retried), or false to never retry. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
  /** The site's complexity limit per request, used to size pages. Default 6,000 (Totara's default). */
  maxComplexity?: number | undefined;
}

const CLIENT_OPTION_KEYS = [
  'url',
  'clientId',
  'clientSecret',
  'dispatcher',
  'timeoutMs',
  'retry',
  'userAgent',
  'maxComplexity',
] as const;

/** Per-call options of {@link TotaraClient.request}. */
export interface TotaraRequestOptions {
  /** The operation to run when the document holds several; must be lower snake_case. */
  operationName?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number | undefined;
}

/** One operation of a {@link TotaraClient.batch}. */
export interface TotaraBatchOperation {
  document: TotaraDocument<unknown, unknown>;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}

/** The outcome of one operation of a batch: its data, or its typed error. */
export type TotaraBatchResult<R = Record<string, unknown>> =
  | { ok: true; data: R; operationName: string }
  | { ok: false; error: TotaraError; operationName: string };

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
   * Runs one query or mutation and resolves with its `data`. The operation name (given, or the document's only
   * operation's) is checked against Totara's lower snake_case rule before anything is sent. Queries are retried
   * on network errors, 5xx and 429; mutations never. Failures reject with a {@link TotaraError} subclass.
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
    document: string | TypedDocument<R, V> | TotaraDocument<R, V>,
    variables?: V,
    options: TotaraRequestOptions = {},
  ): Promise<R> {
    assertKnownOptions('TotaraClient.request', options, ['operationName', 'signal', 'timeoutMs']);
    const op = prepareOperation(document as TotaraDocument<unknown, unknown>, options.operationName);
    const [result] = await this.#execute([op], [variables ?? {}], options, false);
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
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined } = {},
  ): Promise<TotaraBatchResult[]> {
    assertKnownOptions('TotaraClient.batch', options, ['signal', 'timeoutMs']);
    if (!Array.isArray(operations) || operations.length === 0) return [];
    const ops = operations.map((o, i) => {
      assertKnownOptions(`TotaraClient.batch operation ${i}`, o, ['document', 'variables', 'operationName']);
      return prepareOperation(o.document, o.operationName);
    });
    return this.#execute(
      ops,
      operations.map((o) => o.variables ?? {}),
      options,
      true,
    ) as Promise<TotaraBatchResult[]>;
  }

  /**
   * Iterates over every item of a paged query (`items`, `total`, `next_cursor`), fetching pages as needed with a
   * page size chosen to stay under the site's complexity limit.
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
    return paginate<Item>(this, document, variables, options);
  }

  async #execute(
    ops: PreparedOperation[],
    variables: Record<string, unknown>[],
    options: TotaraRequestOptions,
    batched: boolean,
  ): Promise<TotaraBatchResult<unknown>[]> {
    const scrub = scrubberFor(variables);
    const names = ops.map((op) => op.operationName);
    for (let attempt = 0; ; attempt++) {
      const token = await this.#tokens.get(options.signal);
      const call: FetchCall = {
        accessToken: token.accessToken,
        operationNames: names,
        safe: ops.every((op) => !op.isMutation),
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      };
      const raw = await sendOperations(this.#transport, this.endpoint, call, ops, variables, batched);
      const results = raw.map((r) => ({
        data: r.data,
        errors: readGraphQLErrors(r.errors, scrub),
      }));
      const whole = results.length !== ops.length;
      const failed = whole ? results : results.filter((r) => r.errors.length > 0);
      const status = call.status ?? 0;
      const authFailure =
        status === 401 ||
        failed.some((r) => looksLikeAuthFailure(r.errors, r.data !== undefined && r.data !== null));
      if (attempt === 0 && authFailure && (whole || failed.length === results.length)) {
        this.#tokens.invalidate(token.accessToken);
        continue;
      }
      const errorFor = (errors: ReturnType<typeof readGraphQLErrors>, operationName?: string) =>
        totaraErrorFromResponse({
          operationName,
          status,
          errors,
          afterRefresh: attempt > 0,
          request: call.request,
        });
      if (status < 200 || status >= 300 || whole) {
        const errors = results.flatMap((r) => r.errors);
        if (errors.length === 0 && status >= 200 && status < 300) {
          throw new TransportError(
            'totara.unexpected_response',
            `${this.endpoint} answered HTTP ${status} with a body that is not a GraphQL result: ${excerpt(scrub(call.bodyText ?? ''))}`,
            {
              hint: 'Check that the URL is the Totara wwwroot and that the site runs Totara 17 or later.',
              status,
              request: call.request,
            },
          );
        }
        throw errorFor(errors, batched ? undefined : names[0]);
      }
      return results.map((r, i) => {
        const operationName = names[i] as string;
        if (r.errors.length > 0)
          return { ok: false, error: errorFor(r.errors, operationName), operationName };
        return { ok: true, data: (r.data ?? {}) as unknown, operationName };
      });
    }
  }
}
