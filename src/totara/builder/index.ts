/**
 * The typed builder for ad-hoc Totara queries, ready-made for the Totara 17.3 external API, plus that API's
 * generated types (names and types only).
 */
import { type SchemaTypes, schemaTable } from '../generated/table.js';
import { type Builder, createBuilder } from './build.js';

export type { SchemaTable, SchemaTypes } from '../generated/table.js';
export type * from '../generated/types.js';
export type { Builder, BuiltOperation } from './build.js';
export { createBuilder } from './build.js';
export type * from './types.js';

const external173: Builder<SchemaTypes> = createBuilder<SchemaTypes>(schemaTable);

/**
 * Builds a typed query over the Totara 17.3 external API. For your own site's schema, use the `query` that
 * `mts codegen totara` generates.
 *
 * @example
 * ```ts
 * const op = query('my_users', {
 *   core_user_users: { __args: { query: { pagination: { limit: 10 } } }, items: { id: true, fullname: true }, next_cursor: true },
 * });
 * const result = await client.request(op.document, op.variables); // result.core_user_users.items[0].fullname: string
 * ```
 */
export const query: Builder<SchemaTypes>['query'] = external173.query;

/**
 * Builds a typed mutation over the Totara 17.3 external API.
 *
 * @example
 * ```ts
 * const op = mutation('delete_user', { core_user_delete_user: { __args: { target_user: { id: '42' } }, user_id: true } });
 * ```
 */
export const mutation: Builder<SchemaTypes>['mutation'] = external173.mutation;

/** The schema table of the Totara 17.3 external API, as the builder reads it. */
export { schemaTable as totara173SchemaTable } from '../generated/table.js';
