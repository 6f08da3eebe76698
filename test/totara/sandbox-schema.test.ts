import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { totaraSiteState } from '../../src/hrimport/index.js';
import { createControlledTotaraSandbox } from '../../src/sandbox/totara/index.js';
import { loadSandboxSchema } from '../../src/sandbox/totara/schema.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';
import { startTotara, USERS_QUERY } from './sandbox.js';

describe('the sandbox on its built-in schema (a fresh clone without ../shared)', () => {
  it('serves users, courses, job assignments and the mutations', async () => {
    const totara = await startTotara({ users: 30, courses: 45, schemaFile: false });
    try {
      expect(totara.module.schemaSource).toBe('fallback');
      const client = totara.client();
      const users = await client.paginate(USERS_QUERY, {}, { pageSize: 7 }).toArray();
      expect(users.length).toBe([...totara.module.site.users.values()].filter((u) => !u.deleted).length);
      const courses = await client
        .paginate<{ shortname: string; summary: string }>(
          'query courses($query: core_course_courses_query) { core_course_courses(query: $query) { items { shortname summary(format: PLAIN) } } }',
        )
        .toArray();
      expect(courses).toHaveLength(45);
      expect(courses[0]?.summary).not.toContain('<p>');
      const updated = await client.request<{ core_user_update_user: { user: { suspended: boolean } } }>(
        'mutation suspend_user($u: core_user_user_reference!) { core_user_update_user(target_user: $u, input: { suspended: true }) { user { suspended } } }',
        { u: { username: 'user4' } },
      );
      expect(updated.core_user_update_user.user.suspended).toBe(true);
    } finally {
      await totara.close();
    }
  });

  it("answers HR Import's site-state query (every user and job assignment field HR Import compares)", async () => {
    const totara = await startTotara({ users: 12, schemaFile: false });
    try {
      const site = totaraSiteState(totara.client());
      const users = [];
      for await (const record of site.records('user')) users.push(record);
      const withIdnumber = [...totara.module.site.users.values()].filter((u) => !u.deleted && u.idnumber);
      expect(users.length).toBe(withIdnumber.length);
      expect(users[0]?.values).toHaveProperty('username');
      const jobs = [];
      for await (const record of site.records('jobassignment')) jobs.push(record);
      expect(jobs.length).toBeGreaterThan(0);
    } finally {
      await totara.close();
    }
  });

  it('refuses an explicit schema file that is missing instead of falling back', () => {
    expect(() => createControlledTotaraSandbox({ schemaFile: '/nonexistent/schema.graphql' })).toThrow(
      ConfigError,
    );
  });
});

describe.skipIf(!hasFixtures)(`the sandbox on the real 17.3 external schema ${FIXTURES_SKIP_REASON}`, () => {
  it('the built-in schema has every 17.3 field of users and job assignments (same arguments and types)', () => {
    const real = loadSandboxSchema(fixture('totara-17.3/combined/external-schema-17.3.graphql')).schema;
    const builtIn = loadSandboxSchema(false).schema;
    const shape = (schema: GraphQLSchema, name: string) => {
      const type = schema.getType(name) as GraphQLObjectType;
      return Object.values(type.getFields())
        .filter((field) => field.name !== 'card_display')
        .map((f) => `${f.name}(${f.args.map((a) => `${a.name}: ${a.type}`).join(', ')}): ${f.type}`);
    };
    for (const name of ['core_user', 'totara_job_job_assignment', 'core_user_custom_field'])
      expect(shape(builtIn, name), name).toEqual(shape(real, name));
  });

  it('loads ../shared by default and serves its queries', async () => {
    const totara = await startTotara({ users: 5, introspection: true });
    try {
      expect(totara.module.schemaSource).toBe('file');
      const client = totara.client();
      const data = await client.request<{ __schema: { queryType: { fields: Array<{ name: string }> } } }>(
        'query query_fields { __schema { queryType { fields { name } } } }',
      );
      const names = data.__schema.queryType.fields.map((f) => f.name);
      expect(names).toContain('core_user_users');
      expect(names).toContain('totara_job_job_assignments');
      expect(names).toHaveLength(9);
      const explicit = createControlledTotaraSandbox({
        schemaFile: fixture('totara-17.3/combined/external-schema-17.3.graphql'),
      });
      expect(explicit.schemaSource).toBe('file');
    } finally {
      await totara.close();
    }
  });
});
