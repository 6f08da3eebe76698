/**
 * Typed errors of the Totara client. Totara answers most failures with HTTP 200 and an `errors[]` list whose
 * message may be only "Internal server error"; {@link totaraErrorFromResponse} turns what arrived into one class
 * with a stable code and a hint, without ever quoting the request's variables or the access token.
 */
import { MtsError, type MtsErrorOptions } from '../core/errors.js';
import { MASK, maskSecrets } from '../core/redact.js';

/** One entry of a GraphQL `errors[]` list as Totara sends it (fields masked of variables and secrets). */
export interface TotaraGraphQLError {
  message: string;
  /** `extensions.category`: `graphql` (validation), `internal`, `require_login`, ... */
  category?: string | undefined;
  /** `extensions.debugMessage` (or graphql-php 14's top-level `debugMessage`); absent at debug level NONE. */
  debugMessage?: string | undefined;
  path?: ReadonlyArray<string | number> | undefined;
}

/** Options of a {@link TotaraError}. */
export interface TotaraErrorOptions extends MtsErrorOptions {
  /** The operation that failed. */
  operationName?: string | undefined;
  /** HTTP status of the response. */
  status?: number | undefined;
  /** Totara's `extensions.category` of the first error. */
  category?: string | undefined;
  /** The GraphQL errors as received (variables and secrets masked). */
  errors?: TotaraGraphQLError[] | undefined;
}

/**
 * Base class of every error a Totara server sent back. `code` is stable (`totara.auth`, `totara.complexity`...),
 * `category` keeps Totara's own `extensions.category`, `errors` the masked `errors[]` list.
 *
 * @example
 * ```ts
 * try { await totara.request(doc); }
 * catch (e) { if (e instanceof TotaraError && e.code === 'totara.rate_limited') await wait(60_000); }
 * ```
 */
export class TotaraError extends MtsError {
  /** The operation that failed, when known. */
  readonly operationName: string | undefined;
  /** HTTP status of the response. */
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

/** Authentication failed: bad client credentials, or a missing, expired or invalid access token. */
export class TotaraAuthError extends TotaraError {}
/** The API client's service account lacks a capability, or the target is outside its tenant. */
export class TotaraPermissionError extends TotaraError {}
/** The document or the variables do not validate against the schema or Totara's rules. */
export class TotaraValidationError extends TotaraError {}
/** The operation costs more than the site's complexity limit or nests deeper than its depth limit. */
export class TotaraComplexityError extends TotaraError {}
/** Too many requests: the client or the site spent its complexity points of the sliding 60 s window. */
export class TotaraRateLimitError extends TotaraError {}
/** A resolver failed on the server ("Internal server error"). */
export class TotaraInternalError extends TotaraError {}

/** Leaves of a variables object worth masking when a server echoes them (strings of 3+ characters, numbers). */
export function variableLeaves(value: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
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
    const debug = ext.debugMessage ?? e.debugMessage;
    const out: TotaraGraphQLError = { message: scrub(String(e.message ?? 'Unknown error')) };
    const category = ext.category ?? e.category;
    if (typeof category === 'string') out.category = scrub(category);
    if (typeof debug === 'string') out.debugMessage = scrub(debug);
    if (Array.isArray(e.path))
      out.path = (e.path as Array<string | number>).map((p) => (typeof p === 'string' ? scrub(p) : p));
    return out;
  });
}

const AUTH_TEXT =
  /access token|authorization header|bearer|api user is invalid|identify (api client|oauth2 client|api user)|require_login|not logged in|invalid_client|invalid_token/i;
const PERMISSION_TEXT =
  /permission|capabilit|not allowed|access denied|not permitted|cannot (view|update|delete|create|suspend)/i;
const COMPLEXITY_TEXT = /max(imum)? query complexity should be (\d+) but got (\d+)/i;
const DEPTH_TEXT = /max(imum)? query depth should be (\d+) but got (\d+)/i;
const INTROSPECTION_TEXT = /introspection is not allowed/i;
const PERSISTED_TEXT = /persist(ed|ent) quer/i;

/** True when the errors look like an authentication failure (what a fresh token may cure). */
export function looksLikeAuthFailure(errors: TotaraGraphQLError[], hasData: boolean): boolean {
  return errors.some(
    (e) =>
      e.category === 'require_login' ||
      AUTH_TEXT.test(e.debugMessage ?? '') ||
      // At debug level NONE a failed token check is an "Internal server error" raised before execution: no
      // path and no data. Only then is it worth one more try with a fresh token.
      (!hasData && e.path === undefined && e.debugMessage === undefined && e.category === 'internal'),
  );
}

/** Context of a failed response. */
export interface FailureContext {
  operationName?: string | undefined;
  status: number;
  errors: TotaraGraphQLError[];
  /** True when the failure came after the token was already refreshed once. */
  afterRefresh?: boolean | undefined;
  request?: MtsErrorOptions['request'];
}

/** Maps a failed Totara response to the matching {@link TotaraError} subclass. */
export function totaraErrorFromResponse(ctx: FailureContext): TotaraError {
  const first = ctx.errors[0];
  const op = ctx.operationName ? `"${ctx.operationName}"` : 'The request';
  const said = first ? (first.debugMessage ?? first.message) : `HTTP ${ctx.status}`;
  const base: TotaraErrorOptions = {
    operationName: ctx.operationName,
    status: ctx.status,
    category: first?.category,
    errors: ctx.errors,
    request: ctx.request,
  };
  const all = ctx.errors.map((e) => `${e.message} ${e.debugMessage ?? ''}`).join('\n');

  if (ctx.status === 429) {
    return new TotaraRateLimitError(
      'totara.rate_limited',
      `${op} was refused: too many requests (HTTP 429).`,
      {
        ...base,
        hint: 'Totara limits complexity points per client and per site over a sliding 60 s window (250,000 and 500,000 by default) and sends no Retry-After: wait up to a minute, make queries cheaper, or ask an admin to raise the limits.',
      },
    );
  }
  const complexity = COMPLEXITY_TEXT.exec(all);
  if (complexity) {
    return new TotaraComplexityError(
      'totara.complexity',
      `${op} costs ${complexity[3]} complexity points; the site allows ${complexity[2]}.`,
      {
        ...base,
        hint: 'Select fewer fields, or request smaller pages (pagination.limit); paginate() sizes pages to fit.',
        details: { max: Number(complexity[2]), cost: Number(complexity[3]) },
      },
    );
  }
  const depth = DEPTH_TEXT.exec(all);
  if (depth) {
    return new TotaraComplexityError(
      'totara.depth',
      `${op} nests ${depth[3]} levels deep; the site allows ${depth[2]}.`,
      {
        ...base,
        hint: 'Flatten the selection: fetch nested objects with a separate query.',
        details: { max: Number(depth[2]), depth: Number(depth[3]) },
      },
    );
  }
  if (INTROSPECTION_TEXT.test(all)) {
    return new TotaraValidationError(
      'totara.introspection_disabled',
      `${op} was refused: introspection is off on this site.`,
      {
        ...base,
        hint: 'Ask an admin to enable introspection for the API client, or download the schema file from the API documentation page and use `mts codegen totara --schema FILE`.',
      },
    );
  }
  if (PERSISTED_TEXT.test(all)) {
    return new TotaraValidationError(
      'totara.persisted_query',
      `${op} was refused: persisted queries are not available on the external API.`,
      {
        ...base,
        hint: 'Send the full document text; the client does this unless told otherwise.',
      },
    );
  }
  if (
    ctx.status === 401 ||
    ctx.errors.some((e) => e.category === 'require_login' || AUTH_TEXT.test(e.debugMessage ?? e.message))
  ) {
    return new TotaraAuthError('totara.auth', `${op} was refused: authentication failed (${said}).`, {
      ...base,
      hint: 'Check the client id and secret of the API client, that it is enabled and that its service account is valid (Site administration > Development > API > Clients).',
    });
  }
  if (ctx.status === 403 || ctx.errors.some((e) => PERMISSION_TEXT.test(e.debugMessage ?? e.message))) {
    return new TotaraPermissionError('totara.permission', `${op} was refused: permission denied (${said}).`, {
      ...base,
      hint: "Give the API client's service account the capability the operation needs, in the right context and tenant.",
    });
  }
  if (first?.category === 'graphql' || (ctx.status === 400 && first)) {
    return new TotaraValidationError('totara.validation', `${op} is invalid: ${said}`, {
      ...base,
      hint: 'Check the document and the variables against the schema (`mts totara schema pull`); the message names the field or variable.',
    });
  }
  if (!first) {
    return new TotaraInternalError(
      'totara.http_status',
      `${op} failed with HTTP ${ctx.status} and no GraphQL errors.`,
      {
        ...base,
        hint: 'Check that the URL is the Totara wwwroot and that /api/graphql.php is reachable.',
      },
    );
  }
  const hidden = first.debugMessage === undefined && first.message === 'Internal server error';
  return new TotaraInternalError('totara.internal', `${op} failed on the server: ${said}.`, {
    ...base,
    hint: hidden
      ? ctx.afterRefresh
        ? "No detail was given (the API client's response debug level is NONE); with a fresh token failing too this may be an authentication or a resolver failure. Raise the response debug level to see why."
        : "No detail was given because the API client's response debug level is NONE; raise it to 'Normal' in the client settings to see why."
      : 'The server could not run the operation; the message is what Totara said.',
  });
}
