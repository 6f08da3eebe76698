import { readFile } from 'node:fs/promises';
import {
  BreakingChangeType,
  buildASTSchema,
  DangerousChangeType,
  type DocumentNode,
  findBreakingChanges,
  findDangerousChanges,
  type InputObjectTypeDefinitionNode,
  Kind,
  parse,
  print,
  visit,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { compareSchemas, diffSchemas, loadSchemaText, parseDocument } from '../../src/totara/schema/index.js';
import { FIXTURES_SKIP_REASON, fixture, hasFixtures } from '../helpers/fixtures.js';

/** The 17.3 external schema as a site would look after an upgrade that changed a few things. */
function upgraded(sdl: DocumentNode): DocumentNode {
  return visit(sdl, {
    ObjectTypeDefinition(node) {
      if (node.name.value === 'core_user')
        return { ...node, fields: node.fields?.filter((f) => f.name.value !== 'email') }; // field removed
      if (node.name.value === 'Query')
        return {
          ...node,
          fields: node.fields?.map((f) =>
            f.name.value === 'core_user_users'
              ? {
                  ...f,
                  // argument made required
                  arguments: f.arguments?.map((a) => ({
                    ...a,
                    type: { kind: Kind.NON_NULL_TYPE, type: a.type },
                  })),
                }
              : f,
          ),
        };
      return undefined;
    },
    EnumTypeDefinition(node) {
      if (node.name.value !== 'core_date_format') return undefined;
      // one value removed, one added
      const values = node.values?.filter((v) => v.name.value !== 'DATELONG') ?? [];
      return { ...node, values: [...values, { ...values[0], name: { kind: Kind.NAME, value: 'RELATIVE' } }] };
    },
    InputObjectTypeDefinition(node) {
      if (node.name.value !== 'core_pagination_input') return undefined;
      const tenant = parse('input x { tenant: String! }').definitions[0] as InputObjectTypeDefinitionNode;
      return { ...node, fields: [...(node.fields ?? []), ...(tenant.fields ?? [])] }; // required input field added
    },
  });
}

describe.skipIf(!hasFixtures)(
  `schema diff on schemas derived from Totara 17.3 ${FIXTURES_SKIP_REASON}`,
  () => {
    it('finds every change graphql-js finds, with coordinates, and which stored operations each breaks', async () => {
      const text = await readFile(fixture('totara-17.3/combined/external-schema-17.3.graphql'), 'utf8');
      const before = loadSchemaText(text, '17.3.graphql');
      const after = loadSchemaText(print(upgraded(parse(text))), 'next.graphql');
      const documents = [
        parseDocument(
          'query my_users {\n  core_user_users { items { id email } next_cursor }\n}\n\nquery status_check { totara_webapi_status { status } }\n',
          'ops/users.graphql',
        ),
        parseDocument(
          'query paged($query: core_user_users_query) {\n  core_user_users(query: $query) { items { id } }\n}\n',
          'ops/paged.graphql',
        ),
        parseDocument(
          'query access { core_user_users(query: {}) { items { lastaccess(format: DATE) } } }\n',
          'ops/access.graphql',
        ),
      ];
      const report = diffSchemas(before, after, documents);
      const coordinates = report.breaking.map((c) => `${c.kind} ${c.coordinate}`);
      expect(coordinates).toEqual(
        expect.arrayContaining([
          'FIELD_REMOVED core_user.email',
          'ARG_CHANGED_KIND Query.core_user_users(query:)',
          'VALUE_REMOVED_FROM_ENUM core_date_format.DATELONG',
          'REQUIRED_INPUT_FIELD_ADDED core_pagination_input.tenant',
        ]),
      );
      expect(report.dangerous.map((c) => `${c.kind} ${c.coordinate}`)).toContain(
        'VALUE_ADDED_TO_ENUM core_date_format.RELATIVE',
      );

      const graphqlJs = [
        ...findBreakingChanges(before.schema, after.schema),
        ...findDangerousChanges(before.schema, after.schema),
      ];
      for (const change of graphqlJs) {
        const kind = change.type as string;
        expect(
          report.breaking.concat(report.dangerous).some((c) => c.kind === kind),
          `${kind}: ${change.description}`,
        ).toBe(true);
      }
      expect(report.summary.breaking).toBeGreaterThanOrEqual(
        findBreakingChanges(before.schema, after.schema).length,
      );

      const byName = Object.fromEntries(report.operations.map((o) => [o.operation, o]));
      expect(byName.my_users).toMatchObject({ path: 'ops/users.graphql', line: 1, broken: true });
      expect(byName.my_users?.breaking).toContain('core_user.email');
      expect(byName.my_users?.errors.join(' ')).toContain('Cannot query field "email"');
      expect(byName.status_check).toMatchObject({ line: 5, broken: false, breaking: [], errors: [] });
      // uses core_pagination_input through its variable's type: touched by the new required input field
      expect(byName.paged?.breaking).toEqual(
        expect.arrayContaining(['Query.core_user_users(query:)', 'core_pagination_input.tenant']),
      );
      expect(byName.access?.dangerous).toContain('core_date_format.RELATIVE');
      expect(byName.access?.breaking).toContain('core_date_format.DATELONG');
      expect(report.summary).toMatchObject({ operations: 4, brokenOperations: 3 });
    });
  },
);

describe('schema diff beyond graphql-js', () => {
  const base = `
    type Query { items(first: Int! = 10, format: fmt = A, q: item_query): [item!]! }
    type item { id: ID!, name: String, old: String }
    input item_query { limit: Int! = 5, search: String }
    enum fmt { A B }`;

  it('calls a non-null argument or input field losing its default breaking: callers that omitted it now fail', () => {
    const next = base
      .replace('first: Int! = 10', 'first: Int!')
      .replace('limit: Int! = 5', 'limit: Int!')
      .replace('format: fmt = A', 'format: fmt = B')
      .replace('old: String', 'old: String @deprecated(reason: "x")');
    const changes = compareSchemas(buildASTSchema(parse(base)), buildASTSchema(parse(next)));
    expect(changes.map((c) => `${c.severity} ${c.kind} ${c.coordinate}`)).toEqual([
      'breaking ARG_DEFAULT_REMOVED Query.items(first:)',
      'breaking FIELD_DEFAULT_REMOVED item_query.limit',
      'dangerous ARG_DEFAULT_VALUE_CHANGE Query.items(format:)',
      'dangerous FIELD_DEPRECATED item.old',
    ]);
    const graphqlJs = findBreakingChanges(buildASTSchema(parse(base)), buildASTSchema(parse(next)));
    expect(graphqlJs).toEqual([]); // what graphql-js misses
    expect(
      findDangerousChanges(buildASTSchema(parse(base)), buildASTSchema(parse(next))).map((c) => c.type),
    ).toEqual([DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE, DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE]);
  });

  it('treats output nullability as graphql-js does: stricter is safe, looser breaks', () => {
    const stricter = compareSchemas(
      buildASTSchema(parse(base)),
      buildASTSchema(parse(base.replace('name: String', 'name: String!'))),
    );
    expect(stricter).toEqual([]);
    const looser = compareSchemas(
      buildASTSchema(parse(base)),
      buildASTSchema(parse(base.replace('id: ID!', 'id: ID'))),
    );
    expect(looser.map((c) => c.kind)).toEqual([BreakingChangeType.FIELD_CHANGED_KIND]);
  });
});

interface TotaraExpectation {
  type: string;
  description: string;
  class: 'breaking' | 'dangerous/non-breaking';
}

/**
 * Where Totara's tool names a change differently, the kinds of ours that describe the same change. A field losing
 * its default is what Totara calls a required input field added; an argument added to a field is what graphql-js
 * calls a required or optional argument added.
 */
const TOTARA_ALIASES: Record<string, string[]> = {
  ADD_ARG_TO_FIELD: ['OPTIONAL_ARG_ADDED', 'REQUIRED_ARG_ADDED'],
  REQUIRED_INPUT_FIELD_ADDED: ['REQUIRED_INPUT_FIELD_ADDED', 'FIELD_DEFAULT_REMOVED'],
};

describe.skipIf(!hasFixtures)(
  `schema diff on Totara 17.3's own schema-diff test pair ${FIXTURES_SKIP_REASON}`,
  () => {
    it('finds every change Totara’s tool_schema_diff_test expects, the three directive changes included', async () => {
      const dir = 'wild/totara/schema_diff/';
      const expected = JSON.parse(
        await readFile(fixture(`${dir}expected-changes-from-totara-test.json`), 'utf8'),
      ) as { expected: TotaraExpectation[] };
      const before = loadSchemaText(await readFile(fixture(`${dir}schema_test_old.graphqls`), 'utf8'), 'old');
      const after = loadSchemaText(await readFile(fixture(`${dir}schema_test_new.graphqls`), 'utf8'), 'new');
      const report = diffSchemas(before, after);
      const ours = [...report.breaking, ...report.dangerous, ...report.safe];
      const missed: string[] = [];
      for (const want of expected.expected) {
        const kinds = TOTARA_ALIASES[want.type] ?? [want.type];
        // Totara's descriptions name the schema elements concerned; ours must be about the same ones.
        const names = want.description.match(/[a-z][a-z0-9_]*_[a-z0-9_]+|[A-Z][A-Z_]{3,}[A-Z]/g) ?? [];
        const found = ours.find(
          (c) =>
            kinds.includes(c.kind) &&
            names.every((n) => c.coordinate.includes(n) || c.description.includes(n)) &&
            // a change under Totara's own name must be classed as Totara classes it; an alias may be stricter
            (c.kind !== want.type || (want.class === 'breaking') === (c.severity === 'breaking')),
        );
        if (!found) missed.push(`${want.type}: ${want.description}`);
      }
      expect(missed).toEqual([]);
      // Totara's test counts additions without naming them: as many of each kind.
      const count = (kind: string) => ours.filter((c) => c.kind === kind).length;
      for (const kind of ['ADD_FIELD_TO_TYPE', 'ADD_OBJECT_TYPE', 'ADD_INTERFACE_TYPE', 'ADD_SCALAR_TYPE'])
        expect(count(kind)).toBe(expected.expected.filter((e) => e.type === kind).length);
      expect(count('OPTIONAL_ARG_ADDED') + count('REQUIRED_ARG_ADDED')).toBe(
        expected.expected.filter((e) => e.type === 'ADD_ARG_TO_FIELD').length,
      );
      const directive = report.breaking.filter((c) => c.coordinate.startsWith('@my_directive'));
      expect(directive.map((c) => `${c.kind} ${c.coordinate}`).sort()).toEqual([
        'DIRECTIVE_ARG_REMOVED @my_directive(directive_arg_will_be_removed:)',
        'DIRECTIVE_LOCATION_REMOVED @my_directive',
        'REQUIRED_DIRECTIVE_ARG_ADDED @my_directive(required_directive_arg_added:)',
      ]);
    });

    it('tells which stored operations a directive change breaks', () => {
      const base = 'directive @tag(name: String) on FIELD\ntype Query { a: Int }';
      const next = 'directive @tag(name: String, scope: String!) on FIELD\ntype Query { a: Int }';
      const report = diffSchemas(loadSchemaText(base, 'a'), loadSchemaText(next, 'b'), [
        parseDocument('query tagged { a @tag(name: "x") }\nquery plain { a }', 'ops.graphql'),
      ]);
      const byName = Object.fromEntries(report.operations.map((o) => [o.operation, o]));
      expect(byName.tagged?.broken).toBe(true);
      expect(byName.tagged?.breaking).toEqual(['@tag(scope:)']);
      expect(byName.plain?.broken).toBe(false);
    });
  },
);
