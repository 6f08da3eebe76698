/**
 * Auto-pagination of 10,000 users from the sandbox Totara, which meters complexity as Totara 17.3 does (5 points for
 * `core_user_users`, one per field per user, 6,000 per request). Two figures:
 * - requests: how many `paginate()` sent, against the fewest the complexity limit allows (every page as full as
 *   6,000 points permit), the floor nothing can beat;
 * - throughput: pages per second of ours (token cache, schema check, cost pacing, typed errors, transport) against a
 *   bare cursor loop on graphql-request with Node's fetch asking for the same page size, interleaved, min and median.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { GraphQLClient } from 'graphql-request';
import { Router, sendJson } from '../../src/sandbox/http.js';
import { createControlledTotaraSandbox } from '../../src/sandbox/totara/index.js';
import { QUERY_FIELD_COST, TotaraClient } from '../../src/totara/index.js';
import { percentile, report } from '../util.js';

const USERS = 10_000;
const FIELDS = ['id', 'username', 'firstname', 'lastname', 'email', 'suspended'];
const QUERY = `query all_users($query: core_user_users_query) {
  core_user_users(query: $query) { items { ${FIELDS.join(' ')} } total next_cursor }
}`;

type Page = { core_user_users: { items: unknown[]; next_cursor: string } };

async function startSite() {
  const module = createControlledTotaraSandbox({
    users: USERS,
    rateLimitPoints: unlimited,
    siteRateLimitPoints: unlimited,
  });
  const router = new Router();
  module.routes(router);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = router.match(url.pathname);
    if (!handler) return sendJson(res, 404, { error: 'not_found' });
    Promise.resolve(handler(req, res, url)).catch((error: unknown) =>
      sendJson(res, 500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    module,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const unlimited = Number.MAX_SAFE_INTEGER;

export default async function bench(): Promise<void> {
  const site = await startSite();
  try {
    const { clientId, clientSecret } = site.module.info({ baseUrl: site.url });
    // The sandbox here has no rate limit; told so, the client does not pace itself to Totara's default 250,000 a minute.
    const ours = new TotaraClient({
      url: site.url,
      clientId,
      clientSecret,
      schema: site.module.schema,
      rateLimitPoints: unlimited,
    });
    const active = [...site.module.site.users.values()].filter((u) => !u.deleted).length;

    // Requests: what paginate() sends against the fewest the complexity limit allows.
    const perPage = Math.floor((ours.maxComplexity - QUERY_FIELD_COST) / FIELDS.length);
    const fewest = Math.ceil(active / perPage);
    const before = site.module.stats().requests;
    let items = 0;
    for await (const page of ours.paginate(QUERY).pages()) items += page.items.length;
    const sent = site.module.stats().requests - before;
    if (items !== active) throw new Error(`paginate() returned ${items} users, the site has ${active}`);
    report({
      name: `totara paginate ${active} users, ${FIELDS.length} fields each: requests (auto page size)`,
      ours: sent,
      anchor: fewest,
      anchorName: `fewest the 6,000-point limit allows (${perPage} users a page)`,
      unit: 'requests',
      better: 'lower',
      target: 1.1,
    });

    // Throughput at the same page size, interleaved with a bare loop.
    const { accessToken } = await ours.token();
    const bare = new GraphQLClient(`${site.url}/api/graphql.php`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const runOurs = async () => {
      let pages = 0;
      for await (const _ of ours.paginate(QUERY).pages()) pages++;
      return pages;
    };
    const runBare = async () => {
      let pages = 0;
      let cursor: string | undefined;
      for (;;) {
        const data = await bare.request<Page>(QUERY, {
          query: { pagination: { limit: perPage, ...(cursor ? { cursor } : {}) } },
        });
        pages++;
        cursor = data.core_user_users.next_cursor;
        if (!cursor) return pages;
      }
    };
    await runOurs();
    await runBare();
    const times = { ours: [] as number[], bare: [] as number[] };
    let pages = 0;
    for (let i = 0; i < 5; i++) {
      let start = performance.now();
      pages = await runOurs();
      times.ours.push(performance.now() - start);
      start = performance.now();
      await runBare();
      times.bare.push(performance.now() - start);
    }
    const rate = (ms: number) => (pages / ms) * 1000;
    process.stdout.write(
      `  ${pages} pages: ours min ${Math.min(...times.ours).toFixed(0)} / median ${percentile(times.ours, 50).toFixed(0)} ms, ` +
        `bare loop min ${Math.min(...times.bare).toFixed(0)} / median ${percentile(times.bare, 50).toFixed(0)} ms\n`,
    );
    report({
      name: `totara paginate ${active} users, ${pages} pages (median of 5, interleaved)`,
      ours: rate(percentile(times.ours, 50)),
      anchor: rate(percentile(times.bare, 50)),
      anchorName: 'bare graphql-request loop',
      unit: 'pages/s',
      better: 'higher',
      target: 0.8,
    });
  } finally {
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
