/**
 * Moodle's external_api as the sandbox's server answers with it: validate_parameters (the client's own rule set,
 * moodle/validate/structure.ts, walked over what PHP decoded) with the exception text Moodle builds, and
 * clean_returnvalue, what Moodle does to a function's result.
 */

import { decodeForm, type PhpValue } from '../../moodle/call/form-names.js';
import { VALUE_DEFAULT, VALUE_REQUIRED, type WsDesc, type WsFunctionInfo } from '../../moodle/definitions.js';
import type { ParamSite } from '../../moodle/validate/param-types.js';
import { validateParam } from '../../moodle/validate/param-types.js';
import { type PhpScalar, phpString } from '../../moodle/validate/php-text.js';
import { walkStructure, wrappingKeys } from '../../moodle/validate/structure.js';

/**
 * Turns JS values into the PHP values Moodle would see.
 * @internal
 */
export function toPhp(value: unknown): PhpValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [String(k), toPhp(v)]));
  if (Array.isArray(value)) return new Map(value.map((v, i) => [String(i), toPhp(v)]));
  if (typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toPhp(v)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * Whether a value is a list of form pairs.
 * @internal
 */
export function isPairs(value: unknown): value is Iterable<[string, string]> {
  return (
    Array.isArray(value) && value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')
  );
}

/** Options of {@link cleanParams} and {@link cleanReturns}. */
export interface CleanOptions {
  /**
   * Whether the site runs with developer debugging (default true): Moodle then appends the detail to `message`
   * as " (detail)" at every level, and sends `debuginfo`. Off, `message` is the bare sentence.
   */
  debug?: boolean | undefined;
  /** What the site knows for PARAM_ types that look things up (languages, capabilities, wwwroot...). */
  site?: ParamSite | undefined;
}

/** A refusal in the words Moodle uses (`exception`, `errorcode`, `message`, `debuginfo`). */
export interface CleanFailure<E extends string, C extends string> {
  ok: false;
  exception: E;
  errorcode: C;
  message: string;
  debuginfo: string;
}

const PARAM_MESSAGE = 'Invalid parameter value detected';
const RESPONSE_MESSAGE = 'Invalid response value detected';

/**
 * The message and debuginfo of a moodle_exception thrown with `reason` and caught and rethrown at each of `keys`
 * on the way out (`key => message: debuginfo`). With developer debugging on, every message carries " (debuginfo)".
 */
function wrapped(base: string, reason: string, keys: readonly string[], debug: boolean) {
  const message = (debuginfo: string) => (debug && debuginfo ? `${base} (${debuginfo})` : base);
  let debuginfo = reason;
  for (let i = keys.length - 1; i >= 0; i--) debuginfo = `${keys[i]} => ${message(debuginfo)}: ${debuginfo}`;
  return { message: message(debuginfo), debuginfo };
}

/**
 * Validates and cleans parameters as Moodle's external_api::validate_parameters does. `raw` is the decoded form
 * (`URLSearchParams` or pairs of the body, decoded as PHP does) without the `ws*` and `moodlewssetting*` keys, or
 * a JSON value (a batch's arguments). Types are cleaned per PARAM_ type, defaults applied, absent optional keys
 * left out and unknown keys refused; a failure carries the `message` and `debuginfo` text Moodle produces.
 *
 * @example
 * ```ts
 * const result = cleanParams(info, new URLSearchParams('courseid=abc'));
 * if (!result.ok) sendJson(res, 200, { exception: result.exception, errorcode: result.errorcode, message: result.message });
 * ```
 */
export function cleanParams(
  info: WsFunctionInfo,
  raw: unknown,
  options: CleanOptions = {},
):
  | { ok: true; value: Record<string, unknown> }
  | CleanFailure<'core\\exception\\invalid_parameter_exception', 'invalidparameter'> {
  const input = raw instanceof URLSearchParams || isPairs(raw) ? decodeForm(raw) : (raw ?? {});
  const result = walkStructure(info.parameters, input, {
    source: 'php',
    limit: 1,
    build: true,
    site: options.site,
  });
  const refusal = result.refusals[0];
  if (!refusal) return { ok: true, value: result.value as Record<string, unknown> };
  return {
    ok: false,
    exception: 'core\\exception\\invalid_parameter_exception',
    errorcode: 'invalidparameter',
    ...wrapped(PARAM_MESSAGE, refusal.reason, wrappingKeys(refusal), options.debug ?? true),
  };
}

function phpType(value: PhpValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'double';
  return 'array';
}

/** A clean_returnvalue refusal on its way out: the innermost text and the keys it passed. */
class ResponseRefusal {
  readonly keys: string[] = [];
  constructor(readonly reason: string) {}
}

function printR(value: PhpValue): string {
  return value instanceof Map ? 'Array' : phpString(value);
}

function returnsNode(desc: WsDesc, value: PhpValue, site: ParamSite): unknown {
  if (value === null && desc.allownull) return null;
  if (desc.kind === 'value') {
    if (value instanceof Map) throw new ResponseRefusal('Scalar type expected, array or object received.');
    const verdict = validateParam(value as PhpScalar, desc.type, desc.allownull, site);
    if (!verdict.ok) {
      throw new ResponseRefusal(
        `Invalid external api response: the value is "${phpString(value)}" of PHP type "${phpType(value)}", the server was expecting "${desc.type}" type`,
      );
    }
    return verdict.value;
  }
  if (desc.kind === 'multiple') {
    if (!(value instanceof Map))
      throw new ResponseRefusal(`Only arrays accepted. The bad value is: '${printR(value)}'`);
    return [...value.values()].map((item) => returnsNode(desc.content, item, site));
  }
  if (!(value instanceof Map))
    throw new ResponseRefusal(`Only arrays/objects accepted. The bad value is: '${printR(value)}'`);
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(desc.keys)) {
    if (!value.has(key)) {
      if (child.required === VALUE_REQUIRED) {
        throw new ResponseRefusal(
          `Error in response - Missing following required key in a single structure: ${key}`,
        );
      }
      if (child.kind !== 'value' || child.required !== VALUE_DEFAULT) continue;
    }
    try {
      result[key] = returnsNode(
        child,
        value.has(key) ? (value.get(key) as PhpValue) : toPhp(child.default),
        site,
      );
    } catch (error) {
      if (error instanceof ResponseRefusal) error.keys.unshift(key);
      throw error;
    }
  }
  return result;
}

/**
 * Cleans a function's result as Moodle's clean_returnvalue does: scalars cast to their PARAM_ type, defaults
 * filled in, unknown keys dropped. A result that does not fit fails with Moodle's invalid_response_exception text
 * (the site broke its own contract).
 *
 * @example
 * ```ts
 * const out = cleanReturns(info, { sitename: 'Sandbox', userid: '2' });
 * if (!out.ok) console.error(out.debuginfo);
 * ```
 */
export function cleanReturns(
  info: WsFunctionInfo,
  value: unknown,
  options: CleanOptions = {},
):
  | { ok: true; value: unknown }
  | CleanFailure<'core\\exception\\invalid_response_exception', 'invalidresponse'> {
  if (info.returns === null) return { ok: true, value: null };
  try {
    return { ok: true, value: returnsNode(info.returns, toPhp(value), options.site ?? {}) };
  } catch (error) {
    if (!(error instanceof ResponseRefusal)) throw error;
    return {
      ok: false,
      exception: 'core\\exception\\invalid_response_exception',
      errorcode: 'invalidresponse',
      ...wrapped(RESPONSE_MESSAGE, error.reason, error.keys, options.debug ?? true),
    };
  }
}
