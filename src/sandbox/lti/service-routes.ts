/** The simulated platform's services: the token endpoint (private_key_jwt), AGS line items/scores/results and NRPS. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { CLAIM, SCOPE } from '../../lti/claims.js';
import { type JwksCache, type LtiAlgorithm, selectStaticKey } from '../../lti/jwks.js';
import { type Router, readBody, readForm, sendJson, sendText } from '../http.js';
import type { SimPlatform } from './platform.js';

interface Grant {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

interface StoredLineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId: string;
  tag: string;
  resourceLinkId: string;
  scores: Map<
    string,
    { scoreGiven?: number; scoreMaximum?: number; comment?: string; timestamp: string; time: number }
  >;
}

const ALL_SCOPES: string[] = Object.values(SCOPE);

/** The state of the services: grants and line items. */
export class SimServices {
  readonly grants = new Map<string, Grant>();
  readonly lineItems = new Map<string, StoredLineItem>();
  readonly #usedJti = new Set<string>();
  #nextId = 1;
  constructor(
    readonly platform: SimPlatform,
    readonly jwks: JwksCache,
  ) {}

  /** Checks a client assertion and grants a token, or says why not (OAuth2 error codes). */
  async token(form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    const fail = (error: string, description: string) => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'client_credentials')
      return fail('unsupported_grant_type', 'grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return fail('invalid_request', 'client_assertion_type must be jwt-bearer');
    const assertion = form.get('client_assertion') ?? '';
    let payload: Record<string, unknown>;
    try {
      payload = await this.verifyToolJwt(assertion);
    } catch (error) {
      return fail('invalid_client', `client assertion rejected: ${(error as Error).message}`);
    }
    const now = Math.floor(this.platform.now() / 1000);
    const tokenUrl = `${this.platform.baseUrl}/mod/lti/token.php`;
    if (payload.iss !== payload.sub) return fail('invalid_client', 'iss and sub must both be the client id');
    if (payload.aud !== tokenUrl && !(Array.isArray(payload.aud) && payload.aud.includes(tokenUrl)))
      return fail('invalid_client', `aud must be ${tokenUrl}`);
    if (typeof payload.exp !== 'number' || payload.exp < now)
      return fail('invalid_client', 'assertion expired');
    if (typeof payload.jti !== 'string' || this.#usedJti.has(payload.jti))
      return fail('invalid_client', 'jti missing or reused');
    this.#usedJti.add(payload.jti);
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !ALL_SCOPES.includes(s)))
      return { status: 400, body: { error: 'invalid_scope' } };
    const accessToken = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
    this.grants.set(accessToken, {
      clientId: String(payload.sub),
      scopes,
      expiresAt: this.platform.now() + 3_600_000,
    });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') },
    };
  }

  /** Verifies a tool's key signature on a JWT it sent (client assertion, deep linking response). */
  async verifyToolJwt(jwt: string): Promise<Record<string, unknown>> {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const tool = this.platform.tools.get(String(claims.iss));
    if (!tool) throw new Error(`unknown client ${String(claims.iss)}`);
    const header = decodeProtectedHeader(jwt);
    const want = { kid: header.kid, alg: (header.alg ?? 'RS256') as LtiAlgorithm };
    const { key } = tool.publicJwks
      ? await selectStaticKey(tool.publicJwks, want)
      : await this.jwks.getKey(tool.jwksUrl as string, want);
    await compactVerify(jwt, key, { algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'] });
    return claims;
  }

  /** What the platform makes of a deep linking response (Moodle's contentitem_return.php). */
  async deepLinkingReturn(jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.verifyToolJwt(jwt);
    } catch (error) {
      return { status: 400, body: { error: 'invalid_jwt', message: (error as Error).message } };
    }
    const now = Math.floor(this.platform.now() / 1000);
    const problems: string[] = [];
    if (claims.aud !== this.platform.issuer) problems.push(`aud must be ${this.platform.issuer}`);
    if (typeof claims.exp !== 'number' || claims.exp < now) problems.push('expired');
    if (claims[CLAIM.messageType] !== 'LtiDeepLinkingResponse')
      problems.push('message_type must be LtiDeepLinkingResponse');
    if (claims[CLAIM.version] !== '1.3.0') problems.push('version must be 1.3.0');
    const tool = this.platform.tools.get(String(claims.iss));
    if (claims[CLAIM.deploymentId] !== tool?.deploymentId)
      problems.push('deployment_id does not match the tool');
    if (problems.length > 0)
      return { status: 400, body: { error: 'invalid_response', message: problems.join('; ') } };
    return {
      status: 200,
      body: {
        items: claims[CLAIM.deepLinkingContentItems] ?? [],
        data: claims[CLAIM.deepLinkingData],
        msg: claims[CLAIM.deepLinkingMsg],
      },
    };
  }

  /** The grant of a request's bearer token, when it holds one of `scopes`. */
  authorise(req: IncomingMessage, res: ServerResponse, scopes: string[]): Grant | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? this.grants.get(token) : undefined;
    if (!grant || grant.expiresAt <= this.platform.now()) {
      sendJson(res, 401, { error: 'invalid_token' });
      return undefined;
    }
    if (!scopes.some((s) => grant.scopes.includes(s))) {
      sendJson(res, 403, { error: 'insufficient_scope' });
      return undefined;
    }
    return grant;
  }

  lineItemUrl(id: string): string {
    return `${this.platform.baseUrl}/mod/lti/services.php/${this.platform.context.id}/lineitems/${id}/lineitem`;
  }

  createLineItem(body: Record<string, unknown>): StoredLineItem {
    const id = String(this.#nextId++);
    const item: StoredLineItem = {
      id: this.lineItemUrl(id),
      label: String(body.label ?? ''),
      scoreMaximum: Number(body.scoreMaximum ?? 100),
      resourceId: String(body.resourceId ?? ''),
      tag: String(body.tag ?? ''),
      resourceLinkId: String(body.resourceLinkId ?? ''),
      scores: new Map(),
    };
    this.lineItems.set(id, item);
    return item;
  }
}

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
  router.on('/mod/lti/contentitem_return.php', async (req, res, url) => {
    const jwt = (await readForm(req, url)).get('JWT') ?? '';
    const answer = await services.deepLinkingReturn(jwt);
    sendJson(res, answer.status, answer.body);
  });
  router.on('/mod/lti/token.php', async (req, res, url) => {
    const answer = await services.token(await readForm(req, url));
    sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store' });
  });
  router.on('/mod/lti/services.php/*', async (req, res, url) => {
    const rest = url.pathname.slice('/mod/lti/services.php/'.length).split('/');
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
