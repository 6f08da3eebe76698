/** HTTP side of the simulated platform's launches: JWKS, OpenID configuration, the auth endpoint, and the control API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { autoSubmitForm, escapeHtml } from '../../lti/http/html.js';
import { type Router, readBody, readForm, sendJson, sendText } from '../http.js';
import type { SimPlatform } from './platform.js';
import type { LaunchRequestSpec, SimToolConfig } from './types.js';

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

function authError(res: ServerResponse, status: number, error: string, description: string): void {
  // Moodle shows an error page to the user and does not redirect on these errors.
  sendText(
    res,
    status,
    `<!DOCTYPE html><html><head><title>Error</title></head><body><p class="error" data-error="${escapeHtml(error)}">${escapeHtml(description)}</p></body></html>`,
    'text/html; charset=utf-8',
  );
}

/** The OpenID Connect authorization endpoint, with Moodle's checks. */
async function authorize(
  platform: SimPlatform,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const params = await readForm(req, url);
  const get = (name: string) => params.get(name) ?? '';
  const expected: Record<string, string> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
  };
  for (const [name, value] of Object.entries(expected)) {
    if (get(name) !== value)
      return authError(
        res,
        400,
        'invalid_request',
        `Invalid request: ${name} must be "${value}", got "${get(name)}".`,
      );
  }
  const tool = platform.tools.get(get('client_id'));
  if (!tool) return authError(res, 400, 'unauthorized_client', `Unknown client_id "${get('client_id')}".`);
  const redirectUri = get('redirect_uri');
  if (!tool.redirectUris.includes(redirectUri))
    return authError(
      res,
      400,
      'invalid_request',
      `Invalid redirect_uri "${redirectUri}": it must match one of the tool's "Redirection URI(s)" exactly (${tool.redirectUris.join(', ')}).`,
    );
  for (const name of ['state', 'nonce', 'login_hint', 'lti_message_hint']) {
    if (get(name) === '')
      return authError(res, 400, 'invalid_request', `Invalid request: ${name} is missing.`);
  }
  const pending = platform.takePending(get('lti_message_hint'));
  if (!pending || pending.tool.clientId !== tool.clientId)
    return authError(
      res,
      400,
      'invalid_request',
      'Invalid lti_message_hint: no launch of this tool is waiting for it.',
    );
  if (pending.loginHint !== get('login_hint'))
    return authError(
      res,
      400,
      'invalid_request',
      'Invalid login_hint: it is not the one the platform sent at login initiation.',
    );
  const idToken = await platform.idToken(pending, get('nonce'));
  sendText(
    res,
    200,
    autoSubmitForm(redirectUri, { id_token: idToken, state: get('state') }, 'Continue to the tool'),
    'text/html; charset=utf-8',
  );
}

/** Registers the launch routes. */
export function launchRoutes(platform: SimPlatform, router: Router): void {
  router.on('/mod/lti/certs.php', async (_req, res) => {
    await platform.ready();
    sendJson(res, 200, platform.jwks(), { 'cache-control': 'max-age=60' });
  });
  router.on('/mod/lti/openid-configuration.php', (_req, res) =>
    sendJson(res, 200, {
      issuer: platform.issuer,
      token_endpoint: `${platform.baseUrl}/mod/lti/token.php`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: `${platform.baseUrl}/mod/lti/certs.php`,
      authorization_endpoint: `${platform.baseUrl}/mod/lti/auth.php`,
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    }),
  );
  router.on('/mod/lti/auth.php', (req, res, url) => authorize(platform, req, res, url));
  router.on(TOOLS_PATH, async (req, res) => {
    if (req.method === 'GET')
      return sendJson(res, 200, {
        tools: [...platform.tools.values()].map((tool) => ({ ...tool, details: platform.toolDetails(tool) })),
      });
    const config = (await readJson(req)) as SimToolConfig | undefined;
    if (
      !config ||
      typeof config.loginUrl !== 'string' ||
      typeof config.targetLinkUri !== 'string' ||
      (!config.jwksUrl && !config.publicJwks)
    )
      return sendJson(res, 400, {
        error: 'invalid_tool',
        message: 'A tool needs loginUrl, targetLinkUri and jwksUrl or publicJwks.',
      });
    const tool = platform.registerTool(config);
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
