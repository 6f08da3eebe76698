/**
 * Moodle's own checking of web service values, with its wording: `cleanParams` (external_api::validate_parameters,
 * what a server that answers like Moodle refuses) and `cleanReturns` (clean_returnvalue, what it does to a result).
 */
import {
  VALUE_DEFAULT,
  VALUE_REQUIRED,
  type WsDesc,
  type WsFunctionInfo,
  type WsSingleDesc,
  type WsValueDesc,
} from '../../moodle/definitions.js';
import {
  cleanScalar,
  isPhpFloatString,
  type PhpScalar,
  phpString,
} from '../../moodle/validate/param-types.js';
import { decodePhpForm, isPairs, type PhpValue, toPhp } from './php-form.js';

function phpType(value: PhpValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'double';
  return 'array';
}

/** print_r of a value that is not an array (the only case Moodle's messages print). */
function printR(value: PhpValue): string {
  return value instanceof Map ? 'Array' : phpString(value);
}

/** Moodle's invalid_parameter_exception / invalid_response_exception, as far as messages go. */
class WsException {
  constructor(
    readonly debuginfo: string,
    readonly base: string,
    readonly debug: boolean,
  ) {}
  /** moodle_exception appends " (debuginfo)" to the message when developer debugging is on. */
  get message(): string {
    return this.debug && this.debuginfo ? `${this.base} (${this.debuginfo})` : this.base;
  }
  wrap(key: string): WsException {
    return new WsException(`${key} => ${this.message}: ${this.debuginfo}`, this.base, this.debug);
  }
}

const PARAM_MESSAGE = 'Invalid parameter value detected';
const RESPONSE_MESSAGE = 'Invalid response value detected';

/**
 * validate_param(): null handling, cleaning, and the "the value must survive cleaning unchanged" rule (floats:
 * any numeric text). Returns the cleaned value or the debuginfo of the failure.
 */
function validateParam(
  value: PhpScalar,
  desc: WsValueDesc,
  debuginfo: string,
): { value: PhpScalar } | { fail: string } {
  if (value === null) return desc.allownull ? { value: null } : { fail: debuginfo };
  const cleaned = cleanScalar(desc.type, value);
  if (desc.type === 'float') {
    if (typeof value !== 'number' && !isPhpFloatString(phpString(value))) return { fail: debuginfo };
  } else if (phpString(value) !== phpString(cleaned)) return { fail: debuginfo };
  return { value: cleaned };
}

interface Walk {
  paramError(debuginfo: string): WsException;
  responseError(debuginfo: string): WsException;
}

function walkFor(options: CleanOptions): Walk {
  const debug = options.debug ?? true;
  return {
    paramError: (debuginfo) => new WsException(debuginfo, PARAM_MESSAGE, debug),
    responseError: (debuginfo) => new WsException(debuginfo, RESPONSE_MESSAGE, debug),
  };
}

const entriesCache = new WeakMap<WsSingleDesc, Array<[string, WsDesc]>>();

/** The keys of a structure as pairs, computed once per description (hot in big payloads). */
function entriesOf(desc: WsSingleDesc): Array<[string, WsDesc]> {
  let entries = entriesCache.get(desc);
  if (!entries) {
    entries = Object.entries(desc.keys);
    entriesCache.set(desc, entries);
  }
  return entries;
}

function paramsNode(desc: WsDesc, value: PhpValue, walk: Walk): unknown {
  const error = walk.paramError;
  if (value === null && desc.allownull) return null;
  if (desc.kind === 'value') {
    if (value instanceof Map) throw error('Scalar type expected, array or object received.');
    if (desc.type === 'bool' && isPhpBoolish(value)) return value === true || value === 1 || value === '1';
    const info = `Invalid external api parameter: the value is "${phpString(value)}", the server was expecting "${desc.type}" type`;
    const result = validateParam(value, desc, info);
    if ('fail' in result) throw error(result.fail);
    return result.value;
  }
  if (!(value instanceof Map)) throw error(`Only arrays accepted. The bad value is: '${printR(value)}'`);
  if (desc.kind === 'multiple')
    return [...value.values()].map((item) => paramsNode(desc.content, item, walk));
  const result: Record<string, unknown> = {};
  let matched = 0;
  for (const [key, child] of entriesOf(desc)) {
    if (!value.has(key)) {
      if (child.required === VALUE_REQUIRED) throw error(`Missing required key in single structure: ${key}`);
      if (child.required === VALUE_DEFAULT) {
        try {
          result[key] = paramsNode(child, toPhp(child.default), walk);
        } catch (e) {
          throw e instanceof WsException ? e.wrap(key) : e;
        }
      }
    } else {
      try {
        result[key] = paramsNode(child, value.get(key) as PhpValue, walk);
      } catch (e) {
        throw e instanceof WsException ? e.wrap(key) : e;
      }
    }
    if (value.has(key)) matched++;
  }
  if (matched < value.size) {
    const unexpected = [...value.keys()].filter((key) => !Object.hasOwn(desc.keys, key));
    throw error(`Unexpected keys (${unexpected.join(', ')}) detected in parameter array.`);
  }
  return result;
}

function isPhpBoolish(value: PhpValue): boolean {
  return typeof value === 'boolean' || value === 0 || value === 1 || value === '0' || value === '1';
}

/** Options of {@link cleanParams} and {@link cleanReturns}. */
export interface CleanOptions {
  /**
   * Whether the site runs with developer debugging (default true): Moodle then appends the detail to `message`
   * as " (detail)" at every level, and sends `debuginfo`. Off, `message` is the bare sentence.
   */
  debug?: boolean;
}

/** A refused parameter set, in the words Moodle uses (`exception`, `errorcode`, `message`, `debuginfo`). */
export interface CleanParamsFailure {
  ok: false;
  exception: 'core\\exception\\invalid_parameter_exception';
  errorcode: 'invalidparameter';
  message: string;
  debuginfo: string;
}

/**
 * Validates and cleans parameters as Moodle's external_api::validate_parameters does, for a server that answers
 * like Moodle (the sandbox). `raw` is the decoded form (every leaf a string, arrays as objects or lists, or the
 * `URLSearchParams` / pairs of the body, decoded as PHP does) without the `ws*` and `moodlewssetting*` keys.
 * Types are cleaned per PARAM_ type, defaults applied, absent optional keys left out and unknown keys refused;
 * a failure carries the same `message` and `debuginfo` text Moodle produces.
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
): { ok: true; value: Record<string, unknown> } | CleanParamsFailure {
  const walk = walkFor(options);
  const input = raw instanceof URLSearchParams || isPairs(raw) ? decodePhpForm(raw) : toPhp(raw ?? {});
  try {
    return { ok: true, value: paramsNode(info.parameters, input, walk) as Record<string, unknown> };
  } catch (e) {
    if (!(e instanceof WsException)) throw e;
    return {
      ok: false,
      exception: 'core\\exception\\invalid_parameter_exception',
      errorcode: 'invalidparameter',
      message: e.message,
      debuginfo: e.debuginfo,
    };
  }
}

function returnsNode(desc: WsDesc, value: PhpValue, walk: Walk): unknown {
  const error = walk.responseError;
  if (value === null && desc.allownull) return null;
  if (desc.kind === 'value') {
    if (value instanceof Map) throw error('Scalar type expected, array or object received.');
    if (desc.type === 'bool' && isPhpBoolish(value)) return value === true || value === 1 || value === '1';
    const info = `Invalid external api response: the value is "${phpString(value)}" of PHP type "${phpType(value)}", the server was expecting "${desc.type}" type`;
    const result = validateParam(value, desc, info);
    if ('fail' in result) throw error(result.fail);
    return result.value;
  }
  if (desc.kind === 'multiple') {
    if (!(value instanceof Map)) throw error(`Only arrays accepted. The bad value is: '${printR(value)}'`);
    return [...value.values()].map((item) => returnsNode(desc.content, item, walk));
  }
  if (!(value instanceof Map))
    throw error(`Only arrays/objects accepted. The bad value is: '${printR(value)}'`);
  const result: Record<string, unknown> = {};
  for (const [key, child] of entriesOf(desc)) {
    try {
      if (value.has(key)) result[key] = returnsNode(child, value.get(key) as PhpValue, walk);
      else if (child.required === VALUE_REQUIRED)
        throw error(`Error in response - Missing following required key in a single structure: ${key}`);
      else if (child.kind === 'value' && child.required === VALUE_DEFAULT)
        result[key] = returnsNode(child, toPhp(child.default), walk);
    } catch (e) {
      if (!(e instanceof WsException)) throw e;
      // A missing key is reported by the structure itself, not wrapped with its own name.
      if (!value.has(key) && child.required === VALUE_REQUIRED) throw e;
      throw e.wrap(key);
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
  | {
      ok: false;
      exception: 'core\\exception\\invalid_response_exception';
      errorcode: 'invalidresponse';
      message: string;
      debuginfo: string;
    } {
  if (info.returns === null) return { ok: true, value: null };
  try {
    return { ok: true, value: returnsNode(info.returns, toPhp(value), walkFor(options)) };
  } catch (e) {
    if (!(e instanceof WsException)) throw e;
    return {
      ok: false,
      exception: 'core\\exception\\invalid_response_exception',
      errorcode: 'invalidresponse',
      message: e.message,
      debuginfo: e.debuginfo,
    };
  }
}
