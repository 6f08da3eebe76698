/**
 * Is a function known: resolving a name against the function table before any request, with did-you-mean
 * suggestions, and the error for a function the site itself says it lacks.
 */
import type { FunctionTable, WsFunctionInfo } from '../definitions.js';
import { type MoodleError, MoodleInputError } from '../errors.js';
import { closeNames, editDistance } from './names.js';

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
