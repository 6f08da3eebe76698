/** HTTP side of the simulated platform's launches: JWKS, OpenID configuration, the auth endpoint, and the control API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../core/errors.js';
import { autoSubmitForm, escapeHtml, MOODLE_PLATFORM_PATHS } from '../../lti/index.js';
import { type Router, readBody, readForm, sendJson, sendText } from '../http.js';
import type { SimPlatform } from './platform.js';
import { checkToolConfig } from './tool-config.js';
import type { LaunchRequestSpec, SimTool, SimToolConfig } from './types.js';

/** Path of the control API: POST a tool config to register it, GET to list. */
export const TOOLS_PATH = '/mod/lti/sandbox/tools';
/** Path of the control API: POST a launch spec, get the login initiation to send to the tool. */
export const LAUNCH_PATH = '/mod/lti/sandbox/launch';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return undefined;
  }
}

/** Moodle's error page for an auth request it cannot answer to the tool (no tool config, or a redirect URI it does not know). */
function authErrorPage(res: ServerResponse, error: string, description: string): void {
  sendText(
    res,
    404,
    `<!DOCTYPE html><html><head><title>Error</title></head><body><p class="error errormessage" data-error="${escapeHtml(error)}">${escapeHtml(description)}</p></body></html>`,
    'text/html; charset=utf-8',
  );
}

/**
 * The OpenID Connect authorization endpoint, in Moodle's order (mod/lti/auth.php): without the required parameters
 * or a launch waiting for the message hint there is no tool configuration, and Moodle shows a 404 error page; with
 * one, a wrong client_id or login_hint comes back to the tool as an auto-posted `error=` (unauthorized_client,
 * access_denied); a redirect_uri that is not registered is again a 404 page.
 */
async function authorize(
  platform: SimPlatform,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const params = await readForm(req, url);
  const get = (name: string) => params.get(name) ?? '';
  // A bare GET (a health check, a browser with no launch) is answered 200, as Moodle answers it with a page for a
  // visitor without a session; only an authentication request is checked.
  if ([...params.keys()].length === 0)
    return sendText(
      res,
      200,
      '<!DOCTYPE html><html><body><p>OpenID Connect authentication endpoint of the LTI platform.</p></body></html>',
      'text/html; charset=utf-8',
    );
  const required = ['scope', 'response_type', 'client_id', 'redirect_uri', 'login_hint', 'nonce'];
  const missing = required.find((name) => get(name) === '');
  const pending = get('lti_message_hint') === '' ? undefined : platform.takePending(get('lti_message_hint'));
  if (missing || !pending)
    return authErrorPage(
      res,
      'invalid_request',
      missing
        ? `Invalid request: ${missing} is missing.`
        : 'Invalid request: no launch is waiting for this lti_message_hint (it is single use, and lives 10 minutes).',
    );
  if (get('scope') !== 'openid' || get('response_type') !== 'id_token')
    return authErrorPage(
      res,
      get('scope') !== 'openid' ? 'invalid_scope' : 'unsupported_response_type',
      `Invalid request: scope must be "openid" and response_type "id_token", got "${get('scope')}" and "${get('response_type')}".`,
    );
  const tool = pending.tool;
  let error: string | undefined;
  let description: string | undefined;
  if (get('client_id') !== tool.clientId) error = 'unauthorized_client';
  else if (pending.loginHint !== get('login_hint')) error = 'access_denied';
  const redirectUri = get('redirect_uri');
  if (!tool.redirectUris.includes(redirectUri))
    return authErrorPage(
      res,
      'invalid_request',
      `Invalid redirect_uri "${redirectUri}": it must match one of the tool's "Redirection URI(s)" exactly (${tool.redirectUris.join(', ')}).`,
    );
  if (!error && get('response_mode') !== 'form_post') {
    error = 'invalid_request';
    description = get('response_mode') ? 'Invalid response_mode' : 'Missing response_mode';
  } else if (!error && get('prompt') !== '' && get('prompt') !== 'none') {
    error = 'invalid_request';
    description = 'Invalid prompt';
  }
  const fields: Record<string, string> = error
    ? { error, ...(description ? { error_description: description } : {}) }
    : { id_token: await platform.idToken(pending, get('nonce')) };
  fields.state = get('state');
  sendText(res, 200, autoSubmitForm(redirectUri, fields, 'Continue to the tool'), 'text/html; charset=utf-8');
}

/** Registers the launch routes. */
export function launchRoutes(platform: SimPlatform, router: Router): void {
  router.on(MOODLE_PLATFORM_PATHS.jwks, async (_req, res) => {
    await platform.ready();
    sendJson(res, 200, platform.jwks(), { 'cache-control': 'max-age=60' });
  });
  router.on(MOODLE_PLATFORM_PATHS.auth, (req, res, url) => authorize(platform, req, res, url));
  router.on(TOOLS_PATH, async (req, res) => {
    if (req.method === 'GET')
      return sendJson(res, 200, {
        tools: [...platform.tools.values()].map((tool) => ({ ...tool, details: platform.toolDetails(tool) })),
      });
    const config = (await readJson(req)) as SimToolConfig | undefined;
    let tool: SimTool;
    try {
      tool = platform.registerTool(checkToolConfig(config, 'The tool configuration'));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return sendJson(res, 400, { error: 'invalid_tool', message: error.message, hint: error.hint });
    }
    sendJson(res, 201, { ...tool, details: platform.toolDetails(tool) });
  });
  router.on(LAUNCH_PATH, async (req, res) => {
    const spec = ((await readJson(req)) ?? {}) as LaunchRequestSpec;
    const tool = platform.toolFor(spec.clientId);
    if (!tool)
      return sendJson(res, 404, {
        error: 'unknown_tool',
        message: 'Register the tool first (POST /mod/lti/sandbox/tools), or name its clientId.',
      });
    sendJson(res, 200, platform.startLaunch(spec, tool));
  });
}
