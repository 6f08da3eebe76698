/**
 * Moodle Web Services: a typed REST client for every Moodle 4.5 core function, exact about Moodle's form
 * encoding and errors, with local validation, read-only retries, batching, pagination, file upload and download.
 *
 * @example
 * ```ts
 * import { MoodleClient } from 'moodle-totara-sdk/moodle';
 * const moodle = new MoodleClient({ url: process.env.MTS_MOODLE_URL!, token: process.env.MTS_MOODLE_TOKEN });
 * const site = await moodle.call('core_webservice_get_site_info');
 * console.log(site.sitename, site.release);
 * ```
 *
 * @module moodle
 */
export type { BatchCall, BatchOptions, BatchOutcome, BatchResult } from './call/batch.js';
export type { FormPair, MoodleParamValue } from './call/encode.js';
export { encodeParams, flattenParams } from './call/encode.js';
export type { MoodlePage, PagedFunction, PageItem, PageOptions, PageParams } from './call/paging.js';
export { PAGED_FUNCTIONS } from './call/paging.js';
export { MoodleSplitError } from './call/split.js';
export type { MoodleClientOptions } from './client.js';
export { MoodleClient } from './client.js';
export type {
  WsDesc,
  WsFunctionInfo,
  WsMultipleDesc,
  WsRequired,
  WsSingleDesc,
  WsValueDesc,
} from './definitions.js';
export {
  coreFunctionTable,
  DefinitionsError,
  FunctionTable,
  VALUE_DEFAULT,
  VALUE_OPTIONAL,
  VALUE_REQUIRED,
} from './definitions.js';
export type { MoodleErrorContext, MoodleErrorOptions, MoodleExceptionBody } from './errors.js';
export {
  isMoodleExceptionBody,
  MoodleAuthError,
  MoodleError,
  MoodleInputError,
  MoodleMaintenanceError,
  MoodlePermissionError,
  MoodleRateLimitError,
  MoodleResponseError,
  MoodleServerError,
  moodleErrorFromBody,
} from './errors.js';
export type {
  DownloadOptions,
  MoodleDownload,
  UploadedFile,
  UploadInput,
  UploadOptions,
  UploadResult,
} from './files.js';
export { MoodleUploadFileError } from './files.js';
export type { MoodleFunctions } from './generated/types.js';
export type { LoginOptions, LoginResult } from './login.js';
export type {
  AllOptional,
  CallArgs,
  CheckedName,
  ComponentsOf,
  FunctionMap,
  FunctionName,
  FunctionSuggestion,
  KnownFunction,
  LooseParams,
  MoodleCaller,
  MoodleCallOptions,
  MoodleSettings,
  MoodleWarning,
  ParamsOf,
  ResultOf,
  WarningListener,
} from './types.js';
export type { ParamIssue, ValidateParamsOptions } from './validate/issues.js';
export { MoodleValidationError, validateParams } from './validate/issues.js';
export type { ParamSite } from './validate/param-types.js';
