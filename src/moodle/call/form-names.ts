/**
 * Reading form names the way PHP fills `$_POST`: `users[0][email]` nests, `values[]` appends, a later plain `a=v`
 * replaces, and `.` or a space in a top-level name becomes `_`. The one parser of `users[0][email]` names: the
 * sandbox reads request bodies with it and `mts moodle call` reads its `key=value` arguments with it, so both
 * read a name as Moodle does (encode.ts writes the names; tests prove the round trip).
 */
import type { PhpScalar } from '../validate/php-text.js';

/** A PHP array as the web service layer holds it: ordered keys (a decoded form's `a[0][b]=v`). */
export type PhpValue = PhpScalar | Map<string, PhpValue>;

/** PHP's max_input_nesting_level: a name nested deeper is dropped. */
const MAX_NESTING = 64;

/**
 * A form name split as PHP splits it: the top-level name (with `.` and spaces turned into `_`) and the keys in
 * brackets (`''` for `[]`, append). Undefined for a name PHP drops (empty, or nested deeper than 64 levels).
 *
 * @example
 * ```ts
 * splitFormName('users[0][email]'); // ['users', '0', 'email']
 * splitFormName('a.b[x'); // ['a_b_x']: an unclosed bracket is part of the name
 * ```
 */
export function splitFormName(raw: string): string[] | undefined {
  const name = raw.replace(/^ +/, '');
  const open = name.indexOf('[');
  const base = (open === -1 ? name : name.slice(0, open)).replace(/[. ]/g, '_');
  if (base === '') return undefined;
  if (open === -1) return [base];
  const segments = [base];
  let rest = name.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) {
      // PHP reads an unclosed first bracket as part of a plain name; a later one ends the name where it starts.
      return segments.length === 1 ? [`${base}_${rest.slice(1).replace(/[ .[]/g, '_')}`] : segments;
    }
    const key = rest.slice(1, close);
    // `[ ]` appends like `[]`: PHP skips one space before looking for the closing bracket.
    segments.push(key === ' ' ? '' : key);
    if (segments.length - 1 > MAX_NESTING) return undefined;
    rest = rest.slice(close + 1);
  }
  return segments;
}

/** PHP's next free integer key of each array being filled (so `a[]=` is O(1)). */
const nextFree = new WeakMap<Map<string, PhpValue>, number>();

function setKey(array: Map<string, PhpValue>, key: string, value: PhpValue): void {
  array.set(key, value);
  if (/^(0|-?[1-9]\d*)$/.test(key)) nextFree.set(array, Math.max(nextFree.get(array) ?? 0, Number(key) + 1));
}

/**
 * Decodes form pairs the way PHP fills `$_POST`. Returns PHP arrays as ordered maps.
 *
 * @example
 * ```ts
 * decodeForm(new URLSearchParams('users[0][email]=a@b.cd')).get('users'); // Map { '0' => Map { 'email' => 'a@b.cd' } }
 * ```
 */
export function decodeForm(pairs: Iterable<readonly [string, string]>): Map<string, PhpValue> {
  const root = new Map<string, PhpValue>();
  for (const [name, value] of pairs) {
    const segments = splitFormName(name);
    if (!segments) continue;
    let target = root;
    let key = segments[0] as string;
    for (let i = 1; i < segments.length; i++) {
      let next = target.get(key);
      if (!(next instanceof Map)) {
        next = new Map();
        setKey(target, key, next);
      }
      target = next;
      const segment = segments[i] as string;
      key = segment === '' ? String(nextFree.get(target) ?? 0) : segment;
    }
    setKey(target, key, value);
  }
  return root;
}

/**
 * A decoded form as plain JS: a PHP array whose keys are 0, 1, 2… in order becomes an array, any other an object.
 *
 * @example
 * ```ts
 * formToJs(decodeForm([['values[0]', 'a'], ['values[1]', 'b']])); // { values: ['a', 'b'] }
 * ```
 */
export function formToJs(value: PhpValue): unknown {
  if (!(value instanceof Map)) return value;
  let index = 0;
  let list = true;
  for (const key of value.keys()) {
    if (key !== String(index++)) {
      list = false;
      break;
    }
  }
  if (list && value.size > 0) return [...value.values()].map(formToJs);
  return Object.fromEntries([...value].map(([key, inner]) => [key, formToJs(inner)]));
}
