/**
 * The `fetch` graphql-request is given: every request goes through our {@link Transport} (deadlines, dispatcher,
 * the one retry policy, redaction), the bearer token is added here so graphql-request never sees it, and the
 * operation names Totara requires are written into the body (graphql-request leaves them out of batches).
 */

import type { RedactedRequest } from '../core/errors.js';
import type { Transport } from '../core/transport.js';
import { readText } from '../core/transport.js';

/** What one call through {@link transportFetch} needs and what it leaves behind for error reports. */
export interface FetchCall {
  accessToken: string;
  /** Operation names in body order (one for a single operation). */
  operationNames: string[];
  /** True when every operation is a query: only then are retries allowed. */
  safe: boolean;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Filled in after the response: its status, body text and the redacted request. */
  status?: number;
  bodyText?: string;
  request?: RedactedRequest;
}

/** A fetch-compatible function bound to one call. */
export function transportFetch(transport: Transport, call: FetchCall): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const body = withOperationNames(typeof init?.body === 'string' ? init.body : '', call.operationNames);
    const response = await transport.request({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${call.accessToken}`,
      },
      body,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      idempotent: call.safe,
      // Totara sends 429 without Retry-After: for queries, back off anyway.
      retry: call.safe ? { retry429WithoutRetryAfter: true } : false,
    });
    const text = await readText(response);
    call.status = response.status;
    call.bodyText = text;
    call.request = response.request;
    const headers = new Headers();
    const type = response.headers['content-type'];
    headers.set('content-type', typeof type === 'string' ? type : 'application/json');
    return new Response(response.status === 204 ? null : text, { status: response.status, headers });
  }) as typeof fetch;
}

function withOperationNames(body: string, names: string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (Array.isArray(parsed)) {
    parsed.forEach((entry, i) => {
      if (entry && typeof entry === 'object' && names[i])
        (entry as Record<string, unknown>).operationName = names[i];
    });
  } else if (parsed && typeof parsed === 'object' && names[0]) {
    (parsed as Record<string, unknown>).operationName = names[0];
  }
  return JSON.stringify(parsed);
}
