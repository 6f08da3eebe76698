import {
  maskDeep,
  maskerOf,
  maskSecrets,
  redactDeep,
  redactFormBody,
  redactHeaders,
  redactUrl,
} from './redact.js';

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
 * `hint` says what to do; `request` is a redacted copy of the request. Every registered secret (see
 * `registerSecret`), in any encoding, is masked in the message, the stack, the hint, the details, the request and
 * the text of the causes, so that logging an error, its stack or `JSON.stringify(error)` shows none.
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
    // The message is masked before Error captures the stack, whose first line repeats it.
    super(
      maskSecrets(message),
      options.cause === undefined ? undefined : { cause: maskCause(options.cause) },
    );
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint === undefined ? undefined : maskSecrets(options.hint);
    this.request = maskDeep(options.request);
    this.details = redactDeep(options.details);
  }

  /** The stable JSON shape printed by `--json` output (secrets masked again, in case one was registered late). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.details !== undefined) Object.assign(out, this.details);
    return maskDeep(out);
  }
}

/**
 * `cause` with registered secrets masked in its text: an error's message, stack and fields (and those of its own
 * causes) are masked in place; a string or a plain object is replaced by a masked copy.
 */
function maskCause(cause: unknown): unknown {
  // MtsErrors mask themselves when they are made.
  if (cause instanceof MtsError) return cause;
  if (!(cause instanceof Error)) return maskDeep(cause);
  maskErrorInPlace(cause, maskSecrets, new Set());
  return cause;
}

/**
 * Masks `values` in place in every text `error` carries (message, stack, hint, details, request, the fields of
 * subclasses, its causes) and returns it: for the secrets of one request, such as a new user's password in a
 * call's parameters, which are not registered because they must not outlive the request.
 */
export function maskInError<E>(error: E, values: readonly string[]): E {
  if (values.length > 0 && error instanceof Error) maskErrorInPlace(error, maskerOf(values), new Set());
  return error;
}

function maskErrorInPlace(error: Error, mask: (text: string) => string, seen: Set<Error>): void {
  if (seen.has(error) || seen.size > 8) return;
  seen.add(error);
  for (const key of new Set(['message', 'stack', 'cause', 'errors', ...Object.keys(error)])) {
    if (!Object.hasOwn(error, key)) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value instanceof Error) {
      maskErrorInPlace(value, mask, seen);
      continue;
    }
    if (Array.isArray(value))
      for (const item of value) if (item instanceof Error) maskErrorInPlace(item, mask, seen);
    const masked = maskDeep(value, mask);
    if (masked === value) continue;
    try {
      Object.defineProperty(error, key, { value: masked, writable: true, configurable: true });
    } catch {
      // A frozen error keeps its text: there is no way to change it.
    }
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
