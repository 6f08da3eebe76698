/**
 * Totara's wire format, owned here: each request body is encoded once (one `JSON.stringify`, operation names
 * included) and each answer read and decoded once (one `JSON.parse`), on our {@link Transport}. graphql-request is
 * not in this path: Totara's answers step outside the GraphQL-over-HTTP shape it models (`data: []`, a top-level
 * `error` string, a whole batch answered by one error object, JSON sent as `text/html`), so wrapping it meant
 * encoding and decoding every body twice and parsing its failures a third time.
 */
import type { RedactedRequest } from '../core/errors.js';
import { readText, type Transport } from '../core/transport.js';

/** One operation as it goes over the wire. */
export interface WireOperation {
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** One GraphQL result as received: `data` (an object, or Totara's `[]`) and the raw `errors[]`. */
export interface RawResult {
  data?: unknown;
  errors?: unknown;
}

/** What came back for one request. */
export interface WireAnswer {
  status: number;
  /** One result per operation, in order; undefined when the server answered the request as a whole. */
  results: RawResult[] | undefined;
  /** The one result that answered the whole request (a refused batch, a non-2xx status with a GraphQL body). */
  whole: RawResult | undefined;
  /** The body, when it was not GraphQL JSON (for messages; never parsed again). */
  text: string | undefined;
  request: RedactedRequest;
}

/** How one request is sent. */
export interface WireOptions {
  accessToken: string;
  /** True when every operation is a query: only then may the transport retry. */
  safe: boolean;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Posts operations to Totara's GraphQL endpoint: one operation as an object, a batch as an array. The transport
 * retries queries on network errors and 5xx as its policy allows; 429 is left to the caller, which knows Totara's
 * window.
 */
export async function postOperations(
  transport: Transport,
  endpoint: string,
  operations: readonly WireOperation[],
  batched: boolean,
  options: WireOptions,
): Promise<WireAnswer> {
  const body = JSON.stringify(batched ? operations : operations[0]);
  const response = await transport.request({
    method: 'POST',
    url: endpoint,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${options.accessToken}`,
    },
    body,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    idempotent: options.safe,
    retry: options.safe
      ? { retryStatuses: transport.retryPolicy.retryStatuses.filter((status) => status !== 429) }
      : false,
  });
  const text = await readText(response);
  return { status: response.status, ...decode(text, batched), request: response.request };
}

function decode(text: string, batched: boolean): Pick<WireAnswer, 'results' | 'whole' | 'text'> {
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed)) return { results: parsed as RawResult[], whole: undefined, text: undefined };
  if (parsed && typeof parsed === 'object') {
    const object = parsed as Record<string, unknown>;
    if (Array.isArray(object.errors) || 'data' in object) {
      const result = { data: object.data, errors: object.errors };
      return batched
        ? { results: undefined, whole: result, text: undefined }
        : { results: [result], whole: undefined, text: undefined };
    }
    if (typeof object.error === 'string')
      return { results: undefined, whole: { errors: [{ message: object.error }] }, text: undefined };
  }
  return { results: undefined, whole: undefined, text };
}
