/** The tool emulator's pages: home (what to paste into Moodle), the registration result, problems. */
import { CLAIM } from '../../../lti/index.js';
import type { DynamicRegistrationOutcome } from '../dynreg/client.js';
import type { DynamicRegistrationError } from '../dynreg/errors.js';
import { badge, code, grid, h, page, rows, section } from '../html.js';
import type { StoredRegistration } from './home.js';
import type { RecordedExchange } from './recording.js';
import type { LaunchRecord } from './records.js';

/** The URLs of the tool, for its pages and its `--json` line. */
export interface ToolUrls {
  url: string;
  registrationUrl: string;
  loginUrl: string;
  launchUrl: string;
  deepLinkingUrl: string;
  redirectUris: string[];
  jwksUrl: string;
}

/** The product name in the pages' header. */
export const PRODUCT = 'mts lti tool';
/** The header's links. */
export const nav = (urls: ToolUrls): Array<[string, string]> => [
  [`${urls.url}/`, 'Home'],
  [urls.jwksUrl, 'JWKS'],
];

const MOODLE_TOOLS = 'Site administration > Plugins > Activity modules > External tool > Manage tools';

/** The home page: what to paste into Moodle, the registrations held, the launches received. */
export function homePage(
  urls: ToolUrls,
  name: string,
  kid: string,
  registrations: readonly StoredRegistration[],
  launches: readonly LaunchRecord[],
): string {
  const register = section(
    'register',
    'Register with Moodle in one step (LTI Dynamic Registration)',
    [
      `<p>In ${h(MOODLE_TOOLS)}, paste this URL into <strong>Tool URL</strong> and press <strong>Add LTI Advantage</strong>:</p>`,
      `<pre id="registration-url">${h(urls.registrationUrl)}</pre>`,
      '<p class="note">Moodle then shows the tool as <em>Pending</em>: press <strong>Activate</strong> on its card. ' +
        "Moodle's outgoing requests must be able to reach this tool's key set: on a Moodle that blocks 127.0.0.1 or ports " +
        'other than 80/443 (Site administration > General > Security > HTTP security), allow them or use <code>--public-url</code>.</p>',
    ].join(''),
  );
  const manual = section(
    'manual',
    'Or configure it by hand ("Configure a tool manually")',
    rows([
      ['Tool URL', code(urls.launchUrl)],
      ['LTI version', 'LTI 1.3'],
      ['Public key type', 'Keyset URL'],
      ['Public keyset', code(urls.jwksUrl)],
      ['Initiate login URL', code(urls.loginUrl)],
      ['Redirection URI(s)', `<pre>${h(urls.redirectUris.join('\n'))}</pre>`],
      ['Content Selection URL (deep linking)', code(urls.deepLinkingUrl)],
      ['Signing key id', code(kid)],
    ]) +
      `<form method="post" action="/platforms"><h3>Then paste Moodle's "Tool configuration details" here</h3>` +
      '<textarea name="details" placeholder="Platform ID&#10;https://moodle.example.org&#10;Client ID&#10;..."></textarea>' +
      '<button type="submit">Add this platform</button></form>',
  );
  const regs = section(
    'registrations',
    `Platforms this tool is registered with (${registrations.length})`,
    registrations.length === 0
      ? '<p class="note">None yet.</p>'
      : grid(
          ['Platform (issuer)', 'Client ID', 'Deployment', 'Scopes granted', 'Registered'],
          registrations.map((r) => [
            code(r.registration.issuer) +
              (r.platformProduct ? ` <span class="note">${h(r.platformProduct)}</span>` : ''),
            code(r.registration.clientId),
            code(r.registration.deploymentIds.join(', ') || '(none)'),
            h(r.granted.scopes.map(shortScope).join(', ') || '(none)'),
            h(r.registeredAt),
          ]),
          'registrations-table',
        ),
  );
  const recent = section(
    'launches',
    'Launches received',
    launches.length === 0
      ? `<p class="note">None yet. Add the tool to a course (an "External tool" activity) and open it.</p>`
      : grid(
          ['When', 'Verdict', 'Message', 'User', 'Context'],
          [...launches]
            .reverse()
            .map((l) => [
              `<a href="/launches/${h(l.id)}">${h(l.receivedAt)}</a>`,
              l.valid ? badge('pass', 'valid') : `${badge('fail', 'refused')} ${code(l.code)}`,
              h(l.launch?.messageType ?? str(l.payload?.[CLAIM.messageType])),
              h(l.launch?.user.name ?? l.launch?.userId ?? str(l.payload?.sub)),
              h(l.launch?.context?.title ?? ''),
            ]),
          'launches-table',
        ),
  );
  return page({
    title: name,
    product: `${PRODUCT}: ${name}`,
    nav: nav(urls),
    body: register + manual + regs + recent,
  });
}

/** A value when it is a string, else ''. */
export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A scope without its `https://purl.imsglobal.org/spec/` prefix. */
export function shortScope(scope: string): string {
  return scope.replace(/^https:\/\/purl\.imsglobal\.org\/spec\//, '');
}

/** `Instructor (membership)` for a LIS role URI. */
export function shortRole(role: string): string {
  const match = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/([a-z/]+)#(.+)$/.exec(role);
  return match ? `${match[2]} (${match[1]})` : role;
}

/** Exchanges as request / response blocks. */
export function exchangesHtml(exchanges: readonly RecordedExchange[]): string {
  return exchanges
    .map((x, i) => {
      const request = [
        `${x.method} ${x.url}`,
        ...Object.entries(x.requestHeaders).map(([k, v]) => `${k}: ${v}`),
        ...(x.requestBody ? ['', x.requestBody] : []),
      ].join('\n');
      const response =
        x.status === undefined
          ? `(no response: ${x.error ?? 'failed'})`
          : [
              `HTTP ${x.status}`,
              ...Object.entries(x.responseHeaders ?? {}).map(([k, v]) => `${k}: ${v}`),
              ...(x.responseBody ? ['', x.responseBody] : []),
            ].join('\n');
      return `<div class="exchange" data-index="${i}"><h3>Request ${i + 1} <span class="note">${Math.round(x.durationMs)} ms</span></h3><pre class="request">${h(request)}</pre><h3>Response</h3><pre class="response">${h(response)}</pre></div>`;
    })
    .join('');
}

/** The page after Dynamic Registration: what the platform granted, and Moodle's next step. */
export function registrationPage(
  urls: ToolUrls,
  outcome: DynamicRegistrationOutcome | undefined,
  error: DynamicRegistrationError | undefined,
  exchanges: readonly RecordedExchange[],
): string {
  const close =
    '<p><button type="button" id="close" onclick="(window.opener || window.parent).postMessage({subject: \'org.imsglobal.lti.close\'}, \'*\')">Close and return to the platform</button></p>';
  let body: string;
  if (outcome) {
    const g = outcome.granted;
    body = section(
      'granted',
      `Registered with ${outcome.platform.issuer}`,
      rows([
        ['Client ID', code(g.clientId)],
        ['Deployment ID', code(g.deploymentId ?? '(none)')],
        ['HTTP status', code(outcome.status)],
        ['Scopes granted', h(g.scopes.map(shortScope).join(', ') || '(none)')],
        ...(g.scopesRefused.length
          ? ([['Scopes refused', h(g.scopesRefused.map(shortScope).join(', '))]] as Array<[string, string]>)
          : []),
        ['Claims granted', h(g.claims.join(', ') || '(none)')],
        ['Messages kept', h(g.messages.join(', ') || '(none)')],
      ]) +
        (g.notes.length ? `<ul class="notes">${g.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '') +
        close,
      'ok',
    );
  } else {
    body = section(
      'refused',
      'Registration failed',
      rows([
        ['Error', `${code(error?.code)} ${h(error?.message)}`],
        ...(error?.status !== undefined
          ? ([['Platform answered', code(`HTTP ${error.status}`)]] as Array<[string, string]>)
          : []),
        ['What to do', h(error?.hint ?? '')],
      ]) + close,
      'error',
    );
  }
  body += section('exchanges', 'Dynamic Registration, as sent and received', exchangesHtml(exchanges));
  return page({ title: 'Tool registration', product: PRODUCT, nav: nav(urls), body });
}

/** A page for a request the tool cannot serve (a launch id it does not know, a bad form). */
export function problemPage(urls: ToolUrls, title: string, message: string, hint?: string): string {
  return page({
    title,
    product: PRODUCT,
    nav: nav(urls),
    body: section(
      'problem',
      title,
      `<p>${h(message)}</p>${hint ? `<p class="note">${h(hint)}</p>` : ''}`,
      'error',
    ),
  });
}
