/** One authorised call to an LTI Advantage service: bearer token, status and JSON checks, one retry on 401. */
import { TransportError } from '../../core/errors.js';
import { excerpt, readText, type Transport } from '../../core/transport.js';
import { ltiError } from '../errors.js';
import { type LtiPages, nextLink, pages } from './paging.js';
import type { ServiceTokenProvider } from './token.js';

/** What every service client shares. */
export interface ServiceContext {
  tokens: ServiceTokenProvider;
  transport: Transport;
  moodle: boolean;
}

/** One service request. */
export interface ServiceCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  scopes: readonly string[];
  accept?: string | undefined;
  contentType?: string | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/** The answer of a service. */
export interface ServiceAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. */
  json: unknown;
}

/** Appends a path segment to a service URL, keeping its query (`.../lineitem?type_id=1` → `.../lineitem/scores?type_id=1`). */
export function appendPath(url: string, segment: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/$/, '')}/${segment}`;
  return parsed.toString();
}

/** Sends a service call with the bearer token of its scopes; a 401 renews the token and tries once more. */
export async function callService(ctx: ServiceContext, call: ServiceCall): Promise<ServiceAnswer> {
  for (let attempt = 1; ; attempt++) {
    const token = await ctx.tokens.get(call.scopes, call.signal);
    const headers: Record<string, string> = { authorization: `Bearer ${token.accessToken}` };
    if (call.accept) headers.accept = call.accept;
    if (call.body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    let status: number;
    let text: string;
    let responseHeaders: ServiceAnswer['headers'];
    try {
      const response = await ctx.transport.request({
        method: call.method,
        url: call.url,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        idempotent: call.method === 'GET',
        signal: call.signal,
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await readText(response, 32 * 1024 * 1024);
    } catch (error) {
      if (error instanceof TransportError)
        throw ltiError(
          'service',
          'lti.service_http_error',
          `The service at ${call.url} failed: ${error.message}`,
          {
            moodle: ctx.moodle,
            cause: error,
            request: error.request,
            vars: { status: error.code, url: call.url },
          },
        );
      throw error;
    }
    if (status === 401 && attempt === 1) {
      ctx.tokens.invalidate(call.scopes);
      continue;
    }
    if (status < 200 || status >= 300)
      throw ltiError(
        'service',
        'lti.service_http_error',
        `${call.method} ${call.url} answered HTTP ${status}: ${excerpt(text, 160)}`,
        {
          moodle: ctx.moodle,
          vars: { status, url: call.url },
          details: { status, url: call.url },
        },
      );
    if (text.trim() === '') return { status, headers: responseHeaders, json: undefined };
    try {
      return { status, headers: responseHeaders, json: JSON.parse(text) };
    } catch {
      throw ltiError('service', 'lti.service_response_invalid', `${call.url} did not answer JSON.`, {
        moodle: ctx.moodle,
        vars: { url: call.url, detail: excerpt(text, 80) },
      });
    }
  }
}

/** A paged GET of a service: every page fetched by {@link callService}, parsed by `parse`, followed by `Link: rel="next"`. */
export function servicePages<Item>(
  ctx: ServiceContext,
  firstUrl: string,
  call: Pick<ServiceCall, 'scopes' | 'accept' | 'signal'>,
  parse: (json: unknown, url: string) => Item[],
): LtiPages<Item> {
  return pages(firstUrl, async (url) => {
    const answer = await callService(ctx, { ...call, method: 'GET', url });
    return { items: parse(answer.json, url), next: nextLink(answer.headers.link, url) };
  });
}
