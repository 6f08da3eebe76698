/**
 * Emits `schema.ts`: the schema as SDL text without descriptions, which `TotaraClient` checks every operation
 * against before sending (`new TotaraClient({ ..., schema: schemaSdl })`). Totara itself does not validate: an
 * unknown field comes back silently missing, so the check has to happen on the client.
 */
import { type GraphQLSchema, parse, print, printSchema, visit } from 'graphql';

/** The body of `schema.ts`. */
export function emitSchemaSdl(schema: GraphQLSchema): string {
  const plain = visit(parse(printSchema(schema)), {
    enter(node) {
      return 'description' in node && node.description ? { ...node, description: undefined } : undefined;
    },
  });
  return [
    "/** The schema as SDL (descriptions left out): give it to `new TotaraClient({ schema: schemaSdl })` so that every operation is checked against this site's schema before it is sent. */\n",
    `export const schemaSdl: string = ${JSON.stringify(print(plain))};\n`,
  ].join('');
}
