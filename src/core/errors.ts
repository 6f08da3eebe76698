import { redactFormBody, redactHeaders, redactUrl } from './redact.js';

/** A copy of the request that failed, with every secret masked. Safe to log. */
export interface RedactedRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A short, redacted rendering of the body (form fields with secrets masked, or a byte count). */
  body?: string;
}

/** Options shared by every SDK error. */
export interface MtsErrorOptions {
  /** What a person can do about it. */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
  /** The request that failed (it is redacted before it is kept). */
  request?: RedactedRequest | undefined;
  /** Structured detail for programs (offending path, value, upstream code...). Never secrets. */
  details?: Record<string, unknown> | undefined;
}

/**
 * Base class of every error the SDK throws. `code` is stable across releases and safe to branch on;
 * `hint` says what to do; `request` is a redacted copy of the request.
 *
 * @example
 * ```ts
 * try { await moodle.call('core_webservice_get_site_info'); }
 * catch (e) { if (e instanceof MtsError && e.code === 'transport.timeout') retryLater(); }
 * ```
 */
export class MtsError extends Error {
  /** Stable, namespaced error code such as `transport.timeout` or `moodle.invalid_token`. */
  readonly code: string;
  /** What a person can do about it. */
  readonly hint: string | undefined;
  /** A redacted copy of the request, when the error came from one. */
  readonly request: RedactedRequest | undefined;
  /** Structured detail for programs. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: MtsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.request = options.request;
    this.details = options.details;
  }

  /** The stable JSON shape printed by `--json` output. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.details !== undefined) Object.assign(out, this.details);
    return out;
  }
}

/** Errors of the HTTP layer: network, timeout, abort, unexpected status or body. */
export class TransportError extends MtsError {
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  constructor(
    code: string,
    message: string,
    options: MtsErrorOptions & { status?: number | undefined } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
  }
}

/** Bad configuration: a missing URL, an unreadable profile file, an unknown option. */
export class ConfigError extends MtsError {}

/** A caller passed something the SDK cannot use; `details.path` names where. */
export class InputError extends MtsError {}

/** Builds a {@link RedactedRequest} from the raw parts of a request. */
export function redactRequest(
  method: string,
  url: string | URL,
  headers?: Record<string, string | string[] | undefined>,
  body?: unknown,
): RedactedRequest {
  const out: RedactedRequest = { method: method.toUpperCase(), url: redactUrl(url) };
  if (headers) out.headers = redactHeaders(headers);
  if (typeof body === 'string') {
    const isForm = Object.entries(headers ?? {}).some(
      ([k, v]) =>
        k.toLowerCase() === 'content-type' && String(v).includes('application/x-www-form-urlencoded'),
    );
    const text = isForm ? redactFormBody(body) : `[${Buffer.byteLength(body)} bytes]`;
    out.body = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  } else if (body instanceof Uint8Array) {
    out.body = `[${body.byteLength} bytes]`;
  } else if (body !== undefined && body !== null) {
    out.body = '[stream]';
  }
  return out;
}

/** Rejects unknown keys in an options object, so a typo fails loudly instead of being ignored. */
export function assertKnownOptions(
  what: string,
  options: object | undefined,
  known: readonly string[],
): void {
  if (!options) return;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InputError('options.unknown_key', `Unknown option "${key}" for ${what}.`, {
        hint: `Known options: ${known.join(', ')}.`,
        details: { path: key },
      });
    }
  }
}
