/**
 * moodle-totara-sdk: Moodle Web Services, Totara GraphQL, LTI 1.3, Totara HR Import CSV and .mbz backups.
 * Each capability has its own entry point (`moodle-totara-sdk/moodle`, `/totara`, `/lti`, `/hrimport`, `/mbz`,
 * `/sandbox`); this root re-exports the shared core (`moodle-totara-sdk/core`), name by name.
 *
 * @module moodle-totara-sdk
 */

export type {
  ConfigSource,
  FetchedPage,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  MtsErrorOptions,
  PageFetcher,
  ProfileKey,
  ProfileSettings,
  ProgressEvent,
  ProgressListener,
  RedactedRequest,
  RegisterSecretOptions,
  ResolveConfigOptions,
  ResolvedConfig,
  RetryPolicy,
  Style,
  ToArrayOptions,
  TransportOptions,
} from './core/index.js';
export {
  ConfigError,
  configDir,
  DEFAULT_RETRY_POLICY,
  InputError,
  isSecretKey,
  listProfiles,
  MASK,
  MtsError,
  maskSecrets,
  Paginator,
  readBytes,
  readText,
  redactHeaders,
  redactParams,
  redactUrl,
  registerSecret,
  resolveConfig,
  saveProfile,
  sharedDispatcher,
  Transport,
  TransportError,
  USER_AGENT,
} from './core/index.js';
