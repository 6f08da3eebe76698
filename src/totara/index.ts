/**
 * Totara GraphQL: OAuth2 client credentials, operations checked against the site's schema before sending, answers
 * read the way Totara means them, cost-paced cursor pagination, a typed builder, and Totara's own rules. Every
 * public name is listed here; the wire format, error mapping and pacing internals stay internal.
 *
 * @module totara
 */
import { type Builder, createBuilder } from './builder/build.js';
import { type SchemaTypes, schemaTable } from './generated/table.js';

export { type Builder, type BuiltOperation, createBuilder } from './builder/build.js';
/** The type-level machinery behind {@link Selection} and {@link ResultOfSelection} (selections, results, strictness checks). */
export type * as BuilderTypes from './builder/types.js';
export type {
  BuilderSchema,
  BuilderTable,
  BuiltDocument,
  FieldSpec,
  ResultOfSelection,
  Selection,
} from './builder/types.js';
export { TotaraClient } from './client.js';
export type {
  TotaraBatchOperation,
  TotaraBatchOptions,
  TotaraBatchResult,
  TotaraClientOptions,
  TotaraRequestOptions,
  TotaraWaitEvent,
} from './client-options.js';
export {
  DEFAULT_PAGE_LIMIT,
  type EstimateOptions,
  estimateCost,
  fieldCost,
  measuredCost,
  queryDepth,
} from './complexity.js';
export {
  TotaraAuthError,
  TotaraComplexityError,
  TotaraError,
  type TotaraErrorOptions,
  type TotaraGraphQLError,
  TotaraInternalError,
  TotaraPermissionError,
  TotaraRateLimitError,
  TotaraRefusedError,
  TotaraValidationError,
} from './errors.js';
/** The Totara 17.3 external schema as SDL without descriptions (what the client checks operations against by default). */
export { schemaSdl as totara173SchemaSdl } from './generated/schema.js';
/** The schema table of the Totara 17.3 external API, as the builder reads it. */
export {
  type SchemaTable,
  type SchemaTypes,
  schemaTable as totara173SchemaTable,
} from './generated/table.js';
/** The TypeScript types of the Totara 17.3 external schema (`Totara173.core_user`...), generated. */
export type * as Totara173 from './generated/types.js';
export { type PreparedOperation, prepareOperation, type TotaraDocument } from './operation.js';
export { type TotaraPage, type TotaraPaginateOptions, TotaraPaginator } from './pages/paginate.js';
export {
  CLIENT_RATE_LIMIT_POINTS,
  MAX_QUERY_COMPLEXITY,
  MAX_QUERY_DEPTH,
  MUTATION_FIELD_COST,
  OPERATION_NAME_PATTERN,
  operationNameProblem,
  QUERY_FIELD_COST,
  RATE_LIMIT_WINDOW_MS,
  SITE_RATE_LIMIT_POINTS,
  TYPE_FIELD_COST,
} from './rules.js';
export {
  type ChangeSeverity,
  checkDocuments,
  compareSchemas,
  type DocumentProblem,
  describeSchemaItem,
  diffSchemas,
  expandGlobs,
  findDocumentProblems,
  INTROSPECTION_OPERATION_NAME,
  INTROSPECTION_QUERY,
  type IntrospectionClient,
  introspectSchema,
  type LoadedSchema,
  loadSchemaFile,
  loadSchemaText,
  type OperationImpact,
  type OperationSet,
  parseDocument,
  readDocuments,
  type SchemaChange,
  type SchemaDiffReport,
  type SchemaFormat,
  type SchemaItemDescription,
  type SourceDocument,
  schemaFileContent,
  schemaFromIntrospection,
  TotaraSchemaError,
} from './schema/index.js';
export type { TotaraAccessToken } from './token.js';
export type { ResultOf, TypedDocument, VariablesOf } from './typed-document.js';
export { shippedSchema, type TotaraSchemaOption } from './validate.js';

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
