/**
 * Typed errors of the Totara client: one base class, one subclass per way a Totara request fails, each with a stable
 * code, Totara's own `extensions.category` and a hint. The mapping from what arrived to a class is in
 * `error-map.ts`; this module also masks what the server echoes back (variable values, registered secrets).
 */
import { MtsError, type MtsErrorOptions } from '../core/errors.js';
import { MASK, maskSecrets } from '../core/redact.js';

/** One entry of a GraphQL `errors[]` list as Totara sends it (fields masked of variables and secrets). */
export interface TotaraGraphQLError {
  message: string;
  /** `extensions.category`: `internal`, `graphql`, `request` or `query_complexity`. */
  category?: string | undefined;
  /** The real reason behind "Internal server error" (top-level `debugMessage`); absent at debug level NONE. */
  debugMessage?: string | undefined;
  /** Where in the result the error happened (`['a3', 'items', 16, 'url']`). */
  path?: ReadonlyArray<string | number> | undefined;
  /** True when the server gave a source location (errors raised before execution have none). */
  located?: boolean | undefined;
}

/** Options of a {@link TotaraError}. */
export interface TotaraErrorOptions extends MtsErrorOptions {
  /** The operation that failed. */
  operationName?: string | undefined;
  /** HTTP status of the response (undefined when nothing was sent). */
  status?: number | undefined;
  /** Totara's `extensions.category` of the first error. */
  category?: string | undefined;
  /** The GraphQL errors as received (variables and secrets masked). */
  errors?: TotaraGraphQLError[] | undefined;
}

/**
 * Base class of every error of the Totara client. `code` is stable (`totara.auth`, `totara.complexity`...),
 * `category` keeps Totara's own `extensions.category`, `errors` the masked `errors[]` list.
 *
 * @example
 * ```ts
 * try { await totara.request(doc); }
 * catch (e) { if (e instanceof TotaraError && e.code === 'totara.rate_limited') console.log(e.details?.waitedMs); }
 * ```
 */
export class TotaraError extends MtsError {
  /** The operation that failed, when known. */
  readonly operationName: string | undefined;
  /** HTTP status of the response (undefined when the error was found before sending). */
  readonly status: number | undefined;
  /** Totara's `extensions.category` of the first error. */
  readonly category: string | undefined;
  /** The GraphQL errors as received, with variables and secrets masked. */
  readonly errors: TotaraGraphQLError[];

  constructor(code: string, message: string, options: TotaraErrorOptions = {}) {
    super(code, message, {
      ...options,
      details: {
        ...(options.operationName ? { operationName: options.operationName } : {}),
        ...(options.status !== undefined ? { status: options.status } : {}),
        ...(options.category ? { category: options.category } : {}),
        ...options.details,
      },
    });
    this.operationName = options.operationName;
    this.status = options.status;
    // The category may come from an OAuth2 `error` field a server filled with what it received.
    this.category = options.category === undefined ? undefined : maskSecrets(options.category);
    this.errors = options.errors ?? [];
  }
}

/** Authentication failed: bad client credentials, or a missing, expired or invalid access token (`totara.auth*`). */
export class TotaraAuthError extends TotaraError {}
/** The service account lacks a capability, or no single record matched (Totara does not say which). */
export class TotaraPermissionError extends TotaraError {}
/**
 * The operation does not fit the schema or Totara's rules: refused before sending (`totara.invalid_operation`), by
 * the server (`totara.validation`, `totara.invalid_variables`), or silently ignored by it (`totara.unknown_root`
 * for `data: []`, `totara.field_dropped` for a selected field missing from the answer).
 */
export class TotaraValidationError extends TotaraError {}
/** The operation ran out of the complexity budget while it ran (`totara.complexity`) or nests too deep (`totara.depth`). */
export class TotaraComplexityError extends TotaraError {}
/** HTTP 429: the client or the site spent its complexity points of the sliding window (`totara.rate_limited`). */
export class TotaraRateLimitError extends TotaraError {}
/** The server failed ("Internal server error") for a reason it did not or could not say (`totara.internal`). */
export class TotaraInternalError extends TotaraError {}
/**
 * Totara ran the operation and refused it on a business rule it reports as "Internal server error": a duplicate
 * username, a password policy, a field it requires although the schema says optional (`totara.refused`).
 */
export class TotaraRefusedError extends TotaraInternalError {}

/** Leaves of a variables object worth masking when a server echoes them (strings of 3+ characters, numbers). */
function variableLeaves(value: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > 32 || value === null || value === undefined) return out;
  if (typeof value === 'string') {
    if (value.length >= 3) out.add(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    if (text.length >= 3) out.add(text);
  } else if (Array.isArray(value)) {
    for (const item of value) variableLeaves(item, out, depth + 1);
  } else if (typeof value === 'object') {
    for (const inner of Object.values(value as Record<string, unknown>))
      variableLeaves(inner, out, depth + 1);
  }
  return out;
}

/** A function that removes variable values and registered secrets from text received from the server. */
export function scrubberFor(variables: unknown): (text: string) => string {
  const leaves = [...variableLeaves(variables)].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = maskSecrets(text);
    for (const leaf of leaves) if (out.includes(leaf)) out = out.split(leaf).join(MASK);
    return out;
  };
}

/** Reads Totara-shaped `errors[]` entries, masking what `scrub` removes. */
export function readGraphQLErrors(raw: unknown, scrub: (text: string) => string): TotaraGraphQLError[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const ext = (e.extensions ?? {}) as Record<string, unknown>;
    // Totara puts debugMessage at the error's top level; graphql-php 15 moved it into extensions.
    const debug = e.debugMessage ?? ext.debugMessage;
    const out: TotaraGraphQLError = { message: scrub(String(e.message ?? 'Unknown error')) };
    const category = ext.category ?? e.category;
    if (typeof category === 'string') out.category = scrub(category);
    if (typeof debug === 'string') out.debugMessage = scrub(debug);
    if (Array.isArray(e.path))
      out.path = (e.path as Array<string | number>).map((p) => (typeof p === 'string' ? scrub(p) : p));
    if (Array.isArray(e.locations) && e.locations.length > 0) out.located = true;
    return out;
  });
}

/** A path as a person reads it: `a3.items[16].url`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
