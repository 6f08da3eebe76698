import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debug } from '../core/debug.js';
import { HttpStatusError, Router, sendJson } from './http.js';
import { createLtiPlatform, type LtiPlatformInfo, type LtiPlatformOptions } from './lti/index.js';
import { createMoodleSandbox, type MoodleSandboxInfo, type MoodleSandboxOptions } from './moodle/index.js';
import { createTotaraSandbox, type TotaraSandboxInfo, type TotaraSandboxOptions } from './totara/index.js';
import type { SandboxModule } from './types.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number | undefined;
  moodle?: MoodleSandboxOptions | undefined;
  totara?: TotaraSandboxOptions | undefined;
  lti?: LtiPlatformOptions | undefined;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly moodle: MoodleSandboxInfo;
  readonly totara: TotaraSandboxInfo;
  readonly lti: LtiPlatformInfo;
  /** Stops the server and every module. */
  close(): Promise<void>;
}

/**
 * Starts the local Moodle REST + Totara GraphQL + LTI platform on 127.0.0.1. Nothing leaves the machine.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox();
 * const moodle = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.token });
 * // ...
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const moodle = createMoodleSandbox(options.moodle);
  const totara = createTotaraSandbox(options.totara);
  const lti = createLtiPlatform(options.lti);
  const modules: SandboxModule<unknown>[] = [moodle, totara, lti];
  const router = new Router();
  for (const module of modules) module.routes(router);

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = router.match(url.pathname);
    if (!handler) {
      sendJson(res, 404, { error: 'not_found', path: url.pathname });
      return;
    }
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      debug('sandbox handler failed', url.pathname, String(error));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof HttpStatusError ? error.status : 500;
      sendJson(res, status, {
        error: status === 500 ? 'internal_error' : 'http_error',
        message: (error as Error).message,
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const context = { baseUrl: `http://127.0.0.1:${port}` };
  try {
    for (const module of modules) await module.start?.(context);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url: context.baseUrl,
    port,
    moodle: moodle.info(context),
    totara: totara.info(context),
    lti: lti.info(context),
    async close() {
      for (const module of modules) await module.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
