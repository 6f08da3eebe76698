/**
 * Sending prepared operations through graphql-request (on our transport, see fetch.ts) and reading what came back,
 * without ever keeping graphql-request's own error text, which quotes the request's variables.
 */
import { GraphQLClient } from 'graphql-request';
import { MtsError } from '../core/errors.js';
import type { Transport } from '../core/transport.js';
import { type FetchCall, transportFetch } from './fetch.js';
import type { PreparedOperation } from './operation.js';

/** One GraphQL result as received: `data` and the raw `errors[]`. */
export interface RawResult {
  data?: unknown;
  errors?: unknown;
}

/**
 * Sends one operation or a batch; returns one raw result per operation, or a single result when the server
 * answered the whole request with one failure (an auth error for a batch, a non-2xx status), or none when the
 * body is not GraphQL at all. `call` is filled with the status, body and redacted request.
 */
export async function sendOperations(
  transport: Transport,
  endpoint: string,
  call: FetchCall,
  ops: PreparedOperation[],
  variables: Record<string, unknown>[],
  batched: boolean,
): Promise<RawResult[]> {
  const gql = new GraphQLClient(endpoint, { fetch: transportFetch(transport, call), errorPolicy: 'all' });
  try {
    if (!batched) {
      const op = ops[0] as PreparedOperation;
      const response = await gql.rawRequest<unknown, Record<string, unknown>>({
        query: op.query,
        variables: variables[0],
      });
      return [{ data: response.data, errors: response.errors }];
    }
    const data = (await gql.batchRequests(
      ops.map((op, i) => ({ document: op.query, variables: variables[i] })),
    )) as unknown;
    if (Array.isArray(data)) return data as RawResult[];
  } catch (error) {
    if (error instanceof MtsError) throw error;
    // graphql-request's own errors quote the request (variables included): keep none of their text.
  }
  return decodeBody(call.bodyText);
}

/** Reads a response body ourselves when graphql-request could not (non-2xx, a single result for a batch). */
function decodeBody(text: string | undefined): RawResult[] {
  if (text === undefined || text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (Array.isArray(parsed)) return parsed as RawResult[];
  if (parsed && typeof parsed === 'object') {
    const body = parsed as Record<string, unknown>;
    if (Array.isArray(body.errors) || 'data' in body) return [{ data: body.data, errors: body.errors }];
    if (typeof body.error === 'string') return [{ errors: [{ message: body.error }] }];
  }
  return [];
}
