/** HTTP routes of Dynamic Registration on the simulated platform, at Moodle's paths, and the `register` control API. */
import { escapeHtml, MOODLE_PLATFORM_PATHS } from '../../../lti/index.js';
import { type Router, readBody, sendJson, sendText } from '../../http.js';
import { DynamicRegistrationError } from './errors.js';
import { openIdConfiguration, type RegistrationDesk } from './platform-side.js';
import { registerIntoTool } from './register-into-tool.js';

/** Path of the control API: POST `{url}` to register this platform INTO a tool that offers Dynamic Registration. */
export const REGISTER_PATH = '/mod/lti/sandbox/register';

function withParams(url: string, params: Record<string, string>): string {
  const out = new URL(url);
  for (const [name, value] of Object.entries(params)) out.searchParams.set(name, value);
  return out.toString();
}

/** The page Moodle shows when a tool of the same domain is already registered: update it, or register a new one. */
function choicePage(toolUrl: string, toolName: string, deploymentId: string): string {
  const start = MOODLE_PLATFORM_PATHS.startRegistration;
  const link = (type: string) => escapeHtml(`${start}?url=${encodeURIComponent(toolUrl)}&type=${type}`);
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tool registration</title></head><body>',
    `<p>A tool is already registered for this domain: ${escapeHtml(toolName)}.</p>`,
    `<p><a id="update-tool" href="${link(deploymentId)}">Update ${escapeHtml(toolName)}</a></p>`,
    `<p><a id="new-tool" href="${link('0')}">Register as a new external tool</a></p>`,
    '</body></html>',
  ].join('\n');
}

/** Registers the Dynamic Registration routes. */
export function registrationRoutes(desk: RegistrationDesk, router: Router): void {
  const platform = desk.platform;
  const paths = MOODLE_PLATFORM_PATHS;
  router.on(paths.openidConfiguration, (_req, res) => sendJson(res, 200, openIdConfiguration(platform)));
  router.on(paths.registration, async (req, res) => {
    const body = req.method === 'POST' ? (await readBody(req, 1024 * 1024)).toString('utf8') : '';
    const authorization = req.headers.authorization;
    const answer = await desk.handle(req.method ?? 'GET', authorization, body);
    sendText(res, answer.status, answer.body, answer.contentType);
  });
  router.on(paths.startRegistration, async (_req, res, url) => {
    const toolUrl = url.searchParams.get('url') ?? '';
    if (!/^https?:\/\//i.test(toolUrl))
      return sendText(res, 400, "url must be the tool's registration URL (http or https).");
    const type = url.searchParams.get('type');
    const existing = desk.toolForDomain(toolUrl);
    if (existing && type === null)
      return sendText(
        res,
        200,
        choicePage(toolUrl, existing.name ?? existing.clientId, existing.deploymentId),
        'text/html; charset=utf-8',
      );
    const update =
      type && type !== '0'
        ? [...platform.tools.values()].find((tool) => tool.deploymentId === type)
        : undefined;
    const token = await desk.issueToken('moodle', update);
    // Moodle keeps the query string the tool URL already has.
    const location = withParams(toolUrl, {
      openid_configuration: platform.endpoints.openidConfigurationUrl,
      registration_token: token,
    });
    res.writeHead(302, { location, 'content-length': 0 });
    res.end();
  });
  router.on(REGISTER_PATH, async (req, res) => {
    let spec: { url?: unknown; timeoutMs?: unknown };
    try {
      spec = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}') as typeof spec;
    } catch {
      spec = {};
    }
    if (typeof spec.url !== 'string')
      return sendJson(res, 400, {
        error: 'invalid_request',
        message: 'POST {"url": "<tool registration URL>"}.',
      });
    try {
      const done = await registerIntoTool(desk, spec.url, {
        timeoutMs: typeof spec.timeoutMs === 'number' ? spec.timeoutMs : undefined,
      });
      sendJson(res, 200, {
        ...done,
        details: platform.toolDetails(done.tool),
      });
    } catch (error) {
      if (!(error instanceof DynamicRegistrationError)) throw error;
      sendJson(res, 502, {
        error: error.code,
        message: error.message,
        hint: error.hint,
        status: error.status,
      });
    }
  });
}
