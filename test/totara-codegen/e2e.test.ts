import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/totara/index.js';
import type { TypedDocument } from '../../src/totara/typed-document.js';
import { runCli } from '../helpers/cli.js';
import { type RunningTotara, startTotara } from '../totara/sandbox.js';

let site: RunningTotara;
let dir: string;
beforeAll(async () => {
  site = await startTotara({ introspection: true, users: 40 });
  dir = await mkdtemp(join(tmpdir(), 'mts-codegen-e2e-'));
});
afterAll(async () => {
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('generated code against the sandbox Totara', () => {
  it('runs a builder query through TotaraClient and gets the shape its type promises', async () => {
    const op = query('first_users', {
      core_user_users: {
        __args: { query: { pagination: { limit: 3 } } },
        items: {
          id: true,
          username: true,
          __typename: true,
          firstaccess: true,
          lastaccess: { __args: { format: 'ISO8601' } },
        },
        total: true,
        next_cursor: true,
      },
    });
    const data = await site.client().request(op.document, op.variables);
    expect(data.core_user_users.items).toHaveLength(3);
    for (const user of data.core_user_users.items) {
      expect(user.__typename).toBe('core_user');
      expect(user.id).toMatch(/^\d+$/); // core_id: a numeric string
      // core_date follows `format`: Unix seconds as a string for the default TIMESTAMP, ISO 8601 when asked
      if (user.firstaccess !== null) expect(user.firstaccess).toMatch(/^\d+$/); // Unix seconds, as a string
      if (user.lastaccess !== null) expect(user.lastaccess).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(data.core_user_users.items.some((u) => u.firstaccess !== null && u.lastaccess !== null)).toBe(
      true,
    );
    expect(data.core_user_users.total).toBeGreaterThanOrEqual(3);
    expect(typeof data.core_user_users.next_cursor).toBe('string');
  });

  it('pages through a builder query with TotaraClient.paginate', async () => {
    const op = query('all_users', {
      core_user_users: { __args: { query: {} }, items: { id: true }, total: true, next_cursor: true },
    });
    const items = await site
      .client()
      .paginate<{ id: string }>(op.document, op.variables, { pageSize: 7 })
      .toArray({ limit: 20 });
    expect(items).toHaveLength(20);
    expect(new Set(items.map((item) => item.id)).size).toBe(20);
  });

  it('generates typed documents from the site by introspection, and they run', async () => {
    await writeFile(
      join(dir, 'users.graphql'),
      'query some_users($query: core_user_users_query) {\n  core_user_users(query: $query) { items { id username } total next_cursor }\n}\n',
    );
    const info = site.module.info({ baseUrl: site.url });
    const env = { MTS_TOTARA_CLIENT_ID: info.clientId, MTS_TOTARA_CLIENT_SECRET: info.clientSecret };
    const out = join(dir, 'gen');
    const run = await runCli(
      ['codegen', 'totara', '--url', site.url, '--out', out, '--documents', join(dir, '*.graphql')],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const ops = (await import(join(out, 'operations.ts'))) as {
      some_users: TypedDocument<
        { core_user_users: { items: Array<{ id: string; username: string | null }> } },
        object
      >;
    };
    const data = await site.client().request(ops.some_users, { query: { pagination: { limit: 2 } } });
    expect(data.core_user_users.items).toHaveLength(2);
  });
});
