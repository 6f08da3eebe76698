/**
 * NRPS and AGS paging over real loopback servers: pages follow `Link: rel="next"` on the service's origin, and a next
 * link to another origin is refused before anything (least of all the bearer token) is sent there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../src/core/transport.js';
import {
  AgsClient,
  type LtiError,
  LtiServiceError,
  NrpsClient,
  SCOPE,
  ServiceTokenProvider,
  ToolKeySet,
} from '../../src/lti/index.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

const ACCESS_TOKEN = 'AT-paging-0123456789abcdef';
const member = (id: string) => ({ user_id: id, roles: ['Learner'], name: `User ${id}` });

describe('LTI service paging', () => {
  let platform: TestServer;
  let foreign: TestServer;
  let keys: ToolKeySet;
  /** What the platform's memberships endpoint answers as its next link, per page. */
  let nextOf: (page: number) => string | undefined;

  beforeAll(async () => {
    keys = await ToolKeySet.generate();
    foreign = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', context: { id: 'evil' }, members: [member('intruder')] }));
    });
    platform = await startTestServer((req, res) => {
      const url = new URL(req.url ?? '/', platform.url);
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            access_token: ACCESS_TOKEN,
            token_type: 'Bearer',
            expires_in: 3600,
            scope: new URLSearchParams(req.body).get('scope'),
          }),
        );
        return;
      }
      if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
        res.writeHead(401);
        res.end();
        return;
      }
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = nextOf(page);
      const headers: Record<string, string> = {
        'content-type': url.pathname.endsWith('/lineitems')
          ? 'application/vnd.ims.lis.v2.lineitemcontainer+json'
          : 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
      };
      if (next) headers.link = `<${next}>; rel="next"`;
      res.writeHead(200, headers);
      if (url.pathname.endsWith('/lineitems'))
        res.end(
          JSON.stringify([
            { id: `${platform.url}/lineitems/${page}`, label: `Item ${page}`, scoreMaximum: 10 },
          ]),
        );
      else
        res.end(
          JSON.stringify({
            id: url.toString(),
            context: { id: 'c1', title: 'Course' },
            members: [member(`m${page}`)],
          }),
        );
    });
  });
  afterAll(async () => {
    await platform?.close();
    await foreign?.close();
  });

  const context = () => ({
    tokens: new ServiceTokenProvider({
      registration: { clientId: 'tool', tokenUrl: `${platform.url}/token` },
      keys,
    }),
    transport: new Transport({ retry: false }),
    moodle: false,
  });
  const nrps = () =>
    new NrpsClient(context(), {
      context_memberships_url: `${platform.url}/memberships`,
      service_versions: ['2.0'],
    });

  it('follows next links on the same origin, relative or absolute, page by page', async () => {
    nextOf = (page) =>
      page === 1 ? '/memberships?page=2' : page === 2 ? `${platform.url}/memberships?page=3` : undefined;
    const pages = [];
    for await (const page of nrps().members().pages()) pages.push(page);
    expect(pages.map((p) => p.items.map((m) => m.user_id))).toEqual([['m1'], ['m2'], ['m3']]);
    expect(pages[1]?.url).toBe(`${platform.url}/memberships?page=2`);
    expect(pages[0]?.context).toEqual({ id: 'c1', title: 'Course' });
  });

  it('ends a walk at a Link loop, and two walks of one paginator do not disturb each other', async () => {
    nextOf = (page) => (page === 1 ? '/memberships?page=2' : '/memberships');
    const members = nrps().members();
    const [a, b] = await Promise.all([members.toArray(), members.toArray()]);
    expect(a.map((m) => m.user_id)).toEqual(['m1', 'm2']);
    expect(b.map((m) => m.user_id)).toEqual(['m1', 'm2']);
  });

  for (const [what, foreignUrl] of [
    ['another port on the same host', () => `${foreign.url}/memberships?page=2`],
    ['another host name for the same machine', () => `${foreign.url.replace('127.0.0.1', 'localhost')}/p2`],
    ['another scheme', () => `${platform.url.replace('http:', 'https:')}/memberships?page=2`],
  ] as const) {
    it(`NRPS refuses a next link to ${what} and sends nothing there`, async () => {
      nextOf = (page) => (page === 1 ? foreignUrl() : undefined);
      const before = foreign.requests.length;
      const seen: string[] = [];
      const error = (await (async () => {
        for await (const m of nrps().members()) seen.push(m.user_id);
      })().catch((e) => e)) as LtiError;
      expect(error).toBeInstanceOf(LtiServiceError);
      expect(error.code).toBe('lti.next_link_foreign');
      expect(error.message).toContain(new URL(platform.url).origin);
      expect(error.hint).toMatch(/access token/);
      expect(seen).toEqual(['m1']);
      expect(foreign.requests.length).toBe(before);
      expect(JSON.stringify(error)).not.toContain(ACCESS_TOKEN);
    });
  }

  it('AGS line items refuse a foreign next link too; the foreign server never sees the bearer', async () => {
    nextOf = (page) => (page === 1 ? `${foreign.url}/lineitems?page=2` : undefined);
    const ags = new AgsClient(context(), {
      scope: [SCOPE.lineItemReadOnly],
      lineitems: `${platform.url}/lineitems`,
    });
    const error = (await ags
      .listLineItems()
      .toArray()
      .catch((e) => e)) as LtiError;
    expect(error.code).toBe('lti.next_link_foreign');
    expect(foreign.requests.some((r) => r.headers.authorization !== undefined)).toBe(false);
  });

  it('toArray({ limit }) stops before a page it does not need, foreign or not', async () => {
    nextOf = (page) => (page === 1 ? `${foreign.url}/memberships?page=2` : undefined);
    expect((await nrps().members().toArray({ limit: 1 })).map((m) => m.user_id)).toEqual(['m1']);
  });
});
