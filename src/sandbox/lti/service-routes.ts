/** HTTP routes of the simulated platform's services: token endpoint, deep linking return, AGS and NRPS. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MOODLE_PLATFORM_PATHS, SCOPE } from '../../lti/index.js';
import { type Router, readBody, readForm, sendJson, sendText } from '../http.js';
import { deepLinkingResultPage } from './pages.js';
import type { SimServices, StoredLineItem } from './services.js';

const publicItem = ({ scores: _scores, ...item }: StoredLineItem) => item;

/** One page of `items` by the `limit`/`offset` query, with the `Link: rel="next"` header of the following one. */
function pageOf<T>(items: T[], url: URL, baseUrl: string): { slice: T[]; headers: Record<string, string> } {
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  if (!(limit > 0)) return { slice: items, headers: {} };
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) {
    const next = new URL(`${url.pathname}${url.search}`, baseUrl);
    next.searchParams.set('offset', String(offset + limit));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { slice: items.slice(offset, offset + limit), headers };
}

function page<T>(items: T[], url: URL, baseUrl: string, res: ServerResponse, contentType: string): void {
  const { slice, headers } = pageOf(items, url, baseUrl);
  sendJson(res, 200, slice, { ...headers, 'content-type': contentType });
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    return JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Registers the token endpoint, the deep linking return and the services. */
export function serviceRoutes(services: SimServices, router: Router): void {
  const platform = services.platform;
  router.on(MOODLE_PLATFORM_PATHS.deepLinkingReturn, async (req, res, url) => {
    const jwt = (await readForm(req, url)).get('JWT') ?? '';
    const answer = await services.deepLinkingReturn(jwt);
    // A browser (the tool's auto-submitted form) gets a page; a program gets JSON.
    if (/text\/html/.test(req.headers.accept ?? ''))
      return sendText(res, answer.status, deepLinkingResultPage(answer), 'text/html; charset=utf-8');
    sendJson(res, answer.status, answer.body);
  });
  router.on(MOODLE_PLATFORM_PATHS.token, async (req, res, url) => {
    const answer = await services.token(await readForm(req, url));
    sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store' });
  });
  router.on(`${MOODLE_PLATFORM_PATHS.services}/*`, async (req, res, url) => {
    const rest = url.pathname.slice(MOODLE_PLATFORM_PATHS.services.length + 1).split('/');
    const method = req.method ?? 'GET';
    if (rest[0] === 'CourseSection' && rest[4] === 'memberships') {
      if (!services.authorise(req, res, [SCOPE.nrps])) return;
      const role = url.searchParams.get('role');
      const members = platform.users
        .filter((u) => !role || u.roles.includes(role) || u.roles.some((r) => r.endsWith(`#${role}`)))
        .map((u) => ({
          status: 'Active',
          roles: u.roles,
          user_id: u.id,
          name: u.name,
          given_name: u.givenName,
          family_name: u.familyName,
          email: u.email,
          ext_user_username: u.username,
        }));
      const { slice, headers } = pageOf(members, url, platform.baseUrl);
      return sendJson(
        res,
        200,
        {
          id: `${platform.baseUrl}${url.pathname}`,
          context: { id: platform.context.id, label: platform.context.label, title: platform.context.title },
          members: slice,
        },
        {
          ...headers,
          'content-type': 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json; charset=utf-8',
        },
      );
    }
    if (rest[1] !== 'lineitems') return sendJson(res, 404, { error: 'not_found' });
    const id = rest[2];
    if (id === undefined) {
      if (method === 'GET') {
        if (!services.authorise(req, res, [SCOPE.lineItemReadOnly, SCOPE.lineItem])) return;
        const rl = url.searchParams.get('resource_link_id');
        const items = [...services.lineItems.values()]
          .filter((i) => !rl || i.resourceLinkId === rl)
          .map(publicItem);
        return page(
          items,
          url,
          platform.baseUrl,
          res,
          'application/vnd.ims.lis.v2.lineitemcontainer+json; charset=utf-8',
        );
      }
      if (!services.authorise(req, res, [SCOPE.lineItem])) return;
      const item = services.createLineItem(await json(req));
      return sendJson(res, 201, publicItem(item), {
        'content-type': 'application/vnd.ims.lis.v2.lineitem+json; charset=utf-8',
      });
    }
    const item = services.lineItems.get(id);
    if (!item) return sendJson(res, 404, { error: 'lineitem_not_found' });
    const sub = rest[4];
    if (sub === 'scores') {
      if (!services.authorise(req, res, [SCOPE.score])) return;
      const score = await json(req);
      const time = Date.parse(String(score.timestamp));
      const previous = item.scores.get(String(score.userId));
      if (Number.isNaN(time)) return sendJson(res, 400, { error: 'invalid timestamp' });
      if (previous && time <= previous.time)
        return sendJson(res, 409, { error: 'timestamp not after the previous score' });
      item.scores.set(String(score.userId), {
        scoreGiven: score.scoreGiven as number | undefined,
        scoreMaximum: score.scoreMaximum as number | undefined,
        comment: score.comment as string | undefined,
        timestamp: String(score.timestamp),
        time,
      });
      return sendText(res, 200, '');
    }
    if (sub === 'results') {
      if (!services.authorise(req, res, [SCOPE.resultReadOnly])) return;
      const userId = url.searchParams.get('user_id');
      const results = [...item.scores.entries()]
        .filter(([user]) => !userId || user === userId)
        .map(([user, s]) => ({
          id: `${item.id}/results?user_id=${user}`,
          userId: user,
          resultScore:
            s.scoreGiven !== undefined && s.scoreMaximum
              ? (s.scoreGiven / s.scoreMaximum) * item.scoreMaximum
              : undefined,
          resultMaximum: item.scoreMaximum,
          comment: s.comment,
          scoreOf: item.id,
          timestamp: s.timestamp,
        }));
      return page(
        results,
        url,
        platform.baseUrl,
        res,
        'application/vnd.ims.lis.v2.resultcontainer+json; charset=utf-8',
      );
    }
    if (method === 'GET') {
      if (!services.authorise(req, res, [SCOPE.lineItemReadOnly, SCOPE.lineItem])) return;
      return sendJson(res, 200, publicItem(item), {
        'content-type': 'application/vnd.ims.lis.v2.lineitem+json; charset=utf-8',
      });
    }
    if (!services.authorise(req, res, [SCOPE.lineItem])) return;
    if (method === 'DELETE') {
      services.lineItems.delete(id);
      return sendText(res, 204, '');
    }
    const body = await json(req);
    item.label = String(body.label ?? item.label);
    item.scoreMaximum = Number(body.scoreMaximum ?? item.scoreMaximum);
    item.tag = String(body.tag ?? item.tag);
    return sendJson(res, 200, publicItem(item));
  });
}
