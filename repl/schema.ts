/** The Totara schema the REPL completes and describes from: the site's own, by introspection. */
import type { GraphQLSchema, IntrospectionQuery } from 'graphql';

type Requester = { request?: unknown };

/**
 * Asks the site for its schema through the Totara client (so the token, rules and errors are the client's) and
 * builds it. The introspection operation is renamed to lower snake_case, as Totara requires.
 */
export async function loadSchema(client: Requester): Promise<GraphQLSchema> {
  const graphql = await import('graphql');
  const document = graphql
    .getIntrospectionQuery({ descriptions: false })
    .replace('query IntrospectionQuery', 'query repl_introspection');
  const request = client.request as (document: string) => Promise<IntrospectionQuery>;
  const result = await request.call(client, document);
  return graphql.buildClientSchema(result);
}
