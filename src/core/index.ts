/**
 * The ground every capability stands on: the HTTP transport, the retry policy, errors, redaction, configuration,
 * pagination and progress events.
 *
 * Every public name is listed here; what is not listed is internal and may change.
 *
 * @module core
 */

// Configuration profiles, shared with `mts` and the REPL
export type {
  ConfigSource,
  ProfileKey,
  ProfileSettings,
  ResolveConfigOptions,
  ResolvedConfig,
} from './config.js';
export { configDir, listProfiles, resolveConfig, saveProfile } from './config.js';
// Errors
export type { MtsErrorOptions, RedactedRequest } from './errors.js';
export { ConfigError, InputError, MtsError, TransportError } from './errors.js';
// Output style (what the CLI uses to colour what the SDK formats)
export type { Style } from './format.js';
// Pagination
export type { FetchedPage, PageFetcher, ToArrayOptions } from './pages.js';
export { Paginator } from './pages.js';
// Progress reported by long operations
export type { ProgressEvent, ProgressListener } from './progress.js';
// Secrets
export type { RegisterSecretOptions } from './redact.js';
export {
  isSecretKey,
  MASK,
  maskSecrets,
  redactHeaders,
  redactParams,
  redactUrl,
  registerSecret,
} from './redact.js';
// Retry policy
export type { RetryPolicy } from './retry.js';
export { DEFAULT_RETRY_POLICY } from './retry.js';
// HTTP transport
export type { HttpMethod, HttpRequest, HttpResponse, TransportOptions } from './transport.js';
export { readBytes, readText, sharedDispatcher, Transport, USER_AGENT } from './transport.js';
