/**
 * The one retry policy of the SDK: exponential backoff with full jitter, `Retry-After` honoured, and only
 * operations that are safe to repeat are ever retried (the caller says which: a Moodle `read` function, a
 * GraphQL query, a GET).
 */

/** How retries are paced. Durations are milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  retries: number;
  /** Base delay of the first retry; doubles with each attempt. */
  minDelayMs: number;
  /** Ceiling of one backoff delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is returned instead. */
  maxRetryAfterMs: number;
  /** HTTP statuses worth another attempt. 429 is retried only with `Retry-After` unless `retry429WithoutRetryAfter`. */
  retryStatuses: readonly number[];
  /** Retry a 429 that carries no `Retry-After` with plain backoff (Totara sends none). */
  retry429WithoutRetryAfter: boolean;
}

/** The defaults: two retries, 250 ms doubling up to 8 s, `Retry-After` up to 60 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 2,
  minDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  retryStatuses: Object.freeze([408, 429, 500, 502, 503, 504]),
  retry429WithoutRetryAfter: false,
});

/** Merges user settings over the defaults; `false` disables retrying. */
export function resolveRetryPolicy(
  ...layers: Array<Partial<RetryPolicy> | false | undefined>
): Readonly<RetryPolicy> {
  let policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const layer of layers) {
    if (layer === false) policy = { ...policy, retries: 0 };
    else if (layer) policy = { ...policy, ...layer };
  }
  return policy;
}

/**
 * Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined | null,
  now = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The backoff before retry number `attempt` (1-based): full jitter over an exponentially growing ceiling. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** What happened on one attempt, as far as retrying is concerned. */
export interface AttemptOutcome {
  /** HTTP status, when a response came back. */
  status?: number | undefined;
  /** Parsed `Retry-After` in milliseconds, if the response had one. */
  retryAfterMs?: number | undefined;
  /** True for a network failure or a timeout (no usable response). */
  networkError?: boolean | undefined;
}

/** Whether to try again, and after how long. */
export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

/**
 * Decides whether attempt number `attempt` (1-based, the one that just failed) is followed by another.
 * `safe` must be true only for operations that may be repeated without harm.
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  outcome: AttemptOutcome,
  safe: boolean,
  random: () => number = Math.random,
): RetryDecision {
  const no = { retry: false, delayMs: 0 };
  if (!safe || attempt > policy.retries) return no;
  if (outcome.networkError) return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
  const status = outcome.status;
  if (status === undefined || !policy.retryStatuses.includes(status)) return no;
  if (outcome.retryAfterMs !== undefined) {
    if (outcome.retryAfterMs > policy.maxRetryAfterMs) return no;
    return { retry: true, delayMs: outcome.retryAfterMs };
  }
  if (status === 429 && !policy.retry429WithoutRetryAfter) return no;
  return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
}

/** Waits `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
