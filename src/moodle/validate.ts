/**
 * Checking values against a function's description, three ways: `validateParams` (client side, before a request,
 * every problem with its path), `cleanParams` (server side, what Moodle's external_api::validate_parameters does,
 * with Moodle's own error text) and `cleanReturns` (what clean_returnvalue does to a result).
 */
import {
  VALUE_DEFAULT,
  VALUE_REQUIRED,
  type WsDesc,
  type WsFunctionInfo,
  type WsMultipleDesc,
  type WsSingleDesc,
  type WsValueDesc,
} from './definitions.js';

/** One problem with a caller's parameters. */
export interface ParamIssue {
  code: 'unknown_key' | 'missing' | 'wrong_type' | 'null_not_allowed' | 'not_a_list' | 'not_an_object';
  /** Where, as `users[0].email`; empty for the parameters as a whole. */
  path: string;
  /** What was expected there: a PARAM_ type (`int`), `object` or `list`. */
  expected?: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Checks parameters against a function's description before anything is sent, and reports every problem with its
 * path. Values are the JS values a caller passes: numbers, booleans, strings, arrays, objects. Numeric strings are
 * fine for int/float (Moodle takes them); `undefined` or `null` for an optional key means "leave it out". An empty
 * list counts as missing for a required key, as a form post cannot carry one. Moodle itself hides this detail
 * unless the site has developer debugging on.
 *
 * @example
 * ```ts
 * const info = coreFunctionTable().get('core_user_get_users_by_field')!;
 * validateParams(info, { field: 'email' }); // [{ code: 'missing', path: 'values', ... }]
 * ```
 */
export function validateParams(info: WsFunctionInfo, params: unknown): ParamIssue[] {
  const issues: ParamIssue[] = [];
  checkSingle(info.parameters, params ?? {}, '', issues);
  return issues;
}

function checkNode(desc: WsDesc, value: unknown, path: string, issues: ParamIssue[]): void {
  if (desc.kind === 'single') checkSingle(desc, value, path, issues);
  else if (desc.kind === 'multiple') checkList(desc, value, path, issues);
  else checkValue(desc, value, path, issues);
}

function checkSingle(desc: WsSingleDesc, value: unknown, path: string, issues: ParamIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({
      code: 'not_an_object',
      path,
      expected: 'object',
      message: `${path || 'parameters'}: expected an object with keys ${Object.keys(desc.keys).join(', ') || '(none)'}, got ${describe(value)}.`,
    });
    return;
  }
  // Walk the keys given (usually far fewer than the keys known), then look for required keys left out.
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    const child = Object.hasOwn(desc.keys, key) ? desc.keys[key] : undefined;
    if (!child) {
      const at = join(path, key);
      issues.push({
        code: 'unknown_key',
        path: at,
        message: `${at} is not a parameter here; known keys: ${Object.keys(desc.keys).join(', ') || '(none)'}.`,
      });
    } else if (v === null) {
      if (child.required !== VALUE_REQUIRED) continue;
      const at = join(path, key);
      issues.push({ code: 'null_not_allowed', path: at, message: `${at} is required and cannot be null.` });
    } else if (child.kind === 'value') {
      const problem = scalarProblem(child.type, v);
      if (problem) wrongType(child, v, join(path, key), problem, issues);
    } else if (child.kind === 'multiple' && Array.isArray(v) && v.length === 0) {
      if (child.required === VALUE_REQUIRED) missing(child, join(path, key), true, issues);
    } else checkNode(child, v, join(path, key), issues);
  }
  for (const key of requiredKeys(desc)) {
    if (value[key] === undefined) missing(desc.keys[key] as WsDesc, join(path, key), false, issues);
  }
}

const requiredCache = new WeakMap<WsSingleDesc, string[]>();

function requiredKeys(desc: WsSingleDesc): string[] {
  let keys = requiredCache.get(desc);
  if (!keys) {
    keys = Object.keys(desc.keys).filter((key) => desc.keys[key]?.required === VALUE_REQUIRED);
    requiredCache.set(desc, keys);
  }
  return keys;
}

function missing(child: WsDesc, at: string, emptyList: boolean, issues: ParamIssue[]): void {
  const why = emptyList ? ' (an empty list cannot be sent in a form post, so Moodle sees no key)' : '';
  issues.push({ code: 'missing', path: at, message: `${at} is required${why}.`, ...expectedOf(child) });
}

function expectedOf(desc: WsDesc): { expected: string } {
  return { expected: desc.kind === 'value' ? desc.type : desc.kind === 'single' ? 'object' : 'list' };
}

function checkList(desc: WsMultipleDesc, value: unknown, path: string, issues: ParamIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({
      code: 'not_a_list',
      path,
      expected: 'list',
      message: `${path}: expected a list, got ${describe(value)}.`,
    });
    return;
  }
  value.forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (item === null || item === undefined) {
      issues.push({
        code: 'null_not_allowed',
        path: at,
        message: `${at}: a list item cannot be ${String(item)}.`,
      });
    } else checkNode(desc.content, item, at, issues);
  });
}

function checkValue(desc: WsValueDesc, value: unknown, path: string, issues: ParamIssue[]): void {
  const problem = scalarProblem(desc.type, value);
  if (problem) wrongType(desc, value, path, problem, issues);
}

function wrongType(
  desc: WsValueDesc,
  value: unknown,
  path: string,
  problem: string,
  issues: ParamIssue[],
): void {
  issues.push({
    code: 'wrong_type',
    path,
    expected: desc.type,
    message: `${path}: ${problem}, got ${describe(value)}.`,
  });
}

/** Why a JS value does not fit a PARAM_ type, or undefined when it does. */
function scalarProblem(type: string, value: unknown): string | undefined {
  if (type === 'bool') {
    return typeof value === 'boolean' || value === 0 || value === 1 || value === '0' || value === '1'
      ? undefined
      : 'expected a boolean';
  }
  if (type === 'int') {
    if (typeof value === 'number') return Number.isInteger(value) ? undefined : 'expected an integer';
    return typeof value === 'string' && isPhpIntString(value) ? undefined : 'expected an integer';
  }
  if (type === 'float') {
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'expected a finite number';
    return typeof value === 'string' && isPhpFloatString(value) ? undefined : 'expected a number';
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'expected a string';
  if (typeof value !== 'string') return `expected a string (PARAM_${type.toUpperCase()})`;
  if (!CLIENT_CHECKED_TYPES.has(type)) return undefined;
  const cleaned = phpString(cleanScalar(type, value));
  if (cleaned === value) return undefined;
  return `PARAM_${type.toUpperCase()} takes this only as ${JSON.stringify(cleaned)} (Moodle refuses a value its cleaning changes)`;
}

// ---------------------------------------------------------------------------------------------------------
// Server side: Moodle's own algorithm and wording.

/** A PHP array as the web service sees it: ordered keys (a form's `a[0][b]=v`, or a JS array or object). */
export type PhpValue = PhpScalar | Map<string, PhpValue>;

/** Turns JS values (or URLSearchParams) into the PHP values Moodle would see. */
function toPhp(value: unknown): PhpValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [String(k), toPhp(v)]));
  if (Array.isArray(value)) return new Map(value.map((v, i) => [String(i), toPhp(v)]));
  if (typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toPhp(v)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * PHP's `(string)` and `"{$x}"` of a scalar, as Moodle's messages print values.
 *
 * @example
 * ```ts
 * phpString(true); // '1'
 * phpString(1e25); // '1.0E+25'
 * ```
 */
export function phpString(value: PhpScalar): string {
  if (value === null || value === false) return '';
  if (value === true) return '1';
  if (typeof value === 'number') return phpNumberString(value);
  return value;
}

/** PHP's rendering of an int or float (precision 14, `1.0E+25` style exponents, `INF`, `NAN`). */
function phpNumberString(n: number): string {
  if (Number.isNaN(n)) return 'NAN';
  if (!Number.isFinite(n)) return n > 0 ? 'INF' : '-INF';
  // A safe integer is a PHP int; anything else is a float, printed with precision 14 (%.14G).
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa, exp] = n.toExponential(13).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 14) {
    let m = mantissa.replace(/\.?0+$/, '');
    if (!m.includes('.')) m += '.0';
    return `${m}E${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }
  return String(Number(n.toPrecision(14)));
}

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

function isPairs(value: unknown): value is Iterable<[string, string]> {
  return (
    Array.isArray(value) && value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')
  );
}

/**
 * Decodes form pairs the way PHP fills `$_POST`: `a[0][b]=v` nests, `a[]=v` appends, a later plain `a=v`
 * replaces, and `.` or space in a top-level name becomes `_`. Returns PHP arrays as ordered maps.
 *
 * @example
 * ```ts
 * decodePhpForm(new URLSearchParams('users[0][email]=a@b.cd')).get('users'); // Map { '0' => Map { 'email' => 'a@b.cd' } }
 * ```
 */
export function decodePhpForm(pairs: Iterable<[string, string]>): Map<string, PhpValue> {
  const root = new Map<string, PhpValue>();
  for (const [name, value] of pairs) {
    const open = name.indexOf('[');
    const base = (open === -1 ? name : name.slice(0, open)).replace(/[. ]/g, '_');
    if (base === '') continue;
    const segments: string[] = [];
    let rest = open === -1 ? '' : name.slice(open);
    while (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close === -1) break;
      segments.push(rest.slice(1, close));
      rest = rest.slice(close + 1);
    }
    let target = root;
    let key = base;
    for (const segment of segments) {
      let next = target.get(key);
      if (!(next instanceof Map)) {
        next = new Map();
        setKey(target, key, next);
      }
      target = next;
      key = segment === '' ? String(nextFree.get(target) ?? 0) : segment;
    }
    setKey(target, key, value);
  }
  return root;
}

/** PHP's next free integer key of each array being filled (so `a[]=` is O(1)). */
const nextFree = new WeakMap<Map<string, PhpValue>, number>();

function setKey(array: Map<string, PhpValue>, key: string, value: PhpValue): void {
  array.set(key, value);
  if (/^(0|-?[1-9]\d*)$/.test(key)) nextFree.set(array, Math.max(nextFree.get(array) ?? 0, Number(key) + 1));
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

// ---------------------------------------------------------------------------------------------------------
// PARAM_ cleaning, as Moodle's core\param does it. Types that depend on the site (lang, theme, auth,
// capability) are checked for their form only; HTML cleaning (cleanhtml, clean) is approximated.

/** A PHP scalar as the web service layer sees it. */
export type PhpScalar = string | number | boolean | null;

/** Types whose cleaning is reproduced exactly enough to refuse a value before sending it. */
const CLIENT_CHECKED_TYPES = new Set([
  'alpha',
  'alphaext',
  'alphanum',
  'alphanumext',
  'sequence',
  'safedir',
  'safepath',
  'raw',
  'raw_trimmed',
  'notags',
  'text',
  'username',
  'component',
  'area',
  'plugin',
  'stringid',
  'timezone',
  'file',
  'path',
  'tag',
]);

/**
 * PHP's `(string)(int)$s === $s`: a canonical decimal integer within 64 bits (what PARAM_INT accepts as text).
 *
 * @example
 * ```ts
 * isPhpIntString('42'); // true
 * isPhpIntString('042'); // false
 * ```
 */
export function isPhpIntString(s: string): boolean {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(s)) return false;
  const n = BigInt(s);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

/**
 * What validate_param accepts for PARAM_FLOAT from text: is_numeric and Moodle's pattern (no spaces, no hex).
 *
 * @example
 * ```ts
 * isPhpFloatString('1.5e3'); // true
 * isPhpFloatString(' 1.5'); // false
 * ```
 */
export function isPhpFloatString(s: string): boolean {
  return /^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$/i.test(s) && /^[+-]?(\d+\.?\d*|\.\d+)/.test(s);
}

/** PHP's `(int)` of a scalar (leading numeric prefix, saturating). */
function phpInt(value: PhpScalar): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = /^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(value);
  if (!m) return 0;
  const n = Number(m[1]);
  return Math.trunc(Math.max(Math.min(n, 2 ** 63), -(2 ** 63)));
}

function phpFloat(value: PhpScalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const m = /^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(value);
  return m ? Number(m[1]) : 0;
}

/** PHP's strip_tags: removes tags (and comments), keeping `allowed` tag names; `<` before a space stays. */
function stripTags(input: string, allowed: readonly string[] = []): string {
  if (!input.includes('<')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c !== '<' || (allowed.length === 0 && /\s/.test(input[i + 1] ?? 'x'))) {
      out += c;
      i++;
      continue;
    }
    if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i + 4);
      i = end === -1 ? input.length : end + 3;
      continue;
    }
    let j = i + 1;
    let quote = '';
    let depth = 1;
    for (; j < input.length; j++) {
      const d = input[j] as string;
      if (quote) {
        if (d === quote) quote = '';
      } else if (d === '"' || d === "'") quote = d;
      else if (d === '<') depth++;
      else if (d === '>' && --depth === 0) break;
    }
    const tag = input.slice(i, j + 1);
    const name = /^<\/?\s*([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase();
    if (j < input.length && name && allowed.includes(name)) out += tag;
    i = j + 1;
  }
  return out;
}

function cleanText(s: string): string {
  if (!s.includes('<')) return s;
  for (const [closing, tag, pattern] of [
    ['</lang>', 'lang', /^<lang lang="[a-zA-Z0-9_-]+"\s*>$/u],
    ['</span>', 'span', /^<span(\s+lang="[a-zA-Z0-9_-]+"|\s+class="multilang"){2}\s*>$/u],
  ] as const) {
    if (!s.includes(closing)) continue;
    const kept = stripTags(s, [tag]);
    let open = false;
    let valid = true;
    for (const match of kept.match(/<.*?>/gsu) ?? []) {
      if (match === closing) {
        if (!open) valid = false;
        open = false;
      } else if (pattern.test(match) && !open) open = true;
      else valid = false;
      if (!valid) break;
    }
    if (valid && !open) return kept;
    return stripTags(s);
  }
  return stripTags(s);
}

function isValidPluginName(s: string): boolean {
  return /^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$/.test(s);
}

function cleanComponent(s: string): string {
  if (!/^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$/.test(s) || s.includes('__')) return '';
  if (s.startsWith('mod_') && s.split('_').length !== 2) return '';
  return s;
}

function cleanFile(s: string): string {
  const out = s.replace(/[\u0000-\u001f\u007f&<>"`|':\\/]/gu, '');
  return out === '.' || out === '..' ? '' : out;
}

function cleanPath(s: string): string {
  const crumbs = s
    .replace(/\\/g, '/')
    .split('/')
    .map((c, i) => (c === '.' && i === 0 ? c : cleanFile(c)));
  return crumbs
    .join('/')
    .replace(/\/\/+/g, '/')
    .replace(/\/(\.\/)+/g, '/');
}

function cleanUrl(s: string): string {
  if (s === '') return '';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  if (scheme && !['http', 'https', 'ftp', 'mailto', 'news', 'file'].includes(scheme)) return '';
  if (/[\s<>"`{}|\\^]/.test(s) || /^[a-z]+:\/\/[^/?#]*@/i.test(s)) return '';
  return s;
}

const CLEANERS: Record<string, (s: string, raw: PhpScalar) => PhpScalar> = {
  raw: (_s, raw) => raw,
  raw_trimmed: (s) => s.trim(),
  clean: (s, raw) => (typeof raw === 'number' ? raw : cleanHtmlish(s)),
  cleanhtml: (s) => cleanHtmlish(s).trim(),
  int: (_s, raw) => phpInt(raw),
  integer: (_s, raw) => phpInt(raw),
  float: (_s, raw) => phpFloat(raw),
  number: (_s, raw) => phpFloat(raw),
  bool: (s, raw) => {
    const lower = s.toLowerCase();
    if (lower === 'on' || lower === 'yes' || lower === 'true') return 1;
    if (lower === 'off' || lower === 'no' || lower === 'false') return 0;
    return raw === '' || raw === '0' || raw === 0 || raw === false || raw === null ? 0 : 1;
  },
  alpha: (s) => s.replace(/[^a-zA-Z]/g, ''),
  alphaext: (s) => s.replace(/[^a-zA-Z_-]/g, ''),
  alphanum: (s) => s.replace(/[^A-Za-z0-9]/g, ''),
  alphanumext: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  action: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  format: (s) => s.replace(/[^A-Za-z0-9_-]/g, ''),
  sequence: (s) => s.replace(/[^0-9,]/g, ''),
  safedir: (s) => s.replace(/[^a-zA-Z0-9_-]/g, ''),
  safepath: (s) => s.replace(/[^a-zA-Z0-9/_-]/g, ''),
  notags: (s) => stripTags(s),
  text: (s) => cleanText(s),
  multilang: (s) => cleanText(s),
  component: (s) => cleanComponent(s),
  area: (s) => (isValidPluginName(s) ? s : ''),
  plugin: (s) => (isValidPluginName(s) ? s : ''),
  auth: (s) => (isValidPluginName(s) ? s : ''),
  theme: (s) => (isValidPluginName(s) ? s : ''),
  lang: (s) => s.replace(/[^a-zA-Z0-9_-]/g, ''),
  capability: (s) => (/^[a-z0-9_]+\/[a-z0-9_]+:[a-z0-9_]+$/.test(s) ? s : ''),
  file: (s) => cleanFile(s),
  cleanfile: (s) => cleanFile(s),
  path: (s) => cleanPath(s),
  url: (s) => cleanUrl(s),
  localurl: (s) => cleanUrl(s),
  tag: (s) =>
    [
      ...s
        .replace(/[\u0000-\u001f\u007f<>`]/gu, '')
        .replace(/\s+/gu, ' ')
        .trim(),
    ]
      .slice(0, 50)
      .join(''),
  username: (s) =>
    s
      .trim()
      .toLowerCase()
      .replace(/ /g, '')
      .replace(/[^-.@_a-z0-9]/g, ''),
  email: (s) => (/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s) ? s : ''),
  stringid: (s) => (/^[a-zA-Z][a-zA-Z0-9.:/_-]*$/.test(s) ? s : ''),
  timezone: (s) =>
    /^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[a-zA-Z0-9]+(\/?[a-zA-Z_-])+)$/.test(s)
      ? s
      : '',
};

/** A rough stand-in for HTML Purifier: scripts, event handlers and javascript: URLs are removed. */
function cleanHtmlish(s: string): string {
  return s
    .replace(/<(script|style|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/javascript:/gi, '');
}

/**
 * core\param::clean() of one scalar for a PARAM_ type (unknown types are left as they are, like raw). Moodle refuses
 * a parameter whose cleaned text differs from what was sent.
 *
 * @example
 * ```ts
 * cleanScalar('alphanum', 'ab-1'); // 'ab1'
 * cleanScalar('int', '7'); // 7
 * ```
 */
export function cleanScalar(type: string, value: PhpScalar): PhpScalar {
  const cleaner = CLEANERS[type] ?? CLEANERS.raw;
  return (cleaner as (s: string, raw: PhpScalar) => PhpScalar)(phpString(value), value);
}
