/**
 * The platform simulator's pages (`mts lti platform`): configure tools, users and the course; register a tool with
 * "Add LTI Advantage" or register INTO a tool; launch as any user and role; see what deep linking returned and the
 * grades tools posted, in a small gradebook.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { autoSubmitForm, MOODLE_PLATFORM_PATHS } from '../../lti/index.js';
import { type Router, readForm, sendText } from '../http.js';
import { DynamicRegistrationError } from './dynreg/errors.js';
import type { RegistrationDesk } from './dynreg/platform-side.js';
import { registerIntoTool } from './dynreg/register-into-tool.js';
import { badge, code, grid, h, json, page, rows, section } from './html.js';
import type { SimPlatform } from './platform.js';
import type { SimServices } from './services.js';
import type { SimTool, SimUser } from './types.js';

/** Where the platform's pages live. */
export const PAGES_PATH = '/mod/lti/sandbox/';
/** The gradebook page. */
export const GRADEBOOK_PATH = '/mod/lti/sandbox/gradebook';
/** Where the pages' forms post (apart from the control API at /mod/lti/sandbox/tools, /launch, /register). */
const ACTIONS_PATH = '/mod/lti/sandbox/do/';
const PRODUCT = 'mts lti platform';

const nav = (): Array<[string, string]> => [
  [PAGES_PATH, 'Tools and launches'],
  [GRADEBOOK_PATH, 'Gradebook'],
];

function send(res: ServerResponse, status: number, body: string): void {
  sendText(res, status, body, 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'content-length': 0 });
  res.end();
}

const ROLES = ['Learner', 'Instructor', 'Administrator', 'TeachingAssistant', 'ContentDeveloper', 'Mentor'];

function launchForm(platform: SimPlatform, tool: SimTool): string {
  const users = platform.users
    .map((u) => `<option value="${h(u.id)}">${h(`${u.name} (${u.id}, ${u.roles.join(' ')})`)}</option>`)
    .join('');
  const roles = ROLES.map((r) => `<option value="${h(r)}">${h(r)}</option>`).join('');
  return [
    `<form method="post" action="${ACTIONS_PATH}launch" class="launch-form" data-client-id="${h(tool.clientId)}">`,
    `<input type="hidden" name="clientId" value="${h(tool.clientId)}">`,
    `<label>User <select name="userId">${users}</select></label>`,
    `<label>Role <select name="role"><option value="">(the user's own)</option>${roles}</select></label>`,
    '<label>Message <select name="messageType"><option value="LtiResourceLinkRequest">Resource link</option><option value="LtiDeepLinkingRequest">Deep linking</option></select></label>',
    '<label>Custom <input type="text" name="custom" placeholder="id=…; key=value"></label>',
    '<button type="submit">Launch</button></form>',
  ].join('');
}

function toolsSection(platform: SimPlatform): string {
  const tools = [...platform.tools.values()];
  if (tools.length === 0) return section('tools', 'Tools', '<p class="note">No tool yet: add one below.</p>');
  const body = tools
    .map((tool) => {
      const details = platform.toolDetails(tool);
      const state =
        tool.state === 'pending'
          ? `${badge('warn', 'Pending')} <form class="inline" method="post" action="${ACTIONS_PATH}activate"><input type="hidden" name="clientId" value="${h(tool.clientId)}"><button type="submit" class="secondary">Activate</button></form>`
          : badge('pass', 'Active');
      return `<div class="tool" data-client-id="${h(tool.clientId)}"><h3>${h(tool.name ?? tool.clientId)} ${state}</h3>${rows(
        [
          ['Client ID', code(tool.clientId)],
          ['Deployment ID', code(tool.deploymentId)],
          ['Initiate login URL', code(tool.loginUrl)],
          ['Tool URL', code(tool.targetLinkUri)],
          ['Redirection URI(s)', `<pre>${h(tool.redirectUris.join('\n'))}</pre>`],
          ['Public keyset', code(tool.jwksUrl ?? '(keys given)')],
          ...(tool.claims ? ([['Claims', h(tool.claims.join(', '))]] as Array<[string, string]>) : []),
          ['Tool configuration details', json(details)],
        ],
      )}${launchForm(platform, tool)}</div>`;
    })
    .join('');
  return section('tools', 'Tools', body);
}

function homePage(platform: SimPlatform, message?: string): string {
  const urls = platform.endpoints;
  const details = section(
    'platform',
    'This platform',
    rows([
      ['Platform ID (issuer)', code(platform.issuer)],
      ['Public keyset URL', code(urls.jwksUrl)],
      ['Authentication request URL', code(urls.authUrl)],
      ['Access token URL', code(urls.tokenUrl)],
      ['OpenID configuration', code(urls.openidConfigurationUrl)],
      ['Registration endpoint', code(urls.registrationUrl)],
    ]),
  );
  const register = section(
    'add-tool',
    'Add a tool',
    [
      '<h3>LTI Advantage (Dynamic Registration), as Moodle\'s "Tool URL" + "Add LTI Advantage"</h3>',
      `<form method="get" action="${MOODLE_PLATFORM_PATHS.startRegistration}" target="registration-frame" id="add-lti-advantage"><label>Tool URL <input type="url" name="url" required placeholder="http://127.0.0.1:PORT/register"></label><button type="submit">Add LTI Advantage</button></form>`,
      '<iframe name="registration-frame" id="registration-frame" title="Tool registration" style="width:100%;height:22rem;border:1px solid #dfe1e5;border-radius:4px"></iframe>',
      "<script>window.addEventListener('message',function(e){if(e.data&&e.data.subject==='org.imsglobal.lti.close'){location.reload();}});</script>",
      '<h3>Register this platform INTO a tool (the tool offers Dynamic Registration, e.g. Moodle\'s "Publish as LTI tool")</h3>',
      `<form method="post" action="${ACTIONS_PATH}register"><label>Registration URL <input type="url" name="url" required placeholder="https://moodle.example.org/enrol/lti/register.php?token=…"></label><button type="submit">Register</button></form>`,
      '<h3>Configure a tool by hand</h3>',
      `<form method="post" action="${ACTIONS_PATH}tools">`,
      '<label>Name <input type="text" name="name" value="Manual tool"></label>',
      '<label>Initiate login URL <input type="url" name="loginUrl" required></label>',
      '<label>Tool URL <input type="url" name="targetLinkUri" required></label>',
      '<label>Deep linking URL <input type="url" name="deepLinkingUrl"></label>',
      '<label>Public keyset URL <input type="url" name="jwksUrl" required></label>',
      '<label>Redirection URI(s) <textarea name="redirectUris" placeholder="one per line (default: the Tool URL)"></textarea></label>',
      '<label>Custom parameters <textarea name="custom" placeholder="key=value, one per line"></textarea></label>',
      '<button type="submit">Add tool</button></form>',
    ].join(''),
  );
  const users = section(
    'users',
    'Users and course',
    grid(
      ['Id', 'Name', 'Email', 'Username', 'Roles'],
      platform.users.map((u) => [code(u.id), h(u.name), h(u.email), h(u.username), h(u.roles.join(', '))]),
      'users-table',
    ) +
      `<form method="post" action="${ACTIONS_PATH}users"><h3>Add or change a user</h3><label>Id <input type="text" name="id" required></label><label>Given name <input type="text" name="givenName" required></label><label>Family name <input type="text" name="familyName" required></label><label>Email <input type="text" name="email"></label><label>Roles <input type="text" name="roles" value="Learner"></label><button type="submit">Save user</button></form>` +
      `<form method="post" action="${ACTIONS_PATH}context"><h3>Course (context)</h3><label>Id <input type="text" name="id" value="${h(platform.context.id)}"></label><label>Short name <input type="text" name="label" value="${h(platform.context.label)}"></label><label>Title <input type="text" name="title" value="${h(platform.context.title)}"></label><button type="submit">Save course</button></form>`,
  );
  const returned = section(
    'deep-linking-results',
    'Content returned by deep linking',
    platform.deepLinkingResults.length === 0
      ? '<p class="note">Nothing yet: launch a tool with "Deep linking".</p>'
      : platform.deepLinkingResults
          .slice()
          .reverse()
          .map(
            (r) =>
              `<h3>${h(r.receivedAt)} from ${code(r.clientId)}${r.msg ? ` ${h(String(r.msg))}` : ''}</h3>${itemsTable(r.items)}`,
          )
          .join(''),
  );
  const banner = message ? section('message', 'Done', `<p>${h(message)}</p>`, 'ok') : '';
  return page({
    title: 'LTI platform',
    product: `${PRODUCT} ${platform.issuer}`,
    nav: nav(),
    body: banner + toolsSection(platform) + register + users + returned + details,
  });
}

function itemsTable(items: unknown[]): string {
  return grid(
    ['Type', 'Title', 'URL / content', 'Line item'],
    items.map((item) => {
      const i = item as Record<string, unknown>;
      const lineItem = i.lineItem as { scoreMaximum?: number; label?: string } | undefined;
      return [
        code(i.type),
        h(i.title ?? ''),
        i.type === 'html' ? `<pre>${h(i.html)}</pre>` : code(i.url ?? ''),
        lineItem ? h(`${lineItem.label ?? ''} (max ${lineItem.scoreMaximum})`) : '',
      ];
    }),
    'content-items',
  );
}

/** The page shown after a deep linking response arrived (Moodle's contentitem_return.php, for a browser). */
export function deepLinkingResultPage(answer: { status: number; body: Record<string, unknown> }): string {
  const ok = answer.status === 200;
  const items = (answer.body.items as unknown[] | undefined) ?? [];
  return page({
    title: 'Deep linking response',
    product: PRODUCT,
    nav: nav(),
    body: ok
      ? section(
          'deep-linking-response',
          `${items.length} content item(s) received`,
          `${answer.body.msg ? `<p>${h(String(answer.body.msg))}</p>` : ''}${itemsTable(items)}`,
          'ok',
        )
      : section(
          'deep-linking-response',
          'Deep linking response refused',
          `<p>${h(String(answer.body.message ?? answer.body.error))}</p>`,
          'error',
        ),
  });
}

function gradebookPage(platform: SimPlatform, services: SimServices): string {
  const items = [...services.lineItems.values()];
  const users = platform.users;
  const table = grid(
    ['Line item', 'Max', ...users.map((u) => `${u.name} (${u.id})`)],
    items.map((item) => [
      `${h(item.label || '(no label)')}<br><span class="note">${h(item.id)}</span>`,
      h(item.scoreMaximum),
      ...users.map((u) => {
        const score = item.scores.get(u.id);
        if (!score) return '<span class="note">–</span>';
        const scaled =
          score.scoreGiven !== undefined && score.scoreMaximum
            ? (score.scoreGiven / score.scoreMaximum) * item.scoreMaximum
            : undefined;
        return `<strong class="grade">${h(scaled === undefined ? '' : Number(scaled.toFixed(2)))}</strong> <span class="note">${h(`${score.scoreGiven ?? ''}/${score.scoreMaximum ?? ''}`)} ${h(score.comment ?? '')} ${h(score.timestamp)}</span>`;
      }),
    ]),
    'gradebook',
  );
  return page({
    title: 'Gradebook',
    product: PRODUCT,
    nav: nav(),
    body: section(
      'grades',
      `Gradebook of ${platform.context.title}`,
      items.length === 0 ? '<p class="note">No line item yet.</p>' : table,
    ),
  });
}

function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(/[;\n]/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

async function post(
  platform: SimPlatform,
  desk: RegistrationDesk,
  action: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const form = await readForm(req, url);
  const get = (name: string) => (form.get(name) ?? '').trim();
  switch (action) {
    case 'launch': {
      const tool = platform.tools.get(get('clientId'));
      if (!tool) return send(res, 404, homePage(platform, 'No such tool.'));
      const initiation = platform.startLaunch(
        {
          clientId: tool.clientId,
          userId: get('userId') || undefined,
          roles: get('role') ? [get('role')] : undefined,
          messageType:
            get('messageType') === 'LtiDeepLinkingRequest'
              ? 'LtiDeepLinkingRequest'
              : 'LtiResourceLinkRequest',
          custom: keyValues(get('custom')),
        },
        tool,
      );
      // As Moodle's launch.php: a page that posts the login initiation to the tool.
      return send(res, 200, autoSubmitForm(initiation.url, initiation.params, 'Launch the tool'));
    }
    case 'activate': {
      const tool = platform.tools.get(get('clientId'));
      if (tool) tool.state = 'active';
      return redirect(res, PAGES_PATH);
    }
    case 'tools': {
      if (!get('loginUrl') || !get('targetLinkUri') || !get('jwksUrl'))
        return send(
          res,
          400,
          homePage(platform, 'A tool needs an initiate login URL, a tool URL and a public keyset URL.'),
        );
      const redirects = get('redirectUris').split(/\s+/).filter(Boolean);
      platform.registerTool({
        name: get('name') || undefined,
        loginUrl: get('loginUrl'),
        targetLinkUri: get('targetLinkUri'),
        deepLinkingUrl: get('deepLinkingUrl') || undefined,
        jwksUrl: get('jwksUrl'),
        redirectUris: redirects.length ? redirects : undefined,
        custom: keyValues(form.get('custom') ?? ''),
      });
      return redirect(res, PAGES_PATH);
    }
    case 'users': {
      if (!get('id')) return send(res, 400, homePage(platform, 'A user needs an id.'));
      const user: SimUser = {
        id: get('id'),
        givenName: get('givenName'),
        familyName: get('familyName'),
        name: `${get('givenName')} ${get('familyName')}`.trim(),
        email: get('email') || `${get('id')}@example.invalid`,
        username: get('id'),
        roles: get('roles')
          .split(/[\s,]+/)
          .filter(Boolean),
      };
      platform.upsertUser(user);
      return redirect(res, PAGES_PATH);
    }
    case 'context': {
      platform.context.id = get('id') || platform.context.id;
      platform.context.label = get('label') || platform.context.label;
      platform.context.title = get('title') || platform.context.title;
      return redirect(res, PAGES_PATH);
    }
    case 'register': {
      try {
        const done = await registerIntoTool(desk, get('url'));
        return send(
          res,
          200,
          homePage(
            platform,
            `Registered with ${done.tool.name ?? done.tool.loginUrl}: client_id ${done.tool.clientId}, deployment ${done.tool.deploymentId}.`,
          ),
        );
      } catch (error) {
        if (!(error instanceof DynamicRegistrationError)) throw error;
        return send(res, 502, homePage(platform, `${error.message} ${error.hint ?? ''}`));
      }
    }
    default:
      return send(res, 404, homePage(platform, `Unknown action ${action}.`));
  }
}

/** Registers the platform's pages. */
export function pageRoutes(
  platform: SimPlatform,
  services: SimServices,
  desk: RegistrationDesk,
  router: Router,
): void {
  router.on(PAGES_PATH, (_req, res) => send(res, 200, homePage(platform)));
  router.on(GRADEBOOK_PATH, (_req, res) => send(res, 200, gradebookPage(platform, services)));
  for (const action of ['launch', 'activate', 'tools', 'users', 'context', 'register'])
    router.on(`${ACTIONS_PATH}${action}`, (req, res, url) =>
      req.method === 'POST' ? post(platform, desk, action, req, res, url) : redirect(res, PAGES_PATH),
    );
}
