/**
 * `mts lti tool`: a complete LTI 1.3 tool on 127.0.0.1 to launch into. OIDC login initiation, launch and deep
 * linking redirect URIs, its JWKS, LTI Dynamic Registration, pages that show every claim and every Security
 * Framework check, deep linking, AGS and NRPS buttons. Every launch is validated by the SDK's LaunchValidator.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MtsError } from '../../../core/errors.js';
import { createLtiTool, MemoryStateStore } from '../../../lti/index.js';
import { HttpStatusError, readForm, sendJson, sendText } from '../../http.js';
import { serviceAction } from './actions.js';
import { ToolHome } from './home.js';
import { deepLinkingResponse, login, receiveLaunch } from './launch-flow.js';
import { launchPage } from './launch-page.js';
import { homePage, problemPage, type ToolUrls } from './pages.js';
import { RecordingTransport } from './recording.js';
import type { LaunchRecord } from './records.js';
import { addPlatform, register } from './registration.js';
import { EmulatorState, type ToolEvent } from './state.js';

export type { ToolEvent } from './state.js';

/** Options of {@link startToolEmulator}. */
export interface ToolEmulatorOptions {
  /** Where the key and the registrations are kept (created if needed). */
  dataDir: string;
  /** Port on 127.0.0.1. Default: the port the tool was registered on last time, else a free one. */
  port?: number | undefined;
  /** A private key file (PKCS#8 PEM or JWK) to sign with instead of the generated one. */
  keyFile?: string | undefined;
  /** The tool's name (`client_name`). Default `mts LTI test tool`. */
  name?: string | undefined;
  /** The URL platforms reach the tool at, when not http://127.0.0.1:PORT (a tunnel, a proxy). */
  publicUrl?: string | undefined;
  /** Clock in ms (tests replaying a capture at its own time). */
  now?: (() => number) | undefined;
  /** Called with a warning for a person. */
  onWarning?: ((text: string) => void) | undefined;
}

/** A running tool emulator. */
export interface ToolEmulator extends ToolUrls {
  readonly port: number;
  readonly home: ToolHome;
  /** Launches received, oldest first (at most 200 kept). */
  readonly launches: LaunchRecord[];
  /** Login states (exposed so that a replay test can put a captured one in). */
  readonly stateStore: MemoryStateStore;
  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: (event: ToolEvent) => void): () => void;
  close(): Promise<void>;
}

const PICTURE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80"><rect width="120" height="80" fill="#0f47ad"/><text x="60" y="47" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle">mts</text></svg>';

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0f47ad"/><text x="32" y="40" font-family="sans-serif" font-size="20" fill="#fff" text-anchor="middle">LTI</text></svg>';

/**
 * Starts the tool emulator.
 *
 * @example
 * ```ts
 * const tool = await startToolEmulator({ dataDir: '/tmp/mts-tool' });
 * tool.on((event) => console.log(event.event, event.valid, event.code));
 * console.log('paste into Moodle:', tool.registrationUrl);
 * ```
 */
export async function startToolEmulator(options: ToolEmulatorOptions): Promise<ToolEmulator> {
  const home = await ToolHome.open(options.dataDir, {
    keyFile: options.keyFile,
    onWarning: options.onWarning,
  });
  const now = options.now ?? Date.now;
  const transport = new RecordingTransport();
  const tool = createLtiTool({ registrations: home.store, keys: home.keys, transport, now: options.now });
  const state = new EmulatorState(
    home,
    tool,
    transport,
    new MemoryStateStore({ now }),
    options.name ?? 'mts LTI test tool',
    now,
    options.now,
  );
  const { launches } = state;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const html = (status: number, body: string, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
    };
    const path = url.pathname;
    if (path === '/' && method === 'GET')
      return html(
        200,
        homePage(state.urls, state.name, home.keys.signingKey.kid, home.registrations, launches),
      );
    if (path === '/jwks')
      return sendJson(res, 200, home.keys.jwks(), { 'cache-control': 'public, max-age=300' });
    if (path === '/register') return html(...(await register(state, url)));
    if (path === '/login') return login(state, req, res, url);
    if (path === '/launch' || path === '/deeplink') {
      if (method !== 'POST')
        return html(
          405,
          problemPage(
            state.urls,
            'Redirect URI',
            'Platforms POST the id_token here (response_mode=form_post).',
          ),
        );
      const { status, body, headers } = await receiveLaunch(state, req, url);
      return html(status, body, headers);
    }
    if (path === '/platforms' && method === 'POST') return html(...(await addPlatform(state, req, url)));
    if (path === '/assets/picture.svg') return sendText(res, 200, PICTURE, 'image/svg+xml');
    if (path === '/assets/logo.svg') return sendText(res, 200, LOGO, 'image/svg+xml');
    if (path === '/assets/notes.txt') return sendText(res, 200, 'Notes from the mts LTI test tool.\n');
    const match =
      /^\/launches\/([A-Za-z0-9_-]+)(?:\/(deep-linking|ags\/line-item|ags\/score|ags\/results|nrps))?$/.exec(
        path,
      );
    if (match) {
      const record = launches.find((l) => l.id === match[1]);
      if (!record)
        return html(
          404,
          problemPage(
            state.urls,
            'Unknown launch',
            'This launch is not (or no longer) held by the tool.',
            'Launch again from the platform.',
          ),
        );
      const action = match[2];
      if (!action) return html(200, launchPage(state.urls, record));
      if (method !== 'POST' || !record.launch)
        return html(405, problemPage(state.urls, 'Not allowed', "POST a valid launch's form here."));
      const form = await readForm(req, url);
      if (action === 'deep-linking')
        return html(...(await deepLinkingResponse(state, record, record.launch, form)));
      const call = await serviceAction(tool, transport, record, record.launch, action as 'nrps', form);
      state.recordCall(record, call);
      res.writeHead(303, { location: `/launches/${record.id}#services`, 'content-length': 0 });
      res.end();
      return;
    }
    html(404, problemPage(state.urls, 'Not found', `${path} is not a page of this tool.`));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = error instanceof HttpStatusError ? error.status : 500;
      sendText(res, status, `The tool failed: ${(error as Error).message}`);
    });
  });
  const port = options.port ?? home.lastPort ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new MtsError('lti_tool.port_in_use', `Port ${port} on 127.0.0.1 is in use.`, {
              details: { port },
              hint:
                options.port === undefined
                  ? `The tool was registered on port ${port} last time, so it starts there. Stop what uses it, or pass --port (then register the tool again on its new URL).`
                  : 'Stop what uses it, or choose another --port.',
            })
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const base = (options.publicUrl ?? `http://127.0.0.1:${actual}`).replace(/\/+$/, '');
  state.urls = {
    url: base,
    registrationUrl: `${base}/register`,
    loginUrl: `${base}/login`,
    launchUrl: `${base}/launch`,
    deepLinkingUrl: `${base}/deeplink`,
    redirectUris: [`${base}/launch`, `${base}/deeplink`],
    jwksUrl: `${base}/jwks`,
  };
  await home.rememberPort(actual);
  return {
    ...state.urls,
    port: actual,
    home,
    launches,
    stateStore: state.stateStore,
    on: (listener) => state.on(listener),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
