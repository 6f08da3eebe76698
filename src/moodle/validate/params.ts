/**
 * Client-side checking of a caller's parameters against a function's description, before a request: every
 * problem with its path. (Moodle's own server-side checks, with its wording, are in the sandbox's validate-parameters.ts.)
 */
import {
  VALUE_REQUIRED,
  type WsDesc,
  type WsFunctionInfo,
  type WsMultipleDesc,
  type WsSingleDesc,
  type WsValueDesc,
} from '../definitions.js';
import { compiledFits, scalarProblem } from './fits.js';
import { closeNames } from './names.js';

/** One problem with a caller's parameters. */
export interface ParamIssue {
  code: 'unknown_key' | 'missing' | 'wrong_type' | 'null_not_allowed' | 'not_a_list' | 'not_an_object';
  /** Where, as `users[0].email`; empty for the parameters as a whole. */
  path: string;
  /** What was expected there: a PARAM_ type (`int`), `object` or `list`. */
  expected?: string;
  /** For an unknown key: the known key it is probably a misspelling of. */
  suggestion?: string;
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
  const value = params ?? {};
  // The compiled check answers for the usual, valid call; the walk below names the issues of the others.
  if (compiledFits(info.parameters)(value)) return [];
  return findIssues(info.parameters, value);
}

/**
 * Every issue of `value` against a structure, found by walking it (what validateParams reports).
 * @internal
 */
export function findIssues(desc: WsSingleDesc, value: unknown): ParamIssue[] {
  const issues: ParamIssue[] = [];
  checkSingle(desc, value, '', issues);
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
      issues.push(unknownKey(desc, key, join(path, key)));
    } else if (v === null) {
      if (child.required !== VALUE_REQUIRED) continue;
      const at = join(path, key);
      issues.push({ code: 'null_not_allowed', path: at, message: `${at} is required and cannot be null.` });
    } else if (child.kind === 'multiple' && Array.isArray(v) && v.length === 0) {
      if (child.required === VALUE_REQUIRED) missing(child, join(path, key), true, issues);
    } else checkNode(child, v, join(path, key), issues);
  }
  for (const key of requiredKeys(desc)) {
    if (value[key] === undefined) missing(desc.keys[key] as WsDesc, join(path, key), false, issues);
  }
}

function unknownKey(desc: WsSingleDesc, key: string, at: string): ParamIssue {
  const known = Object.keys(desc.keys);
  const [suggestion] = closeNames(key, known);
  const mean = suggestion === undefined ? 'known' : `did you mean ${suggestion}? Known`;
  return {
    code: 'unknown_key',
    path: at,
    ...(suggestion === undefined ? {} : { suggestion }),
    message: `${at} is not a parameter here; ${mean} keys: ${known.join(', ') || '(none)'}.`,
  };
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
