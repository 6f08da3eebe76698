import { maskDeep, maskSecrets, redactFormBody, redactHeaders, redactParams, redactUrl } from './redact.js';

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
    this.details =
      options.details === undefined ? undefined : (redactParams(options.details) as Record<string, unknown>);
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
 * `cause` with registered secrets masked in its text: an error's message and stack (and those of its own causes)
 * are masked in place; a string or a plain object is replaced by a masked copy.
 */
function maskCause(cause: unknown, seen = new Set<unknown>()): unknown {
  if (!(cause instanceof Error)) return maskDeep(cause);
  if (seen.has(cause) || seen.size > 8) return cause;
  seen.add(cause);
  // MtsErrors mask themselves when they are made.
  if (cause instanceof MtsError) return cause;
  let target: Error = cause;
  const message = maskSecrets(cause.message);
  const stack = typeof cause.stack === 'string' ? maskSecrets(cause.stack) : cause.stack;
  if (message !== cause.message || stack !== cause.stack) {
    try {
      Object.defineProperty(cause, 'message', { value: message, writable: true, configurable: true });
      Object.defineProperty(cause, 'stack', { value: stack, writable: true, configurable: true });
    } catch {
      // A frozen error cannot be masked in place: stand in for it.
      target = Object.assign(new Error(message), { name: cause.name, stack });
    }
  }
  if (target.cause !== undefined) {
    const inner = maskCause(target.cause, seen);
    if (inner !== target.cause)
      Object.defineProperty(target, 'cause', { value: inner, writable: true, configurable: true });
  }
  if (target instanceof AggregateError) target.errors = target.errors.map((e) => maskCause(e, seen));
  return target;
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
