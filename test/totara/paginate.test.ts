import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  estimateCost,
  prepareOperation,
  shippedSchema,
  TotaraRateLimitError,
  type TotaraWaitEvent,
} from '../../src/totara/index.js';
import { type RunningTotara, startTotara, USERS_QUERY } from './sandbox.js';

let totara: RunningTotara;
let activeIds: string[];
beforeAll(async () => {
  totara = await startTotara({ users: 3000 });
  activeIds = [...totara.module.site.users.values()].filter((u) => !u.deleted).map((u) => String(u.id));
});
afterAll(async () => totara?.close());

describe('paginate()', () => {
  it('iterates every active user exactly once, with pages sized under the complexity limit', async () => {
    const client = totara.client();
    const paginator = client.paginate<{ id: string }>(USERS_QUERY);
    const op = prepareOperation(USERS_QUERY);
    const cost = estimateCost(op.definition, op.document, {
      schema: shippedSchema(),
      variables: { query: { pagination: { limit: paginator.pageSize } } },
    });
    expect(cost).toBeLessThanOrEqual(6000);
    const before = totara.module.stats().requests;
    const ids: string[] = [];
    for await (const user of paginator) ids.push(user.id);
    expect(ids).toEqual(activeIds);
    expect(totara.module.stats().requests - before).toBe(Math.ceil(activeIds.length / paginator.pageSize));
  });

  it('picks smaller pages for heavier selections and keeps other query input', async () => {
    const heavy = `query heavy_users($query: core_user_users_query) { core_user_users(query: $query) {
      items { id username firstname lastname email city country lang timezone suspended
        job_assignments { id idnumber fullname position { id fullname } organisation { id fullname } } } } }`;
    const client = totara.client();
    const paginator = client.paginate<{ username: string }>(heavy, {
      query: { sort: [{ column: 'username', direction: 'DESC' }] },
    });
    expect(paginator.pageSize).toBeLessThan(client.paginate(USERS_QUERY).pageSize);
    const users = await paginator.toArray();
    expect(users).toHaveLength(activeIds.length);
    expect(users[0]?.username.localeCompare(users[1]?.username ?? '')).toBeGreaterThan(0);
  });

  it('renews a token that expires in the middle of a run once, and completes the run', async () => {
    const client = totara.client();
    const ids: string[] = [];
    let page = 0;
    for await (const users of client.paginate<{ id: string }>(USERS_QUERY, {}, { pageSize: 500 }).pages()) {
      ids.push(...users.items.map((u) => u.id));
      // Totara answers an expired token with HTTP 200 "Internal server error" and the reason in debugMessage.
      if (++page === 2) totara.module.expireTokens();
    }
    expect(ids).toEqual(activeIds);
    expect(client.tokenRequests).toBe(2);
  });

  it('sizes pages by what they cost: a page fills the complexity budget, and a heavy item shrinks the next', async () => {
    const client = totara.client();
    const paginator = client.paginate<{ id: string }>(USERS_QUERY);
    // 5 points for core_user_users, 3 per user (id, username, suspended): (6000 - 5) / 3 users fit.
    expect(paginator.pageSize).toBe(Math.floor((6000 - 5) / 3));
    const pages = [];
    for await (const page of paginator.pages()) pages.push(page);
    expect(pages[0]?.cost).toBe(5 + 3 * (pages[0]?.items.length ?? 0));
    expect(pages.every((p) => p.cost <= 6000)).toBe(true);
  });

  it('asks again for a smaller page from the same cursor when one runs out of budget (nested lists vary)', async () => {
    const small = await startTotara({ users: 300, maxComplexity: 400 });
    try {
      const first = [...small.module.site.users.values()].find((u) => u.id > 3 && !u.deleted);
      for (let i = 0; i < 60; i++) {
        const id = small.module.site.nextId.job++;
        small.module.site.jobAssignments.set(id, {
          id,
          userid: first?.id ?? 4,
          idnumber: `HEAVY${i}`,
          fullname: '',
          shortname: '',
          startdate: null,
          enddate: null,
          positionid: null,
          organisationid: null,
          managerjaid: null,
          appraiserid: null,
        });
      }
      const doc = `query heavy_jobs($query: core_user_users_query) {
        core_user_users(query: $query) { items { id job_assignments { id idnumber } } } }`;
      const client = small.client({ maxComplexity: 400 });
      const before = small.module.stats().requests;
      const pages = [];
      for await (const page of client.paginate<{ id: string }>(doc).pages()) pages.push(page);
      const users = pages.flatMap((p) => p.items);
      expect(users.map((u) => u.id)).toEqual(
        [...small.module.site.users.values()].filter((u) => !u.deleted).map((u) => String(u.id)),
      );
      expect(pages.every((p) => p.cost <= 400)).toBe(true);
      // one request ran out of budget and was asked again, smaller
      expect(small.module.stats().requests - before).toBe(pages.length + 1);
    } finally {
      await small.close();
    }
  });

  it('toArray({ limit }) stops fetching once it has enough', async () => {
    const before = totara.module.stats().requests;
    const users = await totara.client().paginate(USERS_QUERY, {}, { pageSize: 10 }).toArray({ limit: 25 });
    expect(users).toHaveLength(25);
    expect(totara.module.stats().requests - before).toBe(3);
  });

  it('accepts a pagination variable of its own and pages job assignments', async () => {
    const doc = `query jobs($p: core_pagination_input) { totara_job_job_assignments(query: { pagination: $p }) { items { id } } }`;
    const jobs = await totara.client().paginate<{ id: string }>(doc, {}, { pageSize: 400 }).toArray();
    expect(jobs).toHaveLength(totara.module.site.jobAssignments.size);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
  });

  it('refuses documents it cannot page, before sending', async () => {
    const client = totara.client();
    expect(() => client.paginate('query no_items { totara_webapi_status { status } }')).toThrow(InputError);
    expect(() => client.paginate('query fixed { core_user_users { items { id } } }')).toThrow(/no variable/);
  });
});

describe('pacing by the rate window', () => {
  it('waits for room in the window instead of running into 429 when it knows the limit', async () => {
    const small = await startTotara({ users: 50, rateLimitPoints: 120, rateLimitWindowMs: 400 });
    try {
      const waits: TotaraWaitEvent[] = [];
      const client = small.client({
        rateLimitPoints: 120,
        rateLimitWindowMs: 400,
        onWait: (e) => waits.push(e),
      });
      const users = await client.paginate(USERS_QUERY, {}, { pageSize: 10 }).toArray();
      expect(users).toHaveLength([...small.module.site.users.values()].filter((u) => !u.deleted).length);
      expect(small.module.stats().rateLimited).toBe(0);
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.every((w) => w.reason === 'rate_window' && w.waitMs > 0 && w.waitMs <= 400)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('answers 429 once the window is spent; a query waits the window out once and goes on', async () => {
    const small = await startTotara({ users: 50, rateLimitPoints: 100, rateLimitWindowMs: 300 });
    try {
      const waits: TotaraWaitEvent[] = [];
      const client = small.client({ rateLimitWindowMs: 300, onWait: (e) => waits.push(e) });
      const users = await client.paginate(USERS_QUERY, {}, { pageSize: 10 }).toArray();
      expect(users.length).toBeGreaterThan(40);
      expect(small.module.stats().rateLimited).toBeGreaterThan(0);
      expect(waits.some((w) => w.reason === 'rate_limited' && w.waitMs === 300)).toBe(true);
      // without waiting, the 429 is the caller's to handle
      const impatient = small.client({ waitOnRateLimit: false });
      let error: unknown;
      for (let i = 0; i < 20 && !error; i++)
        error = await impatient.request(USERS_QUERY).then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(TotaraRateLimitError);
    } finally {
      await small.close();
    }
  });
});
