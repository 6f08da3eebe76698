/**
 * Dynamic Registration INTO a tool (`mts lti platform --register URL`): the platform opens the tool's registration
 * URL with its `openid_configuration` and a `registration_token`, as an admin's browser would, and waits for the
 * tool's registration POST. Works with Moodle's enrol_lti (`.../enrol/lti/register.php?token=...`), which
 * registers during that one GET, and with any tool that offers Dynamic Registration.
 */

import { TransportError } from '../../../core/errors.js';
import { redactUrl } from '../../../core/redact.js';
import { readText, Transport } from '../../../core/transport.js';
import type { SimTool } from '../types.js';
import { DynamicRegistrationError, MOODLE_CURL_SECURITY_HINT } from './errors.js';
import type { ReceivedRegistration, RegistrationDesk } from './platform-side.js';

/** What a registration into a tool did. */
export interface RegistrationIntoTool {
  /** The URL opened (the registration token masked). */
  openedUrl: string;
  /** Status of the tool's page. */
  pageStatus: number;
  /** True when the page posts `org.imsglobal.lti.close` (the tool says it is done). */
  closeMessage: boolean;
  registration: ReceivedRegistration;
  tool: SimTool;
  /** True when the tool is Moodle's enrol_lti (launches need the custom claim `id`). */
  moodleTool: boolean;
}

/** Options of {@link registerIntoTool}. */
export interface RegisterIntoToolOptions {
  /** How long to wait for the tool's registration. Default 15,000 ms. */
  timeoutMs?: number | undefined;
  transport?: Transport | undefined;
  signal?: AbortSignal | undefined;
}

function errorPageMessage(html: string): string | undefined {
  const found = /<p[^>]*class="errormessage"[^>]*>([\s\S]*?)<\/p>/i.exec(html)?.[1];
  return found
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Registers the platform with a tool that offers Dynamic Registration.
 *
 * @example
 * ```ts
 * const done = await registerIntoTool(desk, 'https://moodle.example.org/enrol/lti/register.php?token=97bf78c0');
 * console.log(done.tool.clientId, done.tool.deploymentId);
 * ```
 */
export async function registerIntoTool(
  desk: RegistrationDesk,
  url: string,
  options: RegisterIntoToolOptions = {},
): Promise<RegistrationIntoTool> {
  let target: URL;
  try {
    target = new URL(url);
    if (!/^https?:$/.test(target.protocol)) throw new Error('not http');
  } catch {
    throw new DynamicRegistrationError(
      'dynreg.initiation_invalid',
      `--register needs an http(s) URL, not "${url}".`,
      {
        hint: 'Moodle\'s is on Site administration > Plugins > Enrolments > Publish as LTI tool > Tool registration: "Dynamic registration URL".',
      },
    );
  }
  const token = await desk.issueToken('register');
  target.searchParams.set('openid_configuration', desk.platform.endpoints.openidConfigurationUrl);
  target.searchParams.set('registration_token', token);
  // Moodle's `token` is a one-time capability, the registration token a credential: neither is shown.
  const shown = redactUrl(target);
  const transport = options.transport ?? new Transport({ retry: false });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const arrived = desk.waitFor(token, timeoutMs);
  arrived.catch(() => undefined);
  const moodleTool = /\/enrol\/lti\/register\.php$/.test(target.pathname);
  let status: number;
  let page: string;
  try {
    const response = await transport.request({
      url: target,
      headers: { accept: 'text/html' },
      timeoutMs,
      signal: options.signal,
    });
    status = response.status;
    page = await readText(response, 1024 * 1024);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new DynamicRegistrationError(
      'dynreg.registration_not_received',
      `Could not open ${shown}: ${error.message}`,
      { cause: error, hint: 'Check the registration URL and that the tool is running.' },
    );
  }
  // A tool registers while it handles the GET (Moodle does); give a slower one a moment more.
  let registration: ReceivedRegistration | undefined;
  try {
    registration = await Promise.race([arrived, tooLate(status < 400 ? 2_000 : 0)]);
  } catch {
    registration = undefined;
  }
  if (!registration?.clientId) {
    const message = errorPageMessage(page);
    const curlBlocked = /OpenID configuration|blocked hosts|Unable to find public key/i.test(message ?? '');
    throw new DynamicRegistrationError(
      'dynreg.registration_not_received',
      `The tool answered HTTP ${status} and did not register${message ? `: ${message}` : ''}.`,
      {
        status,
        upstream: message,
        hint: curlBlocked
          ? MOODLE_CURL_SECURITY_HINT
          : /Invalid or expired registration URL/i.test(message ?? '')
            ? 'A Moodle registration URL works once: make a new one (Publish as LTI tool > Tool registration > Register a platform) and pass it to --register.'
            : "The tool must GET this platform's OpenID configuration and POST its registration while handling this URL.",
      },
    );
  }
  const tool = desk.platform.tools.get(registration.clientId) as SimTool;
  return {
    openedUrl: shown,
    pageStatus: status,
    closeMessage: page.includes('org.imsglobal.lti.close'),
    registration,
    tool,
    moodleTool,
  };
}

function tooLate(ms: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('late')), ms);
    timer.unref();
  });
}
