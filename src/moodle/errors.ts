/**
 * Typed errors for everything Moodle can answer instead of a result. Moodle reports failures as HTTP 200 with
 * `{exception, errorcode, message, debuginfo?}` (REST) or `{error, errorcode, ...}` (`login/token.php`,
 * `webservice/upload.php`); {@link moodleErrorFromBody} maps both to a class by cause, keeping `errorcode` and
 * `debuginfo` and adding a hint. Pages that are not Moodle JSON at all (HTML, a proxy's 502) become
 * {@link MoodleResponseError}.
 */
import { MtsError, type MtsErrorOptions, type RedactedRequest } from '../core/errors.js';
import { maskSecrets } from '../core/redact.js';
import { excerpt } from '../core/transport.js';

/** Options of {@link MoodleError}. */
export interface MoodleErrorOptions extends MtsErrorOptions {
  /** Moodle's own error code (`invalidtoken`, `invalidparameter`...). */
  errorcode?: string | undefined;
  /** Moodle's debug detail (sent only when the site has developer debugging on). */
  debuginfo?: string | undefined;
  /** The PHP exception class Moodle named. */
  exception?: string | undefined;
  /** The web service function that failed. */
  fn?: string | undefined;
}

/**
 * Base class of every error Moodle answered. `code` is ours and stable (`moodle.invalid_token`); `errorcode` is
 * Moodle's; `debuginfo` is kept when the site sent it.
 *
 * @example
 * ```ts
 * try { await moodle.call('core_user_get_users_by_field', { field: 'id', values: [2] }); }
 * catch (e) { if (e instanceof MoodleError) console.log(e.errorcode, e.hint); }
 * ```
 */
export class MoodleError extends MtsError {
  /** Moodle's error code, as the site sent it. */
  readonly errorcode: string | undefined;
  /** Moodle's debug detail, when the site has developer debugging on. */
  readonly debuginfo: string | undefined;
  /** The PHP exception class. */
  readonly exception: string | undefined;
  /** The function that was called. */
  readonly fn: string | undefined;

  constructor(code: string, message: string, options: MoodleErrorOptions = {}) {
    super(code, message, options);
    // What the site sent may echo the request: mask it like the message.
    this.errorcode = options.errorcode === undefined ? undefined : maskSecrets(options.errorcode);
    this.debuginfo = options.debuginfo === undefined ? undefined : maskSecrets(options.debuginfo);
    this.exception = options.exception === undefined ? undefined : maskSecrets(options.exception);
    this.fn = options.fn;
  }

  override toJSON(): Record<string, unknown> {
    const out = super.toJSON();
    if (this.errorcode !== undefined) out.errorcode = this.errorcode;
    if (this.debuginfo !== undefined) out.debuginfo = this.debuginfo;
    if (this.fn !== undefined) out.function = this.fn;
    return out;
  }
}

/** The token or the login is not valid: invalid or expired token, wrong password, unknown service. */
export class MoodleAuthError extends MoodleError {}

/** Authenticated, but not allowed: the function is not in the token's service, a capability is missing. */
export class MoodlePermissionError extends MoodleError {}

/** The caller's input was refused: bad or missing parameter, unknown function, record not found. */
export class MoodleInputError extends MoodleError {}

/** The site failed on its own: it broke its declared return contract, or its database failed. */
export class MoodleServerError extends MoodleError {}

/** The site is in maintenance mode. */
export class MoodleMaintenanceError extends MoodleError {}

/** The answer is not Moodle JSON: an HTML page, a proxy's error page, an empty 403. */
export class MoodleResponseError extends MoodleError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** A short, tag-free excerpt of the body. */
  readonly excerpt: string;
  constructor(
    code: string,
    message: string,
    options: MoodleErrorOptions & { status: number; excerpt: string },
  ) {
    super(code, message, options);
    this.status = options.status;
    this.excerpt = maskSecrets(options.excerpt);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, excerpt: this.excerpt };
  }
}

/**
 * HTTP 429: the site (or a proxy or firewall in front of it) limits requests, and asked for a wait longer than
 * the retry policy allows (or gave none). `retryAfterMs` is the wait it asked for.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof MoodleRateLimitError) await sleep(e.retryAfterMs ?? 60_000); }
 * ```
 */
export class MoodleRateLimitError extends MoodleResponseError {
  /** The wait the answer's `Retry-After` asked for, in milliseconds, when it gave one. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: MoodleErrorOptions & { status: number; excerpt: string; retryAfterMs?: number | undefined },
  ) {
    super('moodle.rate_limited', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** The body of a Moodle failure, from REST (`exception`) or from token.php/upload.php (`error`). */
export interface MoodleExceptionBody {
  exception?: string;
  error?: string;
  errorcode: string;
  message?: string;
  debuginfo?: string | null;
}

/** True when a parsed JSON value is Moodle's exception or error body. */
export function isMoodleExceptionBody(value: unknown): value is MoodleExceptionBody {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const body = value as Record<string, unknown>;
  if (typeof body.errorcode !== 'string') return false;
  return (
    typeof body.exception === 'string' || typeof body.error === 'string' || typeof body.message === 'string'
  );
}

type ErrorClass = new (code: string, message: string, options: MoodleErrorOptions) => MoodleError;

interface Mapping {
  cls: ErrorClass;
  code: string;
  hint: string;
}

const TOKEN_HINT =
  'Check the token (MTS_MOODLE_TOKEN or the profile); create a new one with `mts moodle login` or in Site administration > Server > Web services > Manage tokens.';

const BY_ERRORCODE: Record<string, Mapping> = {
  invalidtoken: { cls: MoodleAuthError, code: 'moodle.invalid_token', hint: TOKEN_HINT },
  invalidlogin: {
    cls: MoodleAuthError,
    code: 'moodle.invalid_login',
    hint: 'Check the username and password; the account may also be locked or use an external login (SSO) that token.php cannot use.',
  },
  servicenotavailable: {
    cls: MoodleAuthError,
    code: 'moodle.service_not_available',
    hint: 'The service name is wrong or the service is disabled; for moodle_mobile_app enable mobile web services (Site administration > Mobile app > Mobile settings).',
  },
  usernotconfirmed: {
    cls: MoodleAuthError,
    code: 'moodle.user_not_confirmed',
    hint: 'The account is not confirmed yet.',
  },
  passwordisexpired: {
    cls: MoodleAuthError,
    code: 'moodle.password_expired',
    hint: 'Change the password in the browser first.',
  },
  accessexception: {
    cls: MoodlePermissionError,
    code: 'moodle.access_denied',
    hint: "The function is probably not in the token's service, or the user lacks a capability or a restriction (IP, validity) applies; an admin can add the function to the service (Site administration > Server > Web services > External services).",
  },
  nopermissions: {
    cls: MoodlePermissionError,
    code: 'moodle.no_permission',
    hint: "The token's user lacks a capability the function needs; grant it through a role in the right context.",
  },
  requireloginerror: {
    cls: MoodlePermissionError,
    code: 'moodle.require_login',
    hint: "The token's user cannot access that course or context (not enrolled, hidden course, suspended user).",
  },
  enablewsdescription: {
    cls: MoodlePermissionError,
    code: 'moodle.web_services_disabled',
    hint: 'Enable web services (Site administration > Advanced features) and the REST protocol (Server > Web services > Manage protocols).',
  },
  invalidparameter: {
    cls: MoodleInputError,
    code: 'moodle.invalid_parameter',
    hint: "Moodle refused a parameter value. The SDK checks what Moodle's validate_parameters checks before sending, so a refusal that gets past that check comes from the function's own checks (an id, a value or a combination it does not accept), from what only the site knows (installed languages, capabilities, themes), or from a call made with validation off; with developer debugging on, debuginfo names the value.",
  },
  invalidrecord: {
    cls: MoodleInputError,
    code: 'moodle.record_not_found',
    hint: 'A record the call refers to does not exist (check the ids).',
  },
  invalidresponse: {
    cls: MoodleServerError,
    code: 'moodle.invalid_response',
    hint: 'The site broke its own return contract (a plugin or site bug, not your call); report it to the site admin with debuginfo.',
  },
  codingerror: {
    cls: MoodleServerError,
    code: 'moodle.coding_error',
    hint: 'A bug in the site or a plugin; report it to the site admin.',
  },
  sitemaintenance: {
    cls: MoodleMaintenanceError,
    code: 'moodle.maintenance',
    hint: 'The site is in maintenance mode; try again when it is over.',
  },
};

/** Context of an error: the function called and the redacted request. */
export interface MoodleErrorContext {
  fn?: string | undefined;
  request?: RedactedRequest | undefined;
}

/**
 * Maps a Moodle failure body to its typed error.
 *
 * @example
 * ```ts
 * const error = moodleErrorFromBody({ exception: 'moodle_exception', errorcode: 'invalidtoken', message: 'Invalid token' });
 * error instanceof MoodleAuthError; // true
 * ```
 */
export function moodleErrorFromBody(
  body: MoodleExceptionBody,
  context: MoodleErrorContext = {},
): MoodleError {
  const errorcode = body.errorcode;
  const message = body.message ?? body.error ?? errorcode;
  const debuginfo = typeof body.debuginfo === 'string' && body.debuginfo !== '' ? body.debuginfo : undefined;
  const exception = body.exception;
  const detail = `${message} ${debuginfo ?? ''}`;
  let mapping = BY_ERRORCODE[errorcode];
  if (errorcode === 'accessexception' && /token expired|expired token/i.test(detail)) {
    mapping = {
      cls: MoodleAuthError,
      code: 'moodle.token_expired',
      hint: `The token has expired. ${TOKEN_HINT}`,
    };
  } else if (errorcode === 'accessexception' && /Access to the function .*\(\) is not allowed/.test(detail)) {
    mapping = {
      cls: MoodlePermissionError,
      code: 'moodle.function_not_in_service',
      hint: "Add the function to the token's external service (Site administration > Server > Web services > External services > Functions).",
    };
  } else if (errorcode === 'invalidrecord' && /external_functions/.test(detail)) {
    mapping = {
      cls: MoodleInputError,
      code: 'moodle.unknown_function',
      hint: 'The site has no such function: check the name, the Moodle version and that the plugin is installed (`mts moodle functions`).',
    };
  } else if (!mapping && (/^dml/.test(errorcode) || /(^|\\)dml_/.test(exception ?? ''))) {
    mapping = {
      cls: MoodleServerError,
      code: 'moodle.database',
      hint: 'The site had a database error; it is not your input. Retry later or tell the site admin.',
    };
  }
  const cls = mapping?.cls ?? MoodleError;
  const code = mapping?.code ?? 'moodle.exception';
  const hint = mapping?.hint ?? `Moodle answered errorcode "${errorcode}"; see its message.`;
  const where = context.fn ? `${context.fn}: ` : '';
  return new cls(code, `${where}${message}`, {
    hint,
    errorcode,
    debuginfo,
    exception,
    fn: context.fn,
    request: context.request,
  });
}

/**
 * The error for an answer that is not Moodle JSON: an HTML page (wrong URL, login redirect), an empty 403 (web
 * services disabled), a proxy's 502.
 */
export function moodleResponseError(
  status: number,
  text: string,
  contentType: string | undefined,
  context: MoodleErrorContext & { retryAfterMs?: number | undefined } = {},
): MoodleResponseError {
  const short = excerpt(maskSecrets(text), 160);
  if (status === 429) {
    const wait = context.retryAfterMs;
    const asked = wait === undefined ? '' : ` and asked to wait ${Math.ceil(wait / 1000)} s`;
    return new MoodleRateLimitError(
      `The site refused the request${context.fn ? ` to ${context.fn}` : ''}: too many requests (HTTP 429)${asked}.`,
      {
        hint:
          wait === undefined
            ? 'The site or a proxy in front of it limits requests: wait a while, then send fewer at a time.'
            : `The site or a proxy in front of it limits requests and asked for a longer wait than the retry policy allows (retry.maxRetryAfterMs): wait ${Math.ceil(wait / 1000)} s, or allow that wait, then send fewer at a time.`,
        status,
        excerpt: short,
        retryAfterMs: wait,
        fn: context.fn,
        request: context.request,
      },
    );
  }
  const html = /html/i.test(contentType ?? '') || /^\s*</.test(text);
  let hint: string;
  let code = 'moodle.not_json';
  if (status === 403 && text.trim() === '') {
    code = 'moodle.http_status';
    hint =
      'Web services or the REST protocol are disabled on the site (Site administration > Server > Web services > Manage protocols).';
  } else if (status === 404) {
    code = 'moodle.http_status';
    hint =
      "Nothing at that address: check that the URL is the site's wwwroot, sub-path included (https://host/moodle).";
  } else if (status >= 500) {
    code = 'moodle.http_status';
    hint = html
      ? "The site or a proxy in front of it failed; try again later, or check the site's error log."
      : 'The site failed without a Moodle answer; try again later.';
  } else if (html && /login|log in|sign in/i.test(text)) {
    hint =
      "The URL led to a login page: use the site's wwwroot (sub-path included) and check that web services are enabled.";
  } else if (html) {
    hint =
      'The site answered a web page instead of JSON: check the URL (wwwroot with any sub-path) and that web services and the REST protocol are enabled.';
  } else {
    hint = 'The answer is not JSON: check the URL and any proxy in front of the site.';
  }
  const what = status === 200 ? 'an answer that is not Moodle JSON' : `HTTP ${status}`;
  const where = context.fn ? ` to ${context.fn}` : '';
  return new MoodleResponseError(code, `The site sent ${what}${where}: ${short || '(empty body)'}`, {
    hint,
    status,
    excerpt: short,
    fn: context.fn,
    request: context.request,
  });
}
