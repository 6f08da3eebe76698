/**
 * The Totara schema the REPL completes and describes from: the site's own by introspection, or, when the site
 * refuses introspection (Totara's default outside developer mode), the SDK's shipped Totara 17.3 schema table.
 */
import type { GraphQLSchema } from 'graphql';
import type { IntrospectionClient } from '../src/totara/index.js';

/** The shape of the shipped schema table (`totara173SchemaTable`): field types, arguments, implementations. */
export interface SchemaTableLike {
  query: string;
  mutation?: string;
  types: Record<string, Record<string, string | readonly unknown[]>>;
  possible?: Record<string, readonly string[]>;
}

const BUILT_IN = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

function named(type: string): string {
  return type.replace(/[[\]!]/g, '');
}

/** SDL for a schema table; every named type the table does not define becomes a scalar. */
export function sdlFromTable(table: SchemaTableLike): string {
  const implementsOf = new Map<string, string[]>();
  for (const [iface, members] of Object.entries(table.possible ?? {}))
    for (const member of members) implementsOf.set(member, [...(implementsOf.get(member) ?? []), iface]);
  const referenced = new Set<string>();
  const blocks: string[] = [];
  for (const [typeName, fields] of Object.entries(table.types)) {
    const lines: string[] = [];
    for (const [fieldName, spec] of Object.entries(fields)) {
      const [type, args] = (typeof spec === 'string' ? [spec, undefined] : spec) as [
        string,
        Record<string, string> | undefined,
      ];
      referenced.add(named(type));
      const argText = args
        ? `(${Object.entries(args)
            .map(([arg, argType]) => {
              referenced.add(named(argType));
              return `${arg}: ${argType}`;
            })
            .join(', ')})`
        : '';
      lines.push(`  ${fieldName}${argText}: ${type}`);
    }
    const kind = table.possible?.[typeName] ? 'interface' : 'type';
    const ifaces = implementsOf.get(typeName);
    blocks.push(
      `${kind} ${typeName}${ifaces ? ` implements ${ifaces.join(' & ')}` : ''} {\n${lines.join('\n')}\n}`,
    );
  }
  for (const name of referenced)
    if (!BUILT_IN.has(name) && !(name in table.types)) blocks.push(`scalar ${name}`);
  const roots = [`query: ${table.query}`, table.mutation ? `mutation: ${table.mutation}` : ''].filter(
    Boolean,
  );
  blocks.push(`schema { ${roots.join(' ')} }`);
  return blocks.join('\n\n');
}

/** Where a loaded schema came from. */
export type SchemaSource = 'site' | 'bundled';

/**
 * Asks the site for its schema through the Totara client (so the token, rules and errors are the client's), with
 * the SDK's own introspection. When the site refuses, the shipped table is used.
 */
export async function loadSchema(
  client: IntrospectionClient,
): Promise<{ schema: GraphQLSchema; source: SchemaSource }> {
  const totara = await import('../src/totara/index.js');
  try {
    return { schema: (await totara.introspectSchema(client)).schema, source: 'site' };
  } catch {
    const sdl = sdlFromTable(totara.totara173SchemaTable as unknown as SchemaTableLike);
    const { buildSchema } = await import('graphql');
    return { schema: buildSchema(sdl, { assumeValidSDL: true }), source: 'bundled' };
  }
}
