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
export { encodePairs, encodeParams, flattenParams, formatLeaf, formatNumber } from './call/encode.js';
export type {
  Page,
  PagedFunction,
  PageItem,
  PageOptions,
  PageParams,
  ToArrayOptions,
} from './call/paging.js';
export { PAGED_FUNCTIONS, Paginator } from './call/paging.js';
export { MoodleSplitError } from './call/split.js';
export type { MoodleClientOptions } from './client.js';
export { MoodleClient } from './client.js';
export { normaliseSiteUrl } from './connection.js';
export * from './definitions.js';
export type { MoodleErrorContext, MoodleErrorOptions, MoodleExceptionBody } from './errors.js';
export {
  isMoodleExceptionBody,
  MoodleAuthError,
  MoodleError,
  MoodleInputError,
  MoodleMaintenanceError,
  MoodlePermissionError,
  MoodleResponseError,
  MoodleServerError,
  moodleErrorFromBody,
  moodleResponseError,
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
  FunctionMap,
  FunctionName,
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
export { MoodleValidationError, suggestFunctions } from './validate/check.js';
export { editDistance } from './validate/names.js';
export {
  cleanScalar,
  isPhpFloatString,
  isPhpIntString,
  type PhpScalar,
  phpString,
} from './validate/param-types.js';
export * from './validate/params.js';
