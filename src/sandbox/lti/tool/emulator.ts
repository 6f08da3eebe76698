/**
 * `mts lti tool`: a complete LTI 1.3 tool on 127.0.0.1 to launch into. OIDC login initiation, launch and deep
 * linking redirect URIs, its JWKS, LTI Dynamic Registration, pages that show every claim and every Security
 * Framework check, deep linking, AGS and NRPS buttons. Every launch is validated by the SDK's LaunchValidator.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MtsError } from '../../../core/errors.js';
import {
  CLAIM,
  createLtiTool,
  decodeJwt,
  handleLogin,
  hintFor,
  isMoodle,
  LtiError,
  type LtiErrorCode,
  type LtiLaunch,
  type LtiTool,
  MemoryStateStore,
  parseMoodleToolDetails,
} from '../../../lti/index.js';
import { HttpStatusError, readForm, sendJson, sendText } from '../../http.js';
import { registerWithPlatform } from '../dynreg/client.js';
import { DynamicRegistrationError } from '../dynreg/errors.js';
import { PLATFORM_CONFIGURATION } from '../dynreg/messages.js';
import { pickedItems, serviceAction } from './actions.js';
import { launchChecks } from './checks.js';
import { ToolHome } from './home.js';
import { homePage, launchPage, problemPage, registrationPage, type ToolUrls } from './pages.js';
import { RecordingTransport } from './recording.js';
import type { LaunchRecord, ServiceCallRecord } from './records.js';

/** One line of the tool's event stream (`mts lti tool --json`). */
export interface ToolEvent {
  event: 'registration' | 'launch' | 'service' | 'deep_linking';
  valid: boolean;
  /** The failure's stable code, or null. */
  code: string | null;
  at: string;
  [detail: string]: unknown;
}

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

const STATE_COOKIE = 'mts_lti_state_';
const MAX_LAUNCHES = 200;

const PICTURE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80"><rect width="120" height="80" fill="#0f47ad"/><text x="60" y="47" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle">mts</text></svg>';

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0f47ad"/><text x="32" y="40" font-family="sans-serif" font-size="20" fill="#fff" text-anchor="middle">LTI</text></svg>';

/** What to do about the `error=` a platform posts back instead of an id_token. */
function platformErrorHint(error: string, moodle: boolean): string {
  const where = moodle ? 'Moodle' : 'The platform';
  switch (error) {
    case 'unauthorized_client':
      return `${where} does not know this tool's client_id for the launch: the tool was deleted or registered again. Register again, or copy "Client ID" from the tool's configuration details.`;
    case 'access_denied':
      return `${where} says login_hint is not the user who started the launch (another session or an expired one): reload the course page and launch again.`;
    case 'login_required':
      return `${where} needs the user to be logged in: log in and launch again.`;
    default:
      return `${where} refused the authentication request (${error}): check the tool's login URL and redirect URIs on the platform.`;
  }
}

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
  const name = options.name ?? 'mts LTI test tool';
  const now = options.now ?? Date.now;
  const transport = new RecordingTransport();
  const stateStore = new MemoryStateStore({ now });
  const launches: LaunchRecord[] = [];
  const listeners = new Set<(event: ToolEvent) => void>();
  const emit = (event: Omit<ToolEvent, 'at'>) => {
    const full = { ...event, at: new Date().toISOString() } as ToolEvent;
    for (const listener of listeners) listener(full);
  };
  let urls: ToolUrls;
  const tool: LtiTool = createLtiTool({
    registrations: home.store,
    keys: home.keys,
    transport,
    now: options.now,
  });

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
      return html(200, homePage(urls, name, home.keys.signingKey.kid, home.registrations, launches));
    if (path === '/jwks')
      return sendJson(res, 200, home.keys.jwks(), { 'cache-control': 'public, max-age=300' });
    if (path === '/register') return html(...(await register(url)));
    if (path === '/login') return login(req, res, url);
    if (path === '/launch' || path === '/deeplink') {
      if (method !== 'POST')
        return html(
          405,
          problemPage(urls, 'Redirect URI', 'Platforms POST the id_token here (response_mode=form_post).'),
        );
      const { status, body, headers } = await receiveLaunch(req, url);
      return html(status, body, headers);
    }
    if (path === '/platforms' && method === 'POST') return html(...(await addPlatform(req, url)));
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
            urls,
            'Unknown launch',
            'This launch is not (or no longer) held by the tool.',
            'Launch again from the platform.',
          ),
        );
      const action = match[2];
      if (!action) return html(200, launchPage(urls, record));
      if (method !== 'POST' || !record.launch)
        return html(405, problemPage(urls, 'Not allowed', "POST a valid launch's form here."));
      const form = await readForm(req, url);
      if (action === 'deep-linking') return html(...(await deepLinkingResponse(record, record.launch, form)));
      const call = await serviceAction(tool, transport, record, record.launch, action as 'nrps', form);
      recordCall(record, call);
      res.writeHead(303, { location: `/launches/${record.id}#services`, 'content-length': 0 });
      res.end();
      return;
    }
    html(404, problemPage(urls, 'Not found', `${path} is not a page of this tool.`));
  }

  async function register(url: URL): Promise<[number, string]> {
    const { result, error, exchanges } = await transport.capture(() =>
      registerWithPlatform({
        openidConfigurationUrl: url.searchParams.get('openid_configuration') ?? '',
        registrationToken: url.searchParams.get('registration_token') ?? undefined,
        tool: {
          name,
          loginUrl: urls.loginUrl,
          launchUrl: urls.launchUrl,
          deepLinkingUrl: urls.deepLinkingUrl,
          jwksUrl: urls.jwksUrl,
          logoUrl: `${urls.url}/assets/logo.svg`,
          description: 'moodle-totara-sdk LTI 1.3 test tool: shows every claim and check of each launch.',
          custom: { mts_user_id: '$User.id' },
        },
        transport,
      }),
    );
    if (error && !(error instanceof DynamicRegistrationError)) throw error;
    if (result) {
      await home.addRegistration({
        registeredAt: new Date(now()).toISOString(),
        registration: result.registration,
        status: result.status,
        granted: result.granted,
        platformProduct: [
          result.platform[PLATFORM_CONFIGURATION]?.product_family_code,
          result.platform[PLATFORM_CONFIGURATION]?.version,
        ]
          .filter(Boolean)
          .join(' '),
      });
    }
    emit({
      event: 'registration',
      valid: result !== undefined,
      code: error ? (error as DynamicRegistrationError).code : null,
      ...(result
        ? {
            issuer: result.registration.issuer,
            clientId: result.granted.clientId,
            deploymentId: result.granted.deploymentId ?? null,
            status: result.status,
            scopes: result.granted.scopes,
          }
        : {
            message: (error as Error).message,
            status: (error as DynamicRegistrationError).status ?? null,
          }),
    });
    return [
      result ? 200 : 400,
      registrationPage(urls, result, error as DynamicRegistrationError | undefined, exchanges),
    ];
  }

  async function login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = await readForm(req, url);
    const request = { method: req.method ?? 'GET', url: url.toString(), headers: req.headers, body: params };
    try {
      const answer = await handleLogin(request, {
        registrations: home.store,
        stateStore,
        stateMode: 'server',
        now: options.now,
        redirectUri: (_registration, target) =>
          target.split('?')[0] === urls.deepLinkingUrl ? urls.deepLinkingUrl : urls.launchUrl,
      });
      const state = new URL(String(answer.headers.location)).searchParams.get('state') ?? '';
      const secure = urls.launchUrl.startsWith('https:');
      res.writeHead(answer.status, {
        ...answer.headers,
        'set-cookie': `${STATE_COOKIE}${state}=1; Path=/; Max-Age=600; HttpOnly; ${secure ? 'SameSite=None; Secure' : 'SameSite=Lax'}`,
        'content-length': 0,
      });
      res.end();
    } catch (error) {
      if (!(error instanceof LtiError)) throw error;
      const record = remember({
        id: randomBytes(12).toString('base64url'),
        receivedAt: new Date(now()).toISOString(),
        valid: false,
        code: error.code,
        message: `Login initiation refused: ${error.message}`,
        hint: error.hint,
        checks: launchChecks(error.code),
        services: [],
        lineItems: [],
        payload: Object.fromEntries(params),
      });
      emit({
        event: 'launch',
        valid: false,
        code: error.code,
        launchId: record.id,
        step: 'login',
        message: error.message,
      });
      const body = launchPage(urls, record);
      res.writeHead(400, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }
  }

  function remember(record: LaunchRecord): LaunchRecord {
    launches.push(record);
    if (launches.length > MAX_LAUNCHES) launches.splice(0, launches.length - MAX_LAUNCHES);
    return record;
  }

  function recordCall(record: LaunchRecord, call: ServiceCallRecord): void {
    record.services.push(call);
    emit({
      event: call.action.startsWith('deep_linking') ? 'deep_linking' : 'service',
      valid: call.ok,
      code: call.code ?? null,
      launchId: record.id,
      action: call.action,
      calls: call.exchanges.map((x) => ({ method: x.method, url: x.url, status: x.status ?? null })),
      ...(call.ok ? {} : { message: call.message }),
    });
  }

  async function receiveLaunch(
    req: IncomingMessage,
    url: URL,
  ): Promise<{ status: number; body: string; headers: Record<string, string | string[]> }> {
    const form = await readForm(req, url);
    const cookies = req.headers.cookie ?? '';
    const state = form.get('state') ?? '';
    const idToken = form.get('id_token') ?? '';
    const record: LaunchRecord = {
      id: randomBytes(12).toString('base64url'),
      receivedAt: new Date(now()).toISOString(),
      valid: false,
      checks: [],
      services: [],
      lineItems: [],
    };
    let moodle = false;
    if (idToken) {
      try {
        const decoded = decodeJwt(idToken, 1024 * 1024);
        record.header = decoded.header;
        record.payload = decoded.payload;
        const platform = decoded.payload[CLAIM.toolPlatform] as { product_family_code?: unknown } | undefined;
        moodle = platform?.product_family_code === 'moodle';
      } catch {
        // shown as a failed check below
      }
    }
    const stateCookie = state
      ? cookies.split(/;\s*/).some((c) => c.startsWith(`${STATE_COOKIE}${state}=`))
      : undefined;
    const fail = (code: LtiErrorCode, message: string, hint?: string) => {
      record.code = code;
      record.message = message;
      record.hint = hint ?? hintFor(code, moodle);
      record.checks = launchChecks(code, { stateCookie, platformError: record.platformError !== undefined });
    };
    const upstream = form.get('error');
    if (upstream) {
      record.platformError = { error: upstream, description: form.get('error_description') ?? undefined };
      fail(
        'lti.token_missing',
        `The platform answered the login with error "${upstream}" instead of an id_token.`,
        platformErrorHint(upstream, true),
      );
    } else if (!state) fail('lti.state_missing', 'The launch carries no state.');
    else {
      const stored = await stateStore.take(state);
      if (!stored) fail('lti.state_unknown', 'The posted state is unknown, expired or already used.');
      else {
        const registration = await home.store.find(stored.issuer, stored.clientId);
        moodle = moodle || (registration ? isMoodle(registration) : false);
        try {
          const launch: LtiLaunch = await tool.validator.validate(idToken, {
            expectedNonce: stored.nonce,
            expectedTargetLinkUri: stored.targetLinkUri,
            expectedIssuer: stored.issuer,
          });
          record.valid = true;
          record.launch = launch;
          record.checks = launchChecks(undefined, { stateCookie });
        } catch (error) {
          if (!(error instanceof LtiError)) throw error;
          fail(error.code, error.message, error.hint);
        }
      }
    }
    remember(record);
    const launch = record.launch;
    emit({
      event: 'launch',
      valid: record.valid,
      code: record.code ?? null,
      launchId: record.id,
      messageType: launch?.messageType ?? null,
      issuer: launch?.issuer ?? (typeof record.payload?.iss === 'string' ? record.payload.iss : null),
      deploymentId: launch?.deploymentId ?? null,
      userId: launch?.userId ?? null,
      roles: launch?.roles ?? [],
      contextId: launch?.context?.id ?? null,
      ...(record.valid ? {} : { message: record.message }),
      page: `${urls.url}/launches/${record.id}`,
    });
    return {
      status: record.valid ? 200 : 400,
      body: launchPage(urls, record),
      headers: state ? { 'set-cookie': `${STATE_COOKIE}${state}=; Path=/; Max-Age=0` } : {},
    };
  }

  async function deepLinkingResponse(
    record: LaunchRecord,
    launch: LtiLaunch,
    form: URLSearchParams,
  ): Promise<[number, string]> {
    const items = pickedItems(form, urls.url);
    try {
      const response = await tool.deepLinkingResponse(launch, items, {
        msg: `${items.length} item(s) from the mts test tool`,
      });
      recordCall(record, {
        at: new Date().toISOString(),
        action: 'deep_linking.response',
        ok: true,
        result: { returnUrl: response.returnUrl, items },
        exchanges: [],
      });
      return [200, response.html];
    } catch (error) {
      if (!(error instanceof LtiError)) throw error;
      recordCall(record, {
        at: new Date().toISOString(),
        action: 'deep_linking.response',
        ok: false,
        code: error.code,
        message: error.message,
        hint: error.hint,
        exchanges: [],
      });
      return [400, launchPage(urls, record)];
    }
  }

  async function addPlatform(req: IncomingMessage, url: URL): Promise<[number, string]> {
    const details = (await readForm(req, url)).get('details') ?? '';
    try {
      const registration = parseMoodleToolDetails(details);
      await home.addRegistration({
        registeredAt: new Date(now()).toISOString(),
        registration,
        status: 0,
        granted: {
          clientId: registration.clientId,
          deploymentId: registration.deploymentIds[0],
          scopes: [],
          scopesRefused: [],
          claims: [],
          messages: [],
          notes: ['Added by hand from Moodle\'s "Tool configuration details".'],
        },
        platformProduct: 'moodle',
      });
      emit({
        event: 'registration',
        valid: true,
        code: null,
        issuer: registration.issuer,
        clientId: registration.clientId,
        manual: true,
      });
      return [200, homePage(urls, name, home.keys.signingKey.kid, home.registrations, launches)];
    } catch (error) {
      if (!(error instanceof LtiError)) throw error;
      return [400, problemPage(urls, 'Platform not added', error.message, error.hint)];
    }
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
  urls = {
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
    ...urls,
    port: actual,
    home,
    launches,
    stateStore,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
