/** Test helper: one sandbox Totara on its own loopback server, with the module's controls at hand. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, sendJson } from '../../src/sandbox/http.js';
import {
  createControlledTotaraSandbox,
  type TotaraSandboxModule,
  type TotaraSandboxOptions,
} from '../../src/sandbox/totara/index.js';
import { TotaraClient, type TotaraClientOptions } from '../../src/totara/index.js';

export interface RunningTotara {
  url: string;
  module: TotaraSandboxModule;
  client(extra?: Partial<TotaraClientOptions>): TotaraClient;
  close(): Promise<void>;
}

export async function startTotara(options: TotaraSandboxOptions = {}): Promise<RunningTotara> {
  const module = createControlledTotaraSandbox(options);
  const router = new Router();
  module.routes(router);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = router.match(url.pathname);
    if (!handler) return sendJson(res, 404, { error: 'not_found' });
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const info = module.info({ baseUrl: url });
  return {
    url,
    module,
    client: (extra = {}) =>
      new TotaraClient({
        url,
        clientId: info.clientId,
        clientSecret: info.clientSecret,
        schema: module.schema,
        ...extra,
      }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const USERS_QUERY = `query list_users($query: core_user_users_query) {
  core_user_users(query: $query) { items { id username suspended } total next_cursor }
}`;

export const STATUS_QUERY = 'query status_check { totara_webapi_status { status } }';
