import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown inside a handler to answer with an HTTP status (413 for an oversized body, ...). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body, refusing more than `limitBytes` (default 32 MiB) with a 413. */
export async function readBody(req: IncomingMessage, limitBytes = 32 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new HttpStatusError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Reads an `application/x-www-form-urlencoded` body (or the query string of a GET) as ordered pairs. */
export async function readForm(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method === 'GET' || req.method === 'HEAD') return new URLSearchParams(url.searchParams);
  const body = (await readBody(req)).toString('utf8');
  return new URLSearchParams(body);
}

/** Sends a JSON body with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends a text or HTML body with the given status. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** A tiny path router: exact paths, or paths with a trailing `*`. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export class Router {
  readonly #exact = new Map<string, RouteHandler>();
  readonly #prefix: Array<[string, RouteHandler]> = [];

  /** Registers a handler for `path` (exact) or `path/*` (prefix). */
  on(path: string, handler: RouteHandler): this {
    if (path.endsWith('*')) this.#prefix.push([path.slice(0, -1), handler]);
    else this.#exact.set(path, handler);
    return this;
  }

  /** Finds the handler of a path. */
  match(pathname: string): RouteHandler | undefined {
    const exact = this.#exact.get(pathname);
    if (exact) return exact;
    let best: [string, RouteHandler] | undefined;
    for (const entry of this.#prefix) {
      if (pathname.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
    }
    return best?.[1];
  }
}
