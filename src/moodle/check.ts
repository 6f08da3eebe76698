/**
 * Checks made before any request: is the function known, and do the parameters fit its description. Moodle
 * hides the detail of a refused parameter unless the site has developer debugging on; these checks name it.
 */
import type { FunctionTable, WsFunctionInfo } from './definitions.js';
import { MoodleInputError } from './errors.js';
import { type ParamIssue, validateParams } from './validate.js';

/**
 * Parameters that do not fit the function's description, each issue with its path (`users[0].email`).
 *
 * @example
 * ```ts
 * try { await moodle.call('core_user_create_users', { users: [{ username: 'ann' }] }); }
 * catch (e) { if (e instanceof MoodleValidationError) for (const i of e.issues) console.log(i.path, i.message); }
 * ```
 */
export class MoodleValidationError extends MoodleInputError {
  /** Every problem found, each with its path. */
  readonly issues: readonly ParamIssue[];
  constructor(fn: string, issues: readonly ParamIssue[]) {
    const first = issues[0] as ParamIssue;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('moodle.invalid_params', `${fn}: ${first.path || 'parameters'}: ${first.message}${more}`, {
      hint: 'Fix the parameters named in `issues`; `mts moodle functions NAME` shows what the function takes.',
      fn,
      details: { issues: issues.map((issue) => ({ ...issue })) },
    });
    this.issues = issues;
  }
}

/** Edit distance between two names, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Up to `max` known names closest to `name`. */
export function suggestFunctions(table: FunctionTable, name: string, max = 3): string[] {
  const limit = Math.max(3, Math.floor(name.length / 4));
  return table
    .names()
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter((entry) => entry.distance <= limit || entry.candidate.includes(name))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((entry) => entry.candidate);
}

/** The component part of a function name (`core_user`, `mod_assign`, `enrol_manual`). */
export function componentOf(name: string): string {
  return name.split('_').slice(0, 2).join('_');
}

const componentCache = new WeakMap<FunctionTable, Set<string>>();

function componentsOf(table: FunctionTable): Set<string> {
  let set = componentCache.get(table);
  if (!set) {
    set = new Set(table.names().map(componentOf));
    componentCache.set(table, set);
  }
  return set;
}

/** What a web service function name may hold. */
const FUNCTION_NAME = /^[a-zA-Z0-9_]+$/;

/**
 * Finds a function's description. A name the table lacks is refused, with suggestions, when the table covers its
 * component (`core_user_get_userz`) or when `strict` is set; another component's name (a site plugin's
 * `local_acme_sync`) passes through undescribed, since the table cannot know the site's plugins.
 */
export function resolveFunction(
  table: FunctionTable | undefined,
  name: string,
  strict: boolean,
): WsFunctionInfo | undefined {
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw new MoodleInputError('moodle.invalid_function_name', `"${String(name)}" is not a function name.`, {
      hint: 'Function names are letters, digits and underscores, e.g. core_webservice_get_site_info.',
      details: { function: String(name) },
    });
  }
  if (!table) return undefined;
  const info = table.get(name);
  if (info) return info;
  if (!strict && !componentsOf(table).has(componentOf(name))) return undefined;
  const suggestions = suggestFunctions(table, name);
  throw new MoodleInputError('moodle.unknown_function', `There is no function "${name}".`, {
    hint: suggestions.length
      ? `Did you mean ${suggestions.join(', ')}?`
      : "List the functions with `mts moodle functions`; for a plugin, pass your site's table (`mts codegen moodle`).",
    fn: name,
    details: { function: name, suggestions },
  });
}

/**
 * What is sent, in the shape the validator sees: `Date`s become Unix seconds and `null`/`undefined` entries of
 * objects disappear (the form encoding drops them too).
 */
export function normaliseParams(value: unknown): unknown {
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (Array.isArray(value)) return value.map(normaliseParams);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === null || inner === undefined) continue;
      out[key] = normaliseParams(inner);
    }
    return out;
  }
  return value;
}

/** Throws {@link MoodleValidationError} when `params` do not fit `info`. */
export function assertValidParams(info: WsFunctionInfo, params: unknown): void {
  const issues = validateParams(info, params);
  if (issues.length > 0) throw new MoodleValidationError(info.name, issues);
}
