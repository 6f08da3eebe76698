/** A node:http adapter for an {@link LtiTool}: login, launch and JWKS routes in one request listener. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LtiLaunch } from '../claims.js';
import { errorResponse } from '../launch/handle.js';
import type { LtiTool } from '../tool.js';
import type { LtiHttpRequest, LtiHttpResponse } from './request.js';

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /** Default `/login`. */
  loginPath?: string | undefined;
  /** Default `/launch`. */
  launchPath?: string | undefined;
  /** Default `/jwks`. */
  jwksPath?: string | undefined;
  /** Renders the tool's page for a validated launch: an HTML string or a full response. */
  onLaunch(
    launch: LtiLaunch,
    request: LtiHttpRequest,
  ): Promise<string | LtiHttpResponse> | string | LtiHttpResponse;
  /** Called for other paths; default 404. */
  fallback?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Largest request body read. Default 256 KiB. */
  maxBodyBytes?: number | undefined;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: LtiHttpResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/**
 * A node:http request listener serving the tool's login, launch and JWKS URLs.
 *
 * @example
 * ```ts
 * createServer(createNodeHandler(tool, { onLaunch: (launch) => `<h1>Hello ${launch.user.name}</h1>` })).listen(8090);
 * ```
 */
export function createNodeHandler(
  tool: LtiTool,
  options: NodeHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const loginPath = options.loginPath ?? '/login';
  const launchPath = options.launchPath ?? '/launch';
  const jwksPath = options.jwksPath ?? '/jwks';
  const limit = options.maxBodyBytes ?? 256 * 1024;
  return async (req, res) => {
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = req.method ?? 'GET';
    const route = [loginPath, launchPath, jwksPath].includes(url.pathname) ? url.pathname : undefined;
    if (!route) {
      if (options.fallback) options.fallback(req, res);
      else send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' });
      return;
    }
    const body = method === 'POST' ? await readBody(req, limit) : undefined;
    if (method === 'POST' && body === undefined) {
      send(res, { status: 413, headers: { 'content-type': 'text/plain' }, body: 'Request body too large' });
      return;
    }
    const request: LtiHttpRequest = { method, url: url.toString(), headers: req.headers, body };
    try {
      if (route === jwksPath) return send(res, tool.jwksResponse());
      if (route === loginPath) return send(res, await tool.login(request));
      const { launch, headers } = await tool.launch(request);
      const page = await options.onLaunch(launch, request);
      const response: LtiHttpResponse =
        typeof page === 'string'
          ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page }
          : page;
      send(res, { ...response, headers: { ...headers, ...response.headers } });
    } catch (error) {
      send(res, errorResponse(error, request));
    }
  };
}
