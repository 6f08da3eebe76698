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
