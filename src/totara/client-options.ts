/** The options of {@link TotaraClient} and of its calls, and what its batches and waits report. */
import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../core/retry.js';
import type { TotaraError } from './errors.js';
import type { TotaraDocument } from './operation.js';
import type { TotaraSchemaOption } from './validate.js';

/** Why the client is about to wait, and for how long (milliseconds). */
export interface TotaraWaitEvent {
  /**
   * `rate_limited`: Totara answered HTTP 429 and the client waits out its window before the one retry of a query;
   * `rate_window`: the points this client spent in the window leave no room for the next request yet.
   */
  reason: 'rate_limited' | 'rate_window';
  waitMs: number;
  operationName: string;
}

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
  /** Retry pacing of network errors and 5xx for queries (mutations are never retried), or false to never retry. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
  /**
   * The schema every operation is checked against before it is sent: the shipped Totara 17.3 external schema by
   * default, or the site's own (a `GraphQLSchema`, SDL or introspection text such as the `schemaSdl` written by
   * `mts codegen totara`, or `{ file }` saved by `mts totara schema pull`). `false` sends operations unchecked:
   * Totara itself does not validate, so a misspelt field then comes back silently missing.
   */
  schema?: TotaraSchemaOption | undefined;
  /** The site's complexity limit per request (`max_query_complexity`), used to size pages. Default 6,000. */
  maxComplexity?: number | undefined;
  /** Complexity points the API client may spend per window (`client_rate_limit`). Default 250,000. */
  rateLimitPoints?: number | undefined;
  /** Length of Totara's sliding rate-limit window. Default 60,000. */
  rateLimitWindowMs?: number | undefined;
  /** On HTTP 429, wait out the window and send a query once more (never a mutation). Default true. */
  waitOnRateLimit?: boolean | undefined;
  /** Told before every wait the client decides on (rate limit, own pacing), so a CLI can say so. */
  onWait?: ((event: TotaraWaitEvent) => void) | undefined;
}

/** Every key of {@link TotaraClientOptions}: others are refused. */
export const CLIENT_OPTION_KEYS = [
  'url',
  'clientId',
  'clientSecret',
  'dispatcher',
  'timeoutMs',
  'retry',
  'userAgent',
  'schema',
  'maxComplexity',
  'rateLimitPoints',
  'rateLimitWindowMs',
  'waitOnRateLimit',
  'onWait',
] as const;

/** Per-call options of {@link TotaraClient.request}. */
export interface TotaraRequestOptions {
  /** The operation to run when the document holds several; must be lower snake_case. */
  operationName?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number | undefined;
  /** `false` sends this operation without checking it against the schema (Totara will not check it either). */
  validate?: boolean | undefined;
}

/** Per-call options of {@link TotaraClient.batch}. */
export interface TotaraBatchOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** `false` sends the operations without checking them against the schema. */
  validate?: boolean | undefined;
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
