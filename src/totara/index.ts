/**
 * Totara GraphQL: OAuth2 client credentials, typed operations, cursor pagination and Totara's own rules.
 *
 * @module totara
 */
export * from './builder/index.js';
export type {
  TotaraBatchOperation,
  TotaraBatchResult,
  TotaraClientOptions,
  TotaraRequestOptions,
} from './client.js';
export { TotaraClient } from './client.js';
export {
  DEFAULT_PAGE_LIMIT,
  operationCost,
  selectionDepth,
} from './complexity.js';
export type { TotaraErrorOptions, TotaraGraphQLError } from './errors.js';
export {
  TotaraAuthError,
  TotaraComplexityError,
  TotaraError,
  TotaraInternalError,
  TotaraPermissionError,
  TotaraRateLimitError,
  TotaraValidationError,
} from './errors.js';
export type { PreparedOperation, TotaraDocument } from './operation.js';
export { prepareOperation } from './operation.js';
export type { PagingClient, TotaraPage, TotaraPaginateOptions, TotaraPaginator } from './paginate.js';
export * from './rules.js';
export * from './schema/index.js';
export type { TotaraAccessToken } from './token.js';
export type * from './typed-document.js';
