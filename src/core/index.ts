/**
 * The ground every capability stands on: the HTTP transport, the retry policy, errors, redaction, configuration
 * and atomic file writes.
 *
 * @module core
 */
export * from './atomic.js';
export * from './config.js';
export * from './debug.js';
export * from './errors.js';
export * from './format.js';
export * from './pages.js';
export type * from './progress.js';
export * from './redact.js';
export * from './retry.js';
export * from './transport.js';
