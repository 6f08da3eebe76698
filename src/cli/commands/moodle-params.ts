/** `mts moodle call` parameters from `key=value` arguments, read as PHP reads form names; loaded when a call runs. */
import { decodeForm, formToJs, splitFormName } from '../../moodle/call/form-names.js';
import { UsageError } from '../framework.js';

/**
 * `key=value` arguments as parameters, each name read as PHP reads a form name (`users[0][email]`, `values[]`),
 * with `users.0.email` as a shorthand for `users[0][email]`; `true` and `false` become booleans (sent as 1 and 0).
 */
export function paramsFromPairs(pairs: readonly string[]): Record<string, unknown> {
  const form: Array<[string, string]> = pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`Expected key=value, got "${pair}".`);
    const name = pair.slice(0, eq);
    if (!splitFormName(bracketed(name)))
      throw new UsageError(
        `Bad parameter name "${name}".`,
        'Use key=value, users[0][email]=x or users.0.email=x.',
      );
    return [bracketed(name), pair.slice(eq + 1)];
  });
  return withBooleans(formToJs(decodeForm(form))) as Record<string, unknown>;
}

/** `users.0.email` and `users[0].email` as `users[0][email]`: dots outside brackets separate keys. */
function bracketed(name: string): string {
  const [first = '', ...rest] = name.split(/\.(?![^[]*\])/);
  return first + rest.map((key) => `[${key}]`).join('');
}

function withBooleans(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (Array.isArray(value)) return value.map(withBooleans);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withBooleans(inner)]));
  return value;
}

/** `source` laid over `target`: objects merge key by key, list items by position, the rest is replaced. */
export function overlay(target: unknown, source: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(source)) {
    const out = [...target];
    source.forEach((item, i) => {
      out[i] = overlay(out[i], item);
    });
    return out;
  }
  if (isObject(target) && isObject(source)) {
    const out: Record<string, unknown> = { ...target };
    for (const [key, inner] of Object.entries(source)) out[key] = overlay(out[key], inner);
    return out;
  }
  return source;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
