/**
 * PHP's side of the form encoding: how `$_POST` is filled from `a[0][b]=v` pairs, and the PHP values a JS value
 * becomes (ordered maps for arrays), as Moodle's web service layer receives them.
 */
import type { PhpScalar } from '../../moodle/validate/param-types.js';

/** A PHP array as the web service sees it: ordered keys (a form's `a[0][b]=v`, or a JS array or object). */
export type PhpValue = PhpScalar | Map<string, PhpValue>;

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
