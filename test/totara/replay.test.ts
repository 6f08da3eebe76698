/**
 * Every exchange captured from a real Totara 17.3 (`../shared/fixtures/totara-17.3/live/`, 150 files) is sent to the
 * sandbox in the order it was captured, and the answer is compared with the real one: the same status, content type
 * (and `Connection: close` on 429, a session cookie from the token endpoint), the same JSON shape (the same keys at
 * every level, `data: []` versus `{}`, absent versus null; values only by type, since ids, tokens, times and the
 * site's users differ), and the same messages, debug messages, categories, locations and paths, exactly.
 *
 * Where a capture depends on what happened on the real site outside the capture (users made by other helpers, the
 * five requests that filled the rate window before 110, the admin changing a setting), the replay sets the sandbox up
 * the same way first; each such step is listed in SETUP with its reason. Exchanges the sandbox cannot reproduce would
 * be listed in EXCEPTIONS with theirs; there are none.
 */
import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../../src/sandbox/totara/data.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { type RunningTotara, startTotara } from './sandbox.js';

interface Exchange {
  name: string;
  file: string;
  request: { method: string; url: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
  captured_at: string;
}

/** The real site's API client id, so that its token requests can be sent as captured. */
const CLIENT_ID = '3hR1aTIFIBw96q2i';
const CLIENT_SECRET = 'replay-client-secret-0000000000';

/** Exchanges the sandbox cannot reproduce, with the reason. */
const EXCEPTIONS: Record<string, string> = {};

/** What the replay sets up before an exchange, and why the real site was in that state. */
const SETUP: Record<string, { why: string; run: (t: RunningTotara, send: Sender) => Promise<void> }> = {
  '60_query_complexity_exceeded': {
    why: 'the real site had 85 active users then (61 reports total 85); the budget runs out at a3.items.16.url only with as many',
    run: async (t) => activeUsers(t, 85),
  },
  '86_mutation_update_user_duplicate_username': {
    why: 'sdk.e1 was a user another helper had created on the real site',
    run: async (t) => {
      const id = t.module.site.nextId.user++;
      t.module.site.users.set(id, newUser(id, { username: 'sdk.e1', idnumber: 'SDK-E1', firstname: 'Zoë' }));
    },
  },
  '100_debug_0_none_resolver_error': debugLevel('none'),
  '100_debug_1_normal_resolver_error': debugLevel('normal'),
  '100_debug_2_developer_resolver_error': debugLevel('developer'),
  '101_debug_0_none_graphql_error': debugLevel('none'),
  '101_debug_1_normal_graphql_error': debugLevel('normal'),
  '101_debug_2_developer_graphql_error': debugLevel('developer'),
  '102_debug_0_none_request_error': debugLevel('none'),
  '102_debug_1_normal_request_error': debugLevel('normal'),
  '102_debug_2_developer_request_error': debugLevel('developer'),
  '110_rate_limit_last_ok_before_429': {
    why: 'the admin set the client limit to 40 points and five status queries (7 points each) had been sent; the window is shortened to 1.5 s here so that 114 need not wait a minute',
    run: async (t, send) => {
      t.module.configure({ responseDebug: 'normal', rateLimitPoints: 40, rateLimitWindowMs: 1_500 });
      t.module.resetRateWindow();
      for (let i = 0; i < 5; i++) await send(STATUS_TIMESTAMP);
    },
  },
  '114_rate_limit_recovered': {
    why: 'the real client polled every 5 s until the 60 s window had passed',
    run: async () => new Promise((resolve) => setTimeout(resolve, 1_600)),
  },
  '115_rate_limit_site_429': {
    why: 'the admin restored the client limit and set the site limit to 40, then the window filled again',
    run: async (t, send) => {
      t.module.configure({ rateLimitPoints: 250_000, siteRateLimitPoints: 40 });
      t.module.resetRateWindow();
      for (let i = 0; i < 6; i++) await send(STATUS_TIMESTAMP);
    },
  },
  '116_rate_limit_after_restore': {
    why: 'the admin restored both limits (250,000 and 500,000)',
    run: async (t) => {
      t.module.configure({ siteRateLimitPoints: 500_000, rateLimitWindowMs: 60_000 });
      t.module.resetRateWindow();
    },
  },
  '47b_introspection_enabled_full': {
    why: 'the admin enabled introspection for this one call',
    run: async (t) => t.module.configure({ introspection: true }),
  },
  '47c_introspection_after_restore': {
    why: 'and turned it off again',
    run: async (t) => t.module.configure({ introspection: false }),
  },
};

const STATUS_TIMESTAMP = {
  operationName: 'gq_status',
  query: 'query gq_status { totara_webapi_status { status timestamp } }',
};

type Sender = (body: unknown) => Promise<void>;

function debugLevel(level: 'none' | 'normal' | 'developer') {
  return {
    why: `the API client's response debug level was set to ${level.toUpperCase()}`,
    run: async (t: RunningTotara) => t.module.configure({ responseDebug: level }),
  };
}

/** Makes exactly `count` users active (not deleted), deleting or adding generated ones. */
async function activeUsers(t: RunningTotara, count: number): Promise<void> {
  const users = t.module.site.users;
  let active = [...users.values()].filter((u) => !u.deleted);
  for (const user of active.reverse()) {
    if (active.length <= count || user.id <= 3) break;
    user.deleted = true;
    active = active.filter((u) => u !== user);
  }
  while ([...users.values()].filter((u) => !u.deleted).length < count) {
    const id = t.module.site.nextId.user++;
    users.set(id, newUser(id, { username: `filler${id}`, firstname: 'Fill', lastname: 'Er' }));
  }
}

async function loadExchanges(): Promise<Exchange[]> {
  const dir = fixture('totara-17.3/live/');
  const names = [
    ...(await readdir(dir)).filter((n) => n.endsWith('.json')),
    ...(await readdir(`${dir}pagination_limit2`)).map((n) => `pagination_limit2/${n}`),
  ];
  const all = await Promise.all(
    names.map(async (file) => ({
      ...(JSON.parse(await readFile(`${dir}${file}`, 'utf8')) as Exchange),
      file,
    })),
  );
  return all.sort((a, b) =>
    a.captured_at === b.captured_at ? (a.file < b.file ? -1 : 1) : a.captured_at < b.captured_at ? -1 : 1,
  );
}

/** Ids the real site gave to what the capture created, mapped to the ones the sandbox gave. */
const ids = new Map<string, string>();

function learnIds(real: unknown, ours: unknown): void {
  if (Array.isArray(real) && Array.isArray(ours)) {
    real.forEach((r, i) => {
      learnIds(r, ours[i]);
    });
  } else if (real && ours && typeof real === 'object' && typeof ours === 'object') {
    for (const [key, value] of Object.entries(real)) {
      const mine = (ours as Record<string, unknown>)[key];
      if (/(^|_)id$/.test(key) && typeof value === 'string' && typeof mine === 'string' && value !== mine)
        ids.set(value, mine);
      else learnIds(value, mine);
    }
  }
}

function mapIds(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => mapIds(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapIds(v, k)]));
  if (key === 'id' && (typeof value === 'string' || typeof value === 'number')) {
    const mapped = ids.get(String(value));
    return mapped === undefined ? value : typeof value === 'number' ? Number(mapped) : mapped;
  }
  return value;
}

describe.skipIf(!hasFixtures)(
  `the sandbox replays every captured Totara 17.3 exchange ${FIXTURES_SKIP_REASON}`,
  () => {
    let exchanges: Exchange[] = [];
    let totara: RunningTotara;
    let token = '';
    beforeAll(async () => {
      exchanges = await loadExchanges();
      totara = await startTotara({
        users: 150,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        serviceUsername: 'sdkapiuser',
      });
      token = totara.module.issueToken();
      return () => totara.close();
    });

    const headerValue = (value: string): string => {
      if (value === 'Bearer <token>') return `Bearer ${token}`;
      if (value === 'bearer <token>') return `bearer ${token}`;
      if (value === 'Bearer <token with last 4 signature chars replaced>')
        return `Bearer ${token.slice(0, -4)}abcd`;
      if (value === 'Bearer <expired token>') return `Bearer ${totara.module.issueToken(0)}`;
      if (value === 'Basic <base64(client_id:client_secret)>')
        return `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      return value;
    };

    async function send(request: Exchange['request']) {
      const path = new URL(request.url).pathname + new URL(request.url).search;
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, headerValue(v)]),
      );
      let body: string | undefined;
      if (typeof request.body === 'string') body = request.body.replace('<client_secret>', CLIENT_SECRET);
      else if (request.body !== null && request.body !== undefined)
        body = JSON.stringify(mapIds(request.body)).replace('<client_secret>', CLIENT_SECRET);
      const response = await fetch(
        `${totara.url}${path.replace('%3Cclient_secret%3E', CLIENT_SECRET).replace('<client_secret>', CLIENT_SECRET)}`,
        {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
        },
      );
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
    }

    it('answers every one as the real site did, or lists why not', async () => {
      expect(exchanges.length).toBeGreaterThanOrEqual(150); // 115 exchanges and 38 pages
      const mismatches: string[] = [];
      const setups: string[] = [];
      for (const exchange of exchanges) {
        const name = exchange.file.replace(/\.json$/, '');
        const setup = SETUP[name];
        if (setup) {
          setups.push(`${name}: ${setup.why}`);
          await setup.run(totara, async (body) => {
            await send({
              method: 'POST',
              url: 'http://x/api/graphql.php',
              headers: { Authorization: 'Bearer <token>' },
              body,
            });
          });
        }
        const got = await send(exchange.request);
        const problems = compareExchange(exchange, got);
        if (
          exchange.request.body &&
          typeof exchange.request.body === 'object' &&
          !Array.isArray(exchange.request.body)
        ) {
          const query = String((exchange.request.body as { query?: unknown }).query ?? '');
          if (/^\s*mutation/.test(query)) learnIds(exchange.response.body, got.body);
        }
        if (EXCEPTIONS[name]) {
          // An exception that no longer differs must leave the list.
          expect(problems, `${name} now matches: remove it from EXCEPTIONS`).not.toEqual([]);
          continue;
        }
        for (const problem of problems) mismatches.push(`${name}: ${problem}`);
      }
      expect(mismatches).toEqual([]);
      expect(setups.length).toBe(Object.keys(SETUP).length);
    });
  },
);

/** Differences between what the real site answered and what the sandbox answered. */
function compareExchange(
  exchange: Exchange,
  got: { status: number; headers: Headers; body: unknown },
): string[] {
  const out: string[] = [];
  const real = exchange.response;
  if (real.status !== got.status) out.push(`status ${got.status}, the real site ${real.status}`);
  const header = (name: string) => Object.entries(real.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const type = header('content-type');
  if (type && got.headers.get('content-type') !== type)
    out.push(`content type ${got.headers.get('content-type')}, the real site ${type}`);
  if (header('set-cookie') !== undefined && !got.headers.get('set-cookie')) out.push('no session cookie');
  if (real.status === 429) {
    if (got.headers.get('connection') !== 'close') out.push('429 without Connection: close');
    if (got.headers.get('retry-after') !== null) out.push('429 with a Retry-After Totara does not send');
  }
  compareValue(real.body, got.body, '$', out);
  return out;
}

/** Keys whose values must be equal, not only of the same type (`locations` and `path` only within an error). */
const EXACT = new Set([
  'message',
  'debugMessage',
  'error',
  'category',
  'token_type',
  'error_description',
  'hint',
]);
const EXACT_IN_ERRORS = new Set(['locations', 'path']);

/** Text of ours with the sandbox's ids of created records put back to the real site's, for comparison. */
function realIds(value: unknown): string {
  let text = JSON.stringify(value);
  for (const [real, mine] of ids) text = text.split(`\\"id\\":\\"${mine}\\"`).join(`\\"id\\":\\"${real}\\"`);
  return text;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function cursorShape(value: string): string {
  if (value === '') return 'empty';
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as {
      limit?: unknown;
      columns?: object;
    };
    return `limit:${typeof parsed.limit} columns:${Object.keys(parsed.columns ?? {})
      .sort()
      .join(',')}`;
  } catch {
    return 'not a cursor';
  }
}

function compareValue(real: unknown, ours: unknown, path: string, out: string[]): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (EXACT.has(key) || (EXACT_IN_ERRORS.has(key) && path.includes('.errors['))) {
    if (JSON.stringify(real) !== realIds(ours))
      out.push(`${path} is ${JSON.stringify(ours)}, the real site said ${JSON.stringify(real)}`);
    return;
  }
  if (key === 'next_cursor' && typeof real === 'string' && typeof ours === 'string') {
    // Where both go on, the cursors must have the same format; one site may have rows left where the other has not.
    if (real !== '' && ours !== '' && cursorShape(real) !== cursorShape(ours))
      out.push(`${path} cursor ${cursorShape(ours)}, the real site ${cursorShape(real)}`);
    return;
  }
  // The sites' data differ: a value that is null on one side may be set on the other.
  if (real === null || ours === null) return;
  if (kind(real) !== kind(ours)) {
    out.push(`${path} is ${kind(ours)}, the real site ${kind(real)}`);
    return;
  }
  if (Array.isArray(real) && Array.isArray(ours)) {
    if (key === 'errors' && real.length !== ours.length)
      out.push(`${path} holds ${ours.length} errors, the real site ${real.length}`);
    if (real.length === 0 || ours.length === 0) return;
    ours.forEach((item, i) => {
      compareValue(real[Math.min(i, real.length - 1)], item, `${path}[${i}]`, out);
    });
    return;
  }
  if (kind(real) === 'object') {
    const a = real as Record<string, unknown>;
    const b = ours as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!(k in b)) out.push(`${path}.${k} is missing`);
      else if (!(k in a)) out.push(`${path}.${k} is there, the real site has no such key`);
      else compareValue(a[k], b[k], `${path}.${k}`, out);
    }
  }
}
