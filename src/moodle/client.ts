/**
 * The Moodle Web Services client: typed `call()` over the REST protocol, with local validation, read-only
 * retries, splitting of large arrays, warnings surfaced, and the token kept out of URLs, logs and `console.log`.
 */
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { debug } from '../core/debug.js';
import { assertKnownOptions, InputError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { RetryPolicy } from '../core/retry.js';
import { Transport } from '../core/transport.js';
import { type BatchCall, type BatchOptions, type BatchResult, runBatch } from './call/batch.js';
import { encodeForm } from './call/encode.js';
import {
  type PagedFunction,
  type PageItem,
  type PageOptions,
  type PageParams,
  type Paginator,
  paginate,
} from './call/paging.js';
import { REST_HEADERS, RestControl, SETTING_KEYS } from './call/rest-form.js';
import { sendInPieces } from './call/split.js';
import { missingToken, normaliseSiteUrl, readMoodleJson, type SiteAccess } from './connection.js';
import { coreFunctionTable, type FunctionTable, type WsFunctionInfo } from './definitions.js';
import { MoodleError } from './errors.js';
import {
  type DownloadOptions,
  downloadFile,
  type MoodleDownload,
  type UploadInput,
  type UploadOptions,
  type UploadResult,
  uploadFiles,
} from './files.js';
import type { MoodleFunctions } from './generated/types.js';
import { type LoginOptions, type LoginResult, requestToken } from './login.js';
import {
  CALL_OPTION_KEYS,
  type CallArgs,
  type FunctionMap,
  type FunctionName,
  type MoodleCaller,
  type MoodleCallOptions,
  type MoodleSettings,
  type MoodleWarning,
  type ResultOf,
  type WarningListener,
} from './types.js';
import { assertValidParams, normaliseParams, resolveFunction, unknownOnSite } from './validate/check.js';

/** Options of {@link MoodleClient}. Durations are milliseconds. */
export interface MoodleClientOptions {
  /** The site's wwwroot, sub-path included (`https://host/moodle`). */
  url: string;
  /** A web service token. Optional when you call {@link MoodleClient.login} first. */
  token?: string | undefined;
  /** Deadline of one attempt (default 30,000; 0 disables it). */
  timeoutMs?: number | undefined;
  /** Retry pacing for `read` functions, or false. Write functions are never retried. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** An undici Dispatcher (proxy, custom TLS, tests). Defaults to the shared keep-alive pool. */
  dispatcher?: Dispatcher | undefined;
  /** Sent as `User-Agent`. */
  userAgent?: string | undefined;
  /** The function table: Moodle 4.5 core by default, your site's from `mts codegen moodle`, or false for none. */
  functions?: FunctionTable | false | undefined;
  /** Refuse every function the table lacks (default: only names of components the table covers). */
  strictFunctions?: boolean | undefined;
  /** Check parameters before sending (default true). */
  validate?: boolean | undefined;
  /** The site's PHP `max_input_vars` (default 1000, PHP's default). Larger calls are split or refused. */
  maxInputVars?: number | undefined;
  /** Default `moodlewssetting*` values for every call. */
  settings?: MoodleSettings | undefined;
  /** Receives the warnings of every result (default: debug output). */
  onWarning?: WarningListener | undefined;
}

const CLIENT_OPTION_KEYS = [
  'url',
  'token',
  'timeoutMs',
  'retry',
  'dispatcher',
  'userAgent',
  'functions',
  'strictFunctions',
  'validate',
  'maxInputVars',
  'settings',
  'onWarning',
];

const CALL_OPTIONS: ReadonlySet<string> = new Set(CALL_OPTION_KEYS);

/**
 * A Moodle Web Services client (REST protocol, JSON).
 *
 * The type argument `M` is the map that types `call()`: by default Moodle 4.5 core ({@link MoodleFunctions}), where
 * any other name (a plugin's) takes loose parameters. Give your site's map, from the `types.ts` that
 * `mts codegen moodle` writes, to type its plugin functions too.
 *
 * @example
 * ```ts
 * const moodle = new MoodleClient({ url: 'https://lms.example.org', token: process.env.MTS_MOODLE_TOKEN });
 * const site = await moodle.call('core_webservice_get_site_info');
 * const [user] = await moodle.call('core_user_get_users_by_field', { field: 'username', values: ['ann'] });
 * ```
 *
 * @example
 * ```ts
 * import type { MoodleFunctions as SiteFunctions } from './moodle-site/types.js';
 * import { MOODLE_FUNCTION_TABLE } from './moodle-site/functions.js';
 * const site = new MoodleClient<SiteFunctions>({ url, token, functions: FunctionTable.fromCompact(MOODLE_FUNCTION_TABLE) });
 * const { synced } = await site.call('local_acme_sync_users', { userids: [2, 3] });
 * ```
 */
export class MoodleClient<M extends FunctionMap = MoodleFunctions> {
  /** The site's wwwroot, without a trailing slash. */
  readonly url: string;
  #token: string | undefined;
  readonly #transport: Transport;
  readonly #functions: FunctionTable | false | undefined;
  readonly #strict: boolean;
  readonly #validate: boolean;
  readonly #maxInputVars: number;
  readonly #settings: MoodleSettings;
  readonly #onWarning: WarningListener;
  readonly #site: SiteAccess;
  #batchSupported: boolean | undefined;
  readonly #endpoint: string;
  readonly #control: RestControl;

  constructor(options: MoodleClientOptions) {
    assertKnownOptions('MoodleClient', options, CLIENT_OPTION_KEYS);
    this.url = normaliseSiteUrl(options.url);
    this.#endpoint = `${this.url}/webservice/rest/server.php`;
    this.#token = options.token || undefined;
    registerSecret(this.#token);
    this.#transport = new Transport({
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      userAgent: options.userAgent,
    });
    this.#functions = options.functions;
    this.#strict = options.strictFunctions ?? false;
    this.#validate = options.validate ?? true;
    this.#maxInputVars = options.maxInputVars ?? 1000;
    this.#settings = { ...options.settings };
    assertKnownOptions('MoodleClient settings', this.#settings, SETTING_KEYS);
    this.#control = new RestControl(this.#settings);
    this.#onWarning =
      options.onWarning ??
      ((warning, fn) => debug('moodle warning', fn, warning.warningcode, warning.message));
    const self = this;
    this.#site = {
      url: this.url,
      transport: this.#transport,
      token() {
        if (!self.#token) throw missingToken();
        return self.#token;
      },
    };
  }

  /** True when the client holds a token. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** The function table in use (core 4.5 unless another was given), or undefined when disabled. */
  get functions(): FunctionTable | undefined {
    if (this.#functions === false) return undefined;
    return this.#functions ?? coreFunctionTable();
  }

  /** The description of a function, when the table has it. */
  functionInfo(name: string): WsFunctionInfo | undefined {
    return this.functions?.get(name);
  }

  /**
   * Gets a token from `login/token.php` for a username and password and keeps it for later calls.
   *
   * @example
   * ```ts
   * const moodle = new MoodleClient({ url: 'https://lms.example.org' });
   * await moodle.login({ username: 'ann', password: secret });
   * ```
   */
  async login(options: LoginOptions): Promise<LoginResult> {
    const result = await requestToken(this.#site, options);
    this.#token = result.token;
    return result;
  }

  /**
   * Calls a web service function. Known core functions infer their parameters and result; any other name (a
   * site's plugin) takes loose parameters. Parameters are checked locally first; `read` functions are retried
   * on network errors, 5xx and 429 with Retry-After; a large list is split to fit `max_input_vars`.
   *
   * @example
   * ```ts
   * const users = await moodle.call('core_user_create_users', {
   *   users: [{ username: 'ann', firstname: 'Ann', lastname: 'Lee', email: 'ann@example.org', createpassword: true }],
   * });
   * ```
   */
  async call<F extends FunctionName<M>>(fn: F, ...args: CallArgs<F, M>): Promise<ResultOf<F, M>> {
    const [params = {}, options = {}] = args as [unknown, MoodleCallOptions | undefined];
    for (const key in options) {
      // The message names the call, so it is built only when a key is unknown.
      if (!CALL_OPTIONS.has(key)) assertKnownOptions(`call(${fn})`, options, CALL_OPTION_KEYS);
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new InputError('moodle.invalid_params', `Parameters of ${fn} must be an object.`, {
        hint: 'Pass named parameters: call(fn, { key: value }).',
        details: { path: '' },
      });
    }
    const { info, normalised } = this.#checked(fn, params, options.validate ?? this.#validate);
    const control = this.#control.form(this.#site.token(), fn, options);
    const form = encodeForm(normalised);
    const maxVars = options.maxInputVars ?? this.#maxInputVars;
    if (control.fields + form.fields <= maxVars) {
      const body = form.fields === 0 ? control.body : `${control.body}&${form.body}`;
      return (await this.#send(fn, info, body, options)) as ResultOf<F, M>;
    }
    const send = (paramsBody: string) => this.#send(fn, info, `${control.body}&${paramsBody}`, options);
    const split = options.split === false ? false : { info, params: normalised };
    const limits = {
      fields: control.fields + form.fields,
      controlFields: control.fields,
      maxInputVars: maxVars,
    };
    return (await sendInPieces(send, fn, split, limits)) as ResultOf<F, M>;
  }

  /**
   * Runs several calls in one request through `tool_mobile_call_external_functions`, or one by one where the
   * site's service lacks it. Moodle stops at the first error; the result says which calls ran.
   *
   * @example
   * ```ts
   * const { results } = await moodle.batch([
   *   { fn: 'core_webservice_get_site_info' },
   *   { fn: 'core_course_get_courses', params: { options: { ids: [2] } } },
   * ]);
   * ```
   */
  async batch(calls: readonly BatchCall[], options: BatchOptions = {}): Promise<BatchResult> {
    const outcome = await runBatch(
      {
        call: (fn, params, callOptions) =>
          (this as unknown as MoodleCaller).call(
            fn as FunctionName,
            params as never,
            callOptions as never,
          ) as Promise<unknown>,
        check: (fn, params) => this.#checked(fn, params ?? {}, this.#validate).normalised,
        batchSupported: this.#batchSupported,
      },
      calls,
      options,
    );
    this.#batchSupported = outcome.native ? true : outcome.batchSupported;
    return outcome;
  }

  /**
   * Iterates the items of a function that pages (`core_course_search_courses`, `core_cohort_search_cohorts`,
   * `core_enrol_get_enrolled_users`), fetching pages as they are consumed.
   *
   * @example
   * ```ts
   * for await (const course of moodle.paginate('core_course_search_courses', { criterianame: 'search', criteriavalue: 'math' })) {
   *   console.log(course.fullname);
   * }
   * const first50 = await moodle.paginate('core_cohort_search_cohorts', { query: '', context: { contextid: 1 } }).toArray({ limit: 50 });
   * ```
   */
  paginate<F extends PagedFunction>(
    fn: F,
    params: PageParams<F>,
    options: PageOptions = {},
  ): Paginator<PageItem<F>> {
    // Paging knows the core functions' shapes; a site's map types them the same way.
    return paginate(this as unknown as MoodleCaller, fn, params, options);
  }

  /**
   * Uploads files to the user's draft area through `webservice/upload.php` (multipart). Returns the draft
   * item id to pass to functions that take files, the stored records, and the files Moodle refused.
   *
   * @example
   * ```ts
   * const { itemid } = await moodle.upload([{ path: './report.pdf' }]);
   * ```
   */
  upload(files: readonly UploadInput[], options: UploadOptions = {}): Promise<UploadResult> {
    return uploadFiles(this.#site, files, options);
  }

  /**
   * Downloads a `pluginfile.php`, `webservice/pluginfile.php` or `tokenpluginfile.php` URL of this site as a
   * stream. The token goes in the request body, never in the URL.
   *
   * @example
   * ```ts
   * const file = await moodle.download(fileurl);
   * await pipeline(file.stream, createWriteStream(file.filename ?? 'download'));
   * ```
   */
  download(url: string, options: DownloadOptions = {}): Promise<MoodleDownload> {
    return downloadFile(this.#site, url, options);
  }

  /** The function's description (refusing an unknown name that looks known) and the parameters as sent, checked. */
  #checked(
    fn: string,
    params: unknown,
    validate: boolean,
  ): { info: WsFunctionInfo | undefined; normalised: Record<string, unknown> } {
    const info = resolveFunction(this.functions, fn, this.#strict);
    const normalised = normaliseParams(params) as Record<string, unknown>;
    if (info && validate) assertValidParams(info, normalised);
    return { info, normalised };
  }

  async #send(
    fn: string,
    info: WsFunctionInfo | undefined,
    body: string,
    options: MoodleCallOptions,
  ): Promise<unknown> {
    const response = await this.#transport.request({
      method: 'POST',
      url: this.#endpoint,
      headers: REST_HEADERS,
      body,
      idempotent: info?.type === 'read',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
    });
    let result: unknown;
    try {
      result = await readMoodleJson(response, { fn });
    } catch (error) {
      if (error instanceof MoodleError && error.code === 'moodle.unknown_function')
        throw unknownOnSite(error, this.functions ?? coreFunctionTable(), this.url);
      throw error;
    }
    this.#surfaceWarnings(fn, result, options.onWarning);
    return result;
  }

  #surfaceWarnings(fn: string, result: unknown, listener: WarningListener | undefined): void {
    const warnings = (result as { warnings?: unknown } | null)?.warnings;
    if (!Array.isArray(warnings) || warnings.length === 0) return;
    for (const warning of warnings) (listener ?? this.#onWarning)(warning as MoodleWarning, fn);
  }

  /** What `console.log(client)` shows: never the token. */
  [inspect.custom](): string {
    return `MoodleClient { url: '${this.url}', token: ${this.#token ? "'***'" : 'none'} }`;
  }

  /** JSON form: the URL only. */
  toJSON(): { url: string } {
    return { url: this.url };
  }
}
