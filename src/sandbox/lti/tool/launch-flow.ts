/**
 * The tool emulator's side of a launch: the OIDC login initiation (state kept server-side and bound to the browser
 * by a cookie), and the launch itself, validated by the SDK's LaunchValidator and turned into a page of checks.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CLAIM,
  decodeJwt,
  handleLogin,
  hintFor,
  isMoodle,
  LtiError,
  type LtiErrorCode,
  type LtiLaunch,
} from '../../../lti/index.js';
import { readForm } from '../../http.js';
import { pickedItems } from './actions.js';
import { launchChecks } from './checks.js';
import { launchPage } from './launch-page.js';
import type { LaunchRecord } from './records.js';
import type { EmulatorState } from './state.js';

/** The cookie that binds a login state to the browser (its name ends with the state). */
export const STATE_COOKIE = 'mts_lti_state_';

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

export async function login(
  s: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const params = await readForm(req, url);
  const request = { method: req.method ?? 'GET', url: url.toString(), headers: req.headers, body: params };
  try {
    const answer = await handleLogin(request, {
      registrations: s.home.store,
      stateStore: s.stateStore,
      stateMode: 'server',
      now: s.clock,
      redirectUri: (_registration, target) =>
        target.split('?')[0] === s.urls.deepLinkingUrl ? s.urls.deepLinkingUrl : s.urls.launchUrl,
    });
    const state = new URL(String(answer.headers.location)).searchParams.get('state') ?? '';
    const secure = s.urls.launchUrl.startsWith('https:');
    res.writeHead(answer.status, {
      ...answer.headers,
      'set-cookie': `${STATE_COOKIE}${state}=1; Path=/; Max-Age=600; HttpOnly; ${secure ? 'SameSite=None; Secure' : 'SameSite=Lax'}`,
      'content-length': 0,
    });
    res.end();
  } catch (error) {
    if (!(error instanceof LtiError)) throw error;
    const record = s.remember({
      id: randomBytes(12).toString('base64url'),
      receivedAt: new Date(s.now()).toISOString(),
      valid: false,
      code: error.code,
      message: `Login initiation refused: ${error.message}`,
      hint: error.hint,
      checks: launchChecks(error.code),
      services: [],
      lineItems: [],
      payload: Object.fromEntries(params),
    });
    s.emit({
      event: 'launch',
      valid: false,
      code: error.code,
      launchId: record.id,
      step: 'login',
      message: error.message,
    });
    const body = launchPage(s.urls, record);
    res.writeHead(400, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}

export async function receiveLaunch(
  s: EmulatorState,

  req: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: string; headers: Record<string, string | string[]> }> {
  const form = await readForm(req, url);
  const cookies = req.headers.cookie ?? '';
  const state = form.get('state') ?? '';
  const idToken = form.get('id_token') ?? '';
  const record: LaunchRecord = {
    id: randomBytes(12).toString('base64url'),
    receivedAt: new Date(s.now()).toISOString(),
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
    const stored = await s.stateStore.take(state);
    if (!stored) fail('lti.state_unknown', 'The posted state is unknown, expired or already used.');
    else {
      const registration = await s.home.store.find(stored.issuer, stored.clientId);
      moodle = moodle || (registration ? isMoodle(registration) : false);
      try {
        const launch: LtiLaunch = await s.tool.validator.validate(idToken, {
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
  s.remember(record);
  const launch = record.launch;
  s.emit({
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
    page: `${s.urls.url}/launches/${record.id}`,
  });
  return {
    status: record.valid ? 200 : 400,
    body: launchPage(s.urls, record),
    headers: state ? { 'set-cookie': `${STATE_COOKIE}${state}=; Path=/; Max-Age=0` } : {},
  };
}

export async function deepLinkingResponse(
  s: EmulatorState,

  record: LaunchRecord,
  launch: LtiLaunch,
  form: URLSearchParams,
): Promise<[number, string]> {
  const items = pickedItems(form, s.urls.url);
  try {
    const response = await s.tool.deepLinkingResponse(launch, items, {
      msg: `${items.length} item(s) from the mts test tool`,
    });
    s.recordCall(record, {
      at: new Date().toISOString(),
      action: 'deep_linking.response',
      ok: true,
      result: { returnUrl: response.returnUrl, items },
      exchanges: [],
    });
    return [200, response.html];
  } catch (error) {
    if (!(error instanceof LtiError)) throw error;
    s.recordCall(record, {
      at: new Date().toISOString(),
      action: 'deep_linking.response',
      ok: false,
      code: error.code,
      message: error.message,
      hint: error.hint,
      exchanges: [],
    });
    return [400, launchPage(s.urls, record)];
  }
}
