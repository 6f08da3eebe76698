/**
 * Totara GraphQL: OAuth2 client credentials, typed operations, cursor pagination and Totara's own rules.
 *
 * @module totara
 */
export * from './builder/index.js';
export * from './rules.js';
export * from './schema/index.js';
export type * from './typed-document.js';
