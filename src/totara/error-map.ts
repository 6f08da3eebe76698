/**
 * What a failed Totara answer means, read the way the site means it. Totara answers nearly everything with HTTP 200
 * and hides most reasons behind "Internal server error" (category `internal`), with the real text in a top-level
 * `debugMessage` that disappears at response debug level NONE. {@link totaraErrorFromResponse} turns what arrived
 * into one {@link TotaraError} subclass with a stable code and a hint, never quoting variables or the token.
 */
import type { RedactedRequest } from '../core/errors.js';
import {
  formatPath,
  TotaraAuthError,
  TotaraComplexityError,
  type TotaraError,
  type TotaraErrorOptions,
  type TotaraGraphQLError,
  TotaraInternalError,
  TotaraPermissionError,
  TotaraRateLimitError,
  TotaraRefusedError,
  TotaraValidationError,
} from './errors.js';

const AUTH_TEXT =
  /access token|authorization header|bearer|api user is invalid|identify (api client|oauth2 client|api user)|require_login|not logged in|invalid_client|invalid_token/i;
const NOT_FOUND_OR_FORBIDDEN = /problem finding a single .* record match/i;
const PERMISSION_TEXT =
  /permission|capabilit|not allowed|access denied|not permitted|cannot (view|update|delete|create|suspend)/i;
const DEPTH_TEXT = /max(imum)? query depth should be (\d+) but got (\d+)/i;
const INTROSPECTION_TEXT = /introspection is not (enabled|allowed)/i;
const PERSISTED_TEXT = /persist(ed|ent) quer|query parameter is missing/i;
const REQUEST_TEXT =
  /validation of operationName failed|request cannot be empty|only POST method is allowed/i;
const REQUIRED_PARAMETER = /Required parameter - (\w+) not being passed/;

/**
 * How an answer's errors read as an authentication failure: `auth` when Totara said so (its debug message names the
 * token or the Authorization header), `opaque` when it said nothing at all (debug level NONE) in the way it refuses
 * a token: "Internal server error", no data, no path, no source location. Either is worth one fresh token.
 */
export function authFailure(errors: TotaraGraphQLError[], hasData: boolean): 'auth' | 'opaque' | undefined {
  if (errors.some((e) => AUTH_TEXT.test(e.debugMessage ?? ''))) return 'auth';
  const opaque =
    !hasData &&
    errors.length > 0 &&
    errors.every(
      (e) => e.category === 'internal' && e.debugMessage === undefined && e.path === undefined && !e.located,
    );
  return opaque ? 'opaque' : undefined;
}

/** Context of a failed answer. */
export interface FailureContext {
  operationName?: string | undefined;
  status: number;
  errors: TotaraGraphQLError[];
  /** True when the failure came after the token was already renewed once. */
  afterRefresh?: boolean | undefined;
  request?: RedactedRequest | undefined;
  /** For complexity failures: the site's limit, a page size that fits, and the schema coordinate that ran out. */
  complexity?:
    | {
        max: number;
        suggestedPageSize?: number | undefined;
        pagedFields?: number;
        coordinate?: string | undefined;
      }
    | undefined;
  /** For 429: how long the client already waited, the window it waited for, and whether it may retry at all. */
  rateLimit?: { waitedMs: number; windowMs: number; mutation: boolean } | undefined;
}

const seconds = (ms: number) => `${ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1)} s`;

/**
 * Maps a failed Totara answer to the matching {@link TotaraError} subclass.
 *
 * @example
 * ```ts
 * const error = totaraErrorFromResponse({ operationName: 'my_users', status: 429, errors: [{ message: 'Too many requests' }] });
 * error instanceof TotaraRateLimitError; // true
 * ```
 */
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

  if (ctx.status === 429) return rateLimited(op, base, ctx);
  const ranOut = ctx.errors.find((e) => e.category === 'query_complexity');
  if (ranOut) return complexity(op, base, ranOut, ctx);
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
    return new TotaraValidationError('totara.persisted_query', `${op} was refused: ${said}.`, {
      ...base,
      hint: "Totara's external API takes the full document text only (no persisted or APQ queries); the client sends it unless told otherwise.",
    });
  }
  if (REQUEST_TEXT.test(all) || first?.category === 'request') {
    return new TotaraValidationError('totara.request_invalid', `${op} was refused before it ran: ${said}.`, {
      ...base,
      hint: 'The operationName in the body must be lower snake_case and name an operation of the document; the client checks both unless the document was sent unchecked.',
    });
  }
  const auth = authFailure(ctx.errors, false);
  if (ctx.status === 401 || auth === 'auth' || (ctx.afterRefresh && auth === 'opaque')) {
    const hidden = auth === 'opaque';
    return new TotaraAuthError(
      'totara.auth',
      hidden
        ? `${op} was refused before it ran, with a fresh token too; at response debug level NONE Totara does not say why, and this is how it refuses a token.`
        : `${op} was refused: authentication failed (${said}).`,
      {
        ...base,
        hint: hidden
          ? "Check that the API client is enabled and its service account is active and not suspended; raise the client's response debug level to 'Normal' to see the reason."
          : 'A fresh token was fetched and refused too: check that the API client is enabled, its service account is valid, and the client secret is current (Site administration > Development > API > Clients).',
      },
    );
  }
  if (first && NOT_FOUND_OR_FORBIDDEN.test(first.debugMessage ?? '')) {
    return new TotaraPermissionError('totara.not_found_or_forbidden', `${op} was refused: ${said}`, {
      ...base,
      hint: 'Totara gives the same answer when no single record matches the reference (or it was deleted) and when the service account may not act on it: check the reference first, then the capabilities of the API client’s role.',
    });
  }
  if (ctx.status === 403 || ctx.errors.some((e) => PERMISSION_TEXT.test(e.debugMessage ?? ''))) {
    return new TotaraPermissionError('totara.permission', `${op} was refused: permission denied (${said}).`, {
      ...base,
      hint: "Give the API client's service account the capability the operation needs, in the right context and tenant.",
    });
  }
  if (first?.category === 'internal' && /^Variable "\$/.test(first.debugMessage ?? '')) {
    return new TotaraValidationError('totara.invalid_variables', `${op} was refused: ${said}`, {
      ...base,
      hint: "A value does not fit one of Totara's parameter types (param_email, param_integer, core_date...): fix the value at the path the message names.",
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
  if (first.debugMessage !== undefined && first.path !== undefined) {
    const required = REQUIRED_PARAMETER.exec(first.debugMessage);
    return new TotaraRefusedError('totara.refused', `${op} was refused by Totara: ${said}`, {
      ...base,
      hint: required
        ? `Totara requires "${required[1]}" here although the schema marks it optional${required[1] === 'password' ? ' (give password, or generate_password: true)' : ''}.`
        : 'Totara ran the operation and refused it on a rule of the site; it reports this as "Internal server error", the reason is its debug message above.',
    });
  }
  const hidden = first.debugMessage === undefined && first.message === 'Internal server error';
  return new TotaraInternalError('totara.internal', `${op} failed on the server: ${said}.`, {
    ...base,
    hint: hidden
      ? "No detail was given because the API client's response debug level is NONE; raise it to 'Normal' in the client settings to see why."
      : 'The server could not run the operation; the message is what Totara said.',
  });
}

function rateLimited(op: string, base: TotaraErrorOptions, ctx: FailureContext): TotaraError {
  const limit = ctx.rateLimit ?? { waitedMs: 0, windowMs: 60_000, mutation: false };
  const window = seconds(limit.windowMs);
  const what =
    limit.waitedMs > 0
      ? `${op} was refused with HTTP 429 (too many requests) again after waiting ${seconds(limit.waitedMs)} for Totara's ${window} rate-limit window.`
      : limit.mutation
        ? `${op} was refused with HTTP 429 (too many requests) and not retried: it is a mutation, and a mutation is never sent twice.`
        : `${op} was refused with HTTP 429 (too many requests).`;
  return new TotaraRateLimitError('totara.rate_limited', what, {
    ...base,
    hint: `Totara counts complexity points per API client and per site over a sliding ${window} window (250,000 and 500,000 by default) and sends no Retry-After: wait ${window} before trying again, make queries cheaper, or ask an admin to raise the limits.`,
    details: { waitedMs: limit.waitedMs, windowMs: limit.windowMs },
  });
}

function complexity(
  op: string,
  base: TotaraErrorOptions,
  ranOut: TotaraGraphQLError,
  ctx: FailureContext,
): TotaraError {
  const max = ctx.complexity?.max ?? Number(/complexity of (\d+)/.exec(ranOut.message)?.[1] ?? Number.NaN);
  const where = ranOut.path ? formatPath(ranOut.path) : undefined;
  const coordinate = ctx.complexity?.coordinate;
  const suggested = ctx.complexity?.suggestedPageSize;
  const fields = ctx.complexity?.pagedFields ?? 1;
  const at = where ? ` at ${where}${coordinate ? ` (${coordinate})` : ''}` : '';
  return new TotaraComplexityError(
    'totara.complexity',
    `${op} ran out of the site's complexity budget${Number.isFinite(max) ? ` of ${max} points` : ''}${at}; Totara returned no data at all.`,
    {
      ...base,
      hint:
        suggested !== undefined
          ? `Ask for at most ${suggested} items per page (pagination.limit)${fields > 1 ? ` in each of the ${fields} paged fields` : ''}, select fewer fields, or use paginate(), which sizes each page by what the last one cost.`
          : 'Select fewer fields or fewer items; Totara counts points per field it resolves while the query runs.',
      details: {
        ...(Number.isFinite(max) ? { max } : {}),
        ...(where ? { path: where } : {}),
        ...(coordinate ? { field: coordinate } : {}),
        ...(suggested !== undefined ? { suggestedPageSize: suggested } : {}),
      },
    },
  );
}
