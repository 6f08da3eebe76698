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
export type { BatchCall, BatchOptions, BatchOutcome, BatchResult } from './batch.js';
export { MoodleValidationError, suggestFunctions } from './check.js';
export type { MoodleClientOptions } from './client.js';
export { MoodleClient } from './client.js';
export * from './definitions.js';
export type { FormPair, MoodleParamValue } from './encode.js';
export { encodePairs, encodeParams, flattenParams, formatLeaf, formatNumber } from './encode.js';
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
export { editDistance } from './names.js';
export type { Page, PagedFunction, PageItem, PageOptions, PageParams, ToArrayOptions } from './paging.js';
export { PAGED_FUNCTIONS, Paginator } from './paging.js';
export { cleanScalar, isPhpFloatString, isPhpIntString, type PhpScalar, phpString } from './php-clean.js';
export { decodePhpForm, type PhpValue } from './php-form.js';
export { normaliseSiteUrl } from './site.js';
export { MoodleSplitError } from './split.js';
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
export * from './validate.js';
export * from './ws-clean.js';
