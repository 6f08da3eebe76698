/**
 * Checks made before any request: is the function known, and do the parameters fit its description. Moodle
 * hides the detail of a refused parameter unless the site has developer debugging on; these checks name it.
 */
import type { FunctionTable, WsFunctionInfo } from '../definitions.js';
import { type MoodleError, MoodleInputError } from '../errors.js';
import { closeNames, editDistance } from './names.js';
import { type ParamIssue, validateParams } from './params.js';

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
    // Each issue's message starts with its path. Every issue goes in the message, one per line, so that whoever
    // shows only the message (a terminal, a log line) shows all of them.
    const message =
      issues.length === 1
        ? `${fn}: ${(issues[0] as ParamIssue).message}`
        : `${fn}: ${issues.length} problems with the parameters:\n${issues.map((issue) => `  - ${issue.message}`).join('\n')}`;
    super('moodle.invalid_params', message, {
      hint: `Fix the parameter${issues.length === 1 ? '' : 's'} above; \`mts moodle functions ${fn}\` shows what ${fn} takes.`,
      fn,
      details: { issues: issues.map((issue) => ({ ...issue })) },
    });
    this.issues = issues;
  }
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
 * Whether a name the table lacks still looks like one of its functions: its component is one the table covers
 * (`core_user_get_userz`), it is a core subsystem's (`core_usr_get_users`: plugins cannot add `core_` functions), or
 * it is a couple of edits from a known name (`mod_assing_get_assignments`).
 */
function looksKnown(table: FunctionTable, name: string): boolean {
  if (componentsOf(table).has(componentOf(name))) return true;
  if (name.startsWith('core_') && componentsOf(table).has('core_webservice')) return true;
  // A plugin's function is called again and again: measure its distance to the known names once.
  let plugins = pluginCache.get(table);
  if (!plugins) {
    plugins = new Map();
    pluginCache.set(table, plugins);
  }
  let close = plugins.get(name);
  if (close === undefined) {
    close = closeNames(name, table.names(), 2).length > 0;
    if (plugins.size < 1000) plugins.set(name, close);
  }
  return close;
}

const pluginCache = new WeakMap<FunctionTable, Map<string, boolean>>();

/**
 * Finds a function's description. A name the table lacks is refused, with suggestions, when it looks like one of
 * the table's functions (see looksKnown) or when `strict` is set; a name of another component (a site plugin's
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
  if (!strict && !looksKnown(table, name)) return undefined;
  const suggestions = suggestFunctions(table, name);
  throw new MoodleInputError('moodle.unknown_function', `There is no function "${name}".`, {
    hint: suggestions.length
      ? `Did you mean ${suggestions.join(', ')}? (If the site runs another Moodle version or has it from a plugin, pass the site's own table: \`mts codegen moodle\`.)`
      : "List the functions with `mts moodle functions`; for a plugin or another Moodle version, pass your site's table (`mts codegen moodle`).",
    fn: name,
    details: { function: name, suggestions },
  });
}

/**
 * The error for a function the site itself says it lacks (Moodle answers `invalidrecord` on its
 * `external_functions` table): says so, with the closest known names, instead of the bare database message.
 */
export function unknownOnSite(error: MoodleError, table: FunctionTable, siteUrl: string): MoodleError {
  const fn = error.fn ?? '';
  const suggestions = fn ? suggestFunctions(table, fn) : [];
  const mean = suggestions.length ? `Did you mean ${suggestions.join(', ')}? ` : '';
  return new MoodleInputError(
    'moodle.unknown_function',
    `The function "${fn}" does not exist on ${siteUrl}.`,
    {
      hint: `${mean}Check the name, the site's Moodle version and that the plugin providing it is installed (\`mts moodle functions\` lists Moodle 4.5 core).`,
      errorcode: error.errorcode,
      debuginfo: error.debuginfo,
      exception: error.exception,
      fn,
      cause: error,
      request: error.request,
      details: { function: fn, suggestions },
    },
  );
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
