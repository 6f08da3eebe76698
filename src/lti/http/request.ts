/**
 * Framework-neutral HTTP shapes of the tool's handlers: a request is a method, a URL, headers and a body; a
 * response is a status, headers and a body. Adapters (node:http, Express, Fastify, Hono...) translate.
 */

/** A request as the tool's handlers take it. */
export interface LtiHttpRequest {
  method: string;
  /** The full URL (or path and query) of the request. */
  url: string | URL;
  /** Header names in any case. */
  headers?: Record<string, string | string[] | undefined> | undefined;
  /** The body of a POST: raw `application/x-www-form-urlencoded` text, parsed pairs or an object. */
  body?: string | URLSearchParams | Record<string, string> | undefined;
}

/** A response as the tool's handlers return it. */
export interface LtiHttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** The header value of `name` (case-insensitive), first one when repeated. */
export function headerValue(request: LtiHttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join('; ') : value;
  }
  return undefined;
}

/** The parameters of a request: the query string of a GET, the form body of a POST (merged over the query). */
export function requestParams(request: LtiHttpRequest): URLSearchParams {
  const url = new URL(String(request.url), 'http://localhost');
  const params = new URLSearchParams(url.searchParams);
  const body = request.body;
  if (request.method.toUpperCase() !== 'GET' && body !== undefined) {
    const form =
      typeof body === 'string'
        ? new URLSearchParams(body)
        : body instanceof URLSearchParams
          ? body
          : new URLSearchParams(body);
    for (const key of new Set(form.keys())) params.set(key, form.get(key) as string);
  }
  return params;
}

/** Cookies of a request as a map. */
export function requestCookies(request: LtiHttpRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = headerValue(request, 'cookie');
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}
