import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DocumentNode, getIntrospectionQuery, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { generateTotara, writeGeneratedFiles } from '../../codegen/totara/generate.js';
import { planFromArgs } from '../../codegen/totara/plan.js';
import { createBuilder } from '../../src/totara/builder/index.js';
import { mutation, query } from '../../src/totara/index.js';
import { typeCheck } from './compile.js';

/** A builder's document is a DocumentNode at run time; its type says only what the client needs. */
const asNode = (document: object) => document as DocumentNode;

import { INTROSPECTION_QUERY, loadSchemaFile } from '../../src/totara/schema/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures, projectRoot } from '../helpers/fixtures.js';

const external = fixture('totara-17.3/combined/external-schema-17.3.graphql');
const dev = fixture('totara-17.3/combined/dev-full-schema-17.3.graphqls');

describe.skipIf(!hasFixtures)(`Totara 17.3 schemas ${FIXTURES_SKIP_REASON}`, () => {
  it('src/totara/generated matches what `npm run generate:totara` writes (run it after changing the generator)', async () => {
    const pkg = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const script = pkg.scripts['generate:totara'] ?? '';
    const argv = script
      .slice(script.indexOf('codegen/totara/cli.ts') + 'codegen/totara/cli.ts'.length)
      .trim()
      .split(/\s+/);
    const plan = await planFromArgs(argv, projectRoot);
    expect(plan?.out).toBe(join(projectRoot, 'src/totara/generated'));
    for (const file of plan?.files ?? []) {
      const committed = await readFile(join(projectRoot, 'src/totara/generated', file.name), 'utf8');
      expect(committed, `src/totara/generated/${file.name} drifted`).toBe(file.content);
    }
    expect(plan?.files.map((f) => f.name)).toEqual(['types.ts', 'table.ts', 'schema.ts']);
  });

  it('ships names and types but none of the fixture prose', async () => {
    const { schema } = await loadSchemaFile(external);
    const shipped = (
      await Promise.all(
        ['types.ts', 'table.ts', 'schema.ts'].map((f) =>
          readFile(join(projectRoot, 'src/totara/generated', f), 'utf8'),
        ),
      )
    ).join('\n');
    const prose = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (type.description) prose.add(type.description);
      if ('getFields' in type)
        for (const field of Object.values(type.getFields())) {
          if (field.description) prose.add(field.description);
          for (const arg of 'args' in field ? field.args : [])
            if (arg.description) prose.add(arg.description);
        }
      if ('getValues' in type)
        for (const value of type.getValues()) if (value.description) prose.add(value.description);
    }
    expect(prose.size).toBeGreaterThan(100);
    const leaked = [...prose].filter(
      (text) => text.length > 12 && shipped.includes(text.split('\n')[0] as string),
    );
    expect(leaked).toEqual([]);
    expect(shipped).toContain("export type core_date_format = 'TIMESTAMP' | 'ISO8601'");
  });

  it('generates the full 741-type dev schema, and the output (builder included) type-checks', {
    timeout: 120_000,
  }, async () => {
    const loaded = await loadSchemaFile(dev);
    const types = Object.keys(loaded.schema.getTypeMap()).filter((n) => !n.startsWith('__'));
    expect(types.length).toBeGreaterThanOrEqual(741);
    const dir = await mkdtemp(join(tmpdir(), 'mts-totara-dev-'));
    try {
      const files = generateTotara({ schema: loaded, inputName: 'dev-full-schema-17.3.graphqls' });
      await writeGeneratedFiles(files, dir);
      await writeFile(
        join(dir, 'use.ts'),
        [
          "import { query } from './builder.js';",
          "const op = query('status_check', { totara_webapi_status: { status: true } });",
          'export const status: string = null as unknown as NonNullable<typeof op.document.__apiType> extends (v: never) => infer R ? R extends { totara_webapi_status: { status: infer S } } ? S : never : never;',
        ].join('\n'),
      );
      expect(typeCheck(files.map((f) => join(dir, f.name)).concat(join(dir, 'use.ts')))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds documents that validate against the 17.3 schema, with arguments sent as variables', async () => {
    const { schema } = await loadSchemaFile(external);
    const op = query('my_users', {
      core_user_users: {
        __args: { query: { pagination: { limit: 10 } } },
        items: { id: true, fullname: true, lastaccess: { __args: { format: 'ISO8601' } } },
        next_cursor: true,
      },
    });
    expect(op.text).toBe(
      'query my_users($core_user_users_query: core_user_users_query, $lastaccess_format: core_date_format) { core_user_users(query: $core_user_users_query) { items { id fullname lastaccess(format: $lastaccess_format) } next_cursor } }',
    );
    expect(op.variables).toEqual({
      core_user_users_query: { pagination: { limit: 10 } },
      lastaccess_format: 'ISO8601',
    });
    expect(validate(schema, asNode(op.document))).toEqual([]);
    const all = query('job_assignments', {
      totara_job_job_assignments: { items: { __scalar: true, fullname: true } },
    });
    expect(all.text).toMatch(/items \{ id userid shortname idnumber .*fullname \}/);
    expect(all.text).not.toMatch(/\buser \{|\buser\b /);
    expect(validate(schema, asNode(all.document))).toEqual([]);
    const aliased = query('two_formats', {
      core_user_users: {
        items: { 'seen_iso:lastaccess': { __args: { format: 'ISO8601' } }, 'seen_at:lastaccess': true },
      },
    });
    expect(aliased.text).toContain(
      'items { seen_iso: lastaccess(format: $seen_iso_format) seen_at: lastaccess }',
    );
    expect(validate(schema, asNode(aliased.document))).toEqual([]);
    expect(() => query('bad_alias', { core_user_users: { items: { '1x:id': true } } } as never)).toThrow(
      expect.objectContaining({ code: 'totara.builder.alias' }),
    );
    const del = mutation('delete_user', {
      core_user_delete_user: { __args: { target_user: { id: '42' } }, user_id: true },
    });
    expect(validate(schema, asNode(del.document))).toEqual([]);
  });

  it('names the introspection query as Totara requires and keeps it a standard introspection query', () => {
    expect(INTROSPECTION_QUERY).toMatch(/^\s*query introspection_query \{/);
    expect(INTROSPECTION_QUERY.replace('introspection_query', 'IntrospectionQuery').trim()).toBe(
      getIntrospectionQuery({ descriptions: true }).trim(),
    );
    expect(() => parse(INTROSPECTION_QUERY)).not.toThrow();
  });
});

describe('typed builder at run time', () => {
  it('refuses a bad operation name, an unknown field or argument, an empty selection', () => {
    expect(() => query('MyUsers', { totara_webapi_status: { status: true } })).toThrow(
      expect.objectContaining({ code: 'totara.builder.operation_name' }),
    );
    expect(() => query('x_status', { totara_webapi_status: { statu: true } } as never)).toThrow(
      expect.objectContaining({ code: 'totara.builder.unknown_field', hint: 'Did you mean status?' }),
    );
    expect(() =>
      query('x_users', { core_user_users: { __args: { nope: 1 }, total: true } } as never),
    ).toThrow(expect.objectContaining({ code: 'totara.builder.unknown_argument' }));
    expect(() => query('x_users', { core_user_users: {} } as never)).toThrow(
      expect.objectContaining({ code: 'totara.builder.empty_selection' }),
    );
    // A self-referencing type nested past Totara's depth limit of 15.
    const table = {
      query: 'Query',
      mutation: null,
      types: { Query: { node: 'node' }, node: { next: 'node', value: 'Int' } },
      possible: {},
    };
    const { query: nodeQuery } = createBuilder(table);
    let selection: Record<string, unknown> = { value: true };
    // Totara's depth (graphql-php QueryDepth) counts fields with a selection below the top: node 0, each next one more.
    for (let i = 0; i < 15; i++) selection = { next: selection };
    expect(nodeQuery('deep_enough', { node: selection } as never).text).toContain('value');
    expect(() => nodeQuery('too_deep', { node: { next: selection } } as never)).toThrow(
      expect.objectContaining({ code: 'totara.builder.too_deep' }),
    );
  });
});
