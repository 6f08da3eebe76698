/** The captured Dynamic Registration exchanges of `moodle-4.5/lti-dynreg/`, and a platform server for replays. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '../../../src/sandbox/http.js';
import { createLtiPlatform, type LtiPlatformModule } from '../../../src/sandbox/lti/index.js';
import { readFixtureJson } from '../../helpers/fixtures.js';

/** One captured exchange. */
export interface Capture {
  note?: string;
  request: {
    method: string;
    url: string;
    headers: Array<[string, string]>;
    body: string | null;
    body_json?: unknown;
  };
  response: { status: number; headers: Array<[string, string]>; body: string | null; body_json?: unknown };
  decoded_registration_token?: { payload: Record<string, unknown> };
  id_token?: { header: Record<string, unknown>; payload: Record<string, unknown> };
  login_params?: Record<string, string>;
  auth_request_params?: Record<string, string>;
}

/** A capture of `moodle-4.5/lti-dynreg/`. */
export function dynreg(path: string): Promise<Capture> {
  return readFixtureJson<Capture>(`moodle-4.5/lti-dynreg/${path}`);
}

/** A header of a captured request or response (first one). */
export function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** The sandbox LTI platform alone on a loopback port, with its module at hand (registration desk, state). */
export interface PlatformServer {
  url: string;
  module: LtiPlatformModule;
  close(): Promise<void>;
}

export async function startPlatform(): Promise<PlatformServer> {
  const module = createLtiPlatform();
  const router = new Router();
  module.routes(router);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = router.match(url.pathname);
    if (!handler) {
      res.writeHead(404);
      res.end();
      return;
    }
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await module.start?.({ baseUrl: url });
  return {
    url,
    module,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
