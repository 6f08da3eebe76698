/** The tool emulator's launch page: verdict, summary, Security Framework checks, deep linking, services, claims. */
import { CLAIM, type LtiLaunch } from '../../../lti/index.js';
import { badge, code, grid, h, json, page, rows, section } from '../html.js';
import { exchangesHtml, nav, PRODUCT, shortRole, shortScope, str, type ToolUrls } from './pages.js';
import type { LaunchRecord, ServiceCallRecord } from './records.js';

function claimRows(payload: Record<string, unknown>): string {
  return grid(
    ['Claim', 'Value'],
    Object.entries(payload).map(([name, value]) => {
      const time =
        (name === 'iat' || name === 'exp' || name === 'nbf') && typeof value === 'number'
          ? ` <span class="note">${new Date(value * 1000).toISOString()}</span>`
          : '';
      return [
        code(name),
        typeof value === 'object' && value !== null ? json(value) : `${code(JSON.stringify(value))}${time}`,
      ];
    }),
    'claims-table',
  );
}

function summary(record: LaunchRecord, launch: LtiLaunch | undefined): string {
  const p = record.payload ?? {};
  const context = (launch?.context ?? p[CLAIM.context]) as
    | { id?: string; label?: string; title?: string }
    | undefined;
  const roles = (launch?.roles ?? (p[CLAIM.roles] as string[] | undefined) ?? []).map(shortRole);
  const platform = (p[CLAIM.toolPlatform] ?? {}) as {
    product_family_code?: string;
    name?: string;
    version?: string;
  };
  const user = launch?.user ?? { name: str(p.name), email: str(p.email) };
  return rows([
    ['Message type', h(launch?.messageType ?? str(p[CLAIM.messageType]))],
    [
      'Platform',
      `${code(p.iss)} ${h([platform.product_family_code, platform.name, platform.version].filter(Boolean).join(' '))}`,
    ],
    ['Client ID', code(Array.isArray(p.aud) ? p.aud.join(', ') : p.aud)],
    ['Deployment ID', code(p[CLAIM.deploymentId])],
    ['User', `${code(p.sub ?? '(anonymous)')} ${h(user.name ?? '')} ${h(user.email ?? '')}`],
    ['Roles', `<ul id="roles">${roles.map((r) => `<li>${h(r)}</li>`).join('')}</ul>`],
    [
      'Context',
      context ? `${code(context.id)} ${h(context.label ?? '')} ${h(context.title ?? '')}` : '(none)',
    ],
    ['Resource link', h(JSON.stringify(p[CLAIM.resourceLink] ?? '(none)'))],
    ['target_link_uri', code(p[CLAIM.targetLinkUri])],
    ['Custom', json(p[CLAIM.custom] ?? {})],
  ]);
}

function checksTable(record: LaunchRecord): string {
  return grid(
    ['Check', 'Result'],
    record.checks.map((c) => [h(c.label), `${badge(c.status)}${c.code ? ` ${code(c.code)}` : ''}`]),
    'checks-table',
  );
}

const DEFAULT_ITEMS = {
  link: { title: 'LTI Deep Linking 2.0 specification', url: 'https://www.imsglobal.org/spec/lti-dl/v2p0' },
  html: '<p>Hello from the <strong>mts</strong> test tool.</p>',
};

function deepLinkingForm(urls: ToolUrls, record: LaunchRecord, launch: LtiLaunch): string {
  const settings = launch.deepLinking;
  const accepted = settings?.accept_types ?? [];
  const option = (type: string, label: string, fields: string, checked = false) => {
    const ok = accepted.includes(type);
    return `<fieldset data-type="${h(type)}"><label><input type="checkbox" name="type" value="${h(type)}"${checked && ok ? ' checked' : ''}${ok ? '' : ' disabled'}> <strong>${h(label)}</strong></label>${ok ? '' : ' <span class="note">the platform does not accept this type here</span>'}<div>${fields}</div></fieldset>`;
  };
  const base = urls.url;
  return section(
    'deep-linking',
    'Deep linking: pick the content to send back',
    [
      `<p class="note">The platform accepts: ${h(accepted.join(', ') || 'nothing')}${settings?.accept_multiple === false ? ' (one item only)' : ''}. Return URL: ${code(settings?.deep_link_return_url)}</p>`,
      `<form method="post" action="/launches/${h(record.id)}/deep-linking" id="deep-linking-form">`,
      option(
        'ltiResourceLink',
        'LTI resource link with a grade column',
        `<label>Title <input type="text" name="ltiResourceLink.title" value="Quiz from the mts tool"></label><label>Score maximum <input type="number" name="ltiResourceLink.scoreMaximum" value="10" min="1"></label><label>Custom <input type="text" name="ltiResourceLink.custom" value="quiz=3"></label>`,
        true,
      ),
      option(
        'link',
        'Link',
        `<label>Title <input type="text" name="link.title" value="${h(DEFAULT_ITEMS.link.title)}"></label><label>URL <input type="url" name="link.url" value="${h(DEFAULT_ITEMS.link.url)}"></label>`,
      ),
      option('html', 'HTML fragment', `<textarea name="html.html">${h(DEFAULT_ITEMS.html)}</textarea>`),
      option(
        'image',
        'Image',
        `<label>URL <input type="url" name="image.url" value="${h(`${base}/assets/picture.svg`)}"></label>`,
      ),
      option(
        'file',
        'File',
        `<label>URL <input type="url" name="file.url" value="${h(`${base}/assets/notes.txt`)}"></label>`,
      ),
      '<button type="submit" id="send-items">Send back to the platform</button></form>',
    ].join(''),
  );
}

function servicesPanel(record: LaunchRecord, launch: LtiLaunch): string {
  const lineItems = [...(launch.ags?.lineitem ? [launch.ags.lineitem] : []), ...record.lineItems];
  const select = lineItems.length
    ? `<select name="lineItem">${lineItems.map((u) => `<option value="${h(u)}">${h(u)}</option>`).join('')}</select>`
    : '<span class="note">no line item yet: create one</span>';
  const action = (path: string) => `/launches/${h(record.id)}/${path}`;
  const ags = launch.ags
    ? [
        `<p class="note">AGS scopes: ${h(launch.ags.scope.map(shortScope).join(', '))}</p>`,
        `<form class="inline" method="post" action="${action('ags/line-item')}"><label>Label <input type="text" name="label" value="mts grade column"></label><label>Maximum <input type="number" name="scoreMaximum" value="100" min="1"></label><button type="submit" id="create-line-item">Create line item</button></form>`,
        `<form class="inline" method="post" action="${action('ags/score')}"><label>Line item ${select}</label><label>User <input type="text" name="userId" value="${h(launch.userId ?? '')}"></label><label>Score <input type="number" name="scoreGiven" value="7" step="any"></label><label>of <input type="number" name="scoreMaximum" value="10" step="any"></label><label>Comment <input type="text" name="comment" value="Posted by the mts test tool"></label><button type="submit" id="post-score">Post score</button></form>`,
        `<form class="inline" method="post" action="${action('ags/results')}"><label>Line item ${select}</label><button type="submit" id="read-results">Read results</button></form>`,
      ].join('')
    : '<p class="note">The launch has no AGS claim: the platform grants no grade services to this tool (Moodle: the tool\'s "IMS LTI Assignment and Grade Services" setting).</p>';
  const nrps = launch.nrps
    ? `<form class="inline" method="post" action="${action('nrps')}"><button type="submit" id="list-members">List members</button></form>`
    : '<p class="note">The launch has no NRPS claim (Moodle: the tool\'s "IMS LTI Names and Role Provisioning" setting).</p>';
  const log = record.services
    .slice()
    .reverse()
    .map((call, i) => serviceCallHtml(call, record.services.length - i))
    .join('');
  return section(
    'services',
    'LTI Advantage services',
    `<h3>Assignment and Grade Services</h3>${ags}<h3>Names and Role Provisioning</h3>${nrps}${log ? `<h3>Calls</h3>${log}` : ''}`,
  );
}

function serviceCallHtml(call: ServiceCallRecord, n: number): string {
  const head = `${call.ok ? badge('pass', 'ok') : badge('fail', 'failed')} <strong>${h(call.action)}</strong> <span class="note">${h(call.at)}</span>`;
  const failure = call.ok
    ? ''
    : rows([
        ['Error', `${code(call.code)} ${h(call.message)}`],
        ['What to do', h(call.hint ?? '')],
      ]);
  const result = call.result === undefined ? '' : `<h3>Result</h3>${json(call.result)}`;
  return `<div class="service-call ${call.ok ? 'ok' : 'error'}" data-action="${h(call.action)}" data-n="${n}"><p>${head}</p>${failure}${result}<details${call.ok ? '' : ' open'}><summary>${call.exchanges.length} HTTP exchange(s)</summary>${exchangesHtml(call.exchanges)}</details></div>`;
}

/** The launch page: verdict, summary, security checks, deep linking, services, every claim. */
export function launchPage(urls: ToolUrls, record: LaunchRecord): string {
  const launch = record.launch;
  const verdict = record.valid
    ? section(
        'verdict',
        `Valid ${launch?.messageType ?? 'launch'}`,
        `<p>Every check passed. Launch id ${code(record.id)}.</p>`,
        'ok',
      )
    : section(
        'verdict',
        'Launch refused',
        rows([
          ['Error', `${code(record.code)} ${h(record.message)}`],
          ...(record.platformError
            ? ([
                [
                  'Platform said',
                  `${code(record.platformError.error)} ${h(record.platformError.description ?? '')}`,
                ],
              ] as Array<[string, string]>)
            : []),
          ['Diagnosis', `<span id="diagnosis">${h(record.hint ?? '')}</span>`],
        ]),
        'error',
      );
  const parts = [verdict];
  if (record.payload) parts.push(section('summary', 'Launch', summary(record, launch)));
  parts.push(section('checks', 'Security Framework checks', checksTable(record)));
  if (launch?.messageType === 'LtiDeepLinkingRequest') parts.push(deepLinkingForm(urls, record, launch));
  if (launch) parts.push(servicesPanel(record, launch));
  if (record.payload)
    parts.push(
      section(
        'claims',
        'Every claim, decoded',
        `<h3>Header</h3>${json(record.header ?? {})}<h3>Payload</h3>${claimRows(record.payload)}`,
      ),
    );
  return page({
    title: record.valid ? 'LTI launch' : 'LTI launch refused',
    product: PRODUCT,
    nav: nav(urls),
    body: parts.join(''),
  });
}
