/**
 * Moodle's form encoding, both ways. Moodle's REST server reads PHP's `$_POST`, so parameters travel as
 * `application/x-www-form-urlencoded` pairs whose names carry the structure (`users[0][email]=...`), and PHP
 * rebuilds nested arrays from those names. {@link flattenParams} writes exactly what PHP reads back (PHP's side of
 * it is `decodePhpForm` in the sandbox's php-form.ts; tests prove the round trip).
 */
import { InputError } from '../../core/errors.js';

/** A value Moodle parameters may hold. `null`/`undefined` are dropped, `Date` becomes Unix seconds. */
export type MoodleParamValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | readonly MoodleParamValue[]
  | { readonly [key: string]: MoodleParamValue };

/** One `name=value` pair before percent-encoding. */
export type FormPair = [name: string, value: string];

/**
 * A number as PHP reads it: never with an exponent (`1e21` → `1000000000000000000000`, `1e-7` → `0.0000001`).
 * NaN and infinities have no form and are refused.
 *
 * @example
 * ```ts
 * formatNumber(1.5e-7); // '0.00000015'
 * ```
 */
export function formatNumber(value: number, path = 'value'): string {
  if (!Number.isFinite(value)) {
    throw new InputError('moodle.invalid_number', `${path} is ${value}, which Moodle cannot receive.`, {
      hint: 'Pass a finite number.',
      details: { path },
    });
  }
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  return expandExponent(text.slice(0, e), Number(text.slice(e + 1)));
}

function expandExponent(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith('-');
  const digitsWithDot = negative ? mantissa.slice(1) : mantissa;
  const dot = digitsWithDot.indexOf('.');
  const digits = digitsWithDot.replace('.', '');
  const pointAt = (dot < 0 ? digitsWithDot.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/** Characters PHP reads as nesting, or turns into `_`, in a top-level name. */
const TOP_LEVEL_MANGLED = /[[\]. ]/;

function badKey(path: string, key: string): InputError {
  return new InputError(
    'moodle.invalid_param_name',
    `Parameter name "${key}" at ${path} cannot be sent to PHP.`,
    {
      hint: 'PHP reads "[" and "]" in a name as nesting, and "." or " " in a top-level name as "_"; rename it.',
      details: { path },
    },
  );
}

/** The scalar form of a leaf, or undefined when the leaf is dropped (null, undefined). */
export function formatLeaf(value: unknown, path: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatNumber(value, path);
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    default:
      if (value === null) return undefined;
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) {
          throw new InputError('moodle.invalid_date', `${path} is an invalid Date.`, { details: { path } });
        }
        return String(Math.floor(ms / 1000));
      }
      throw new InputError(
        'moodle.invalid_param_value',
        `${path} is a ${typeof value}, which Moodle cannot receive.`,
        {
          hint: 'Parameters are strings, numbers, booleans, Dates, arrays and plain objects.',
          details: { path },
        },
      );
  }
}

/**
 * Flattens parameters into the ordered pairs PHP turns back into the same nested arrays. Booleans become `1`/`0`,
 * numbers never use an exponent, `Date`s become Unix seconds, `null`/`undefined` and empty arrays or objects are
 * left out (PHP has no way to receive an empty array).
 *
 * @example
 * ```ts
 * flattenParams({ users: [{ username: 'ann', suspended: false }] });
 * // [['users[0][username]', 'ann'], ['users[0][suspended]', '0']]
 * ```
 */
export function flattenParams(params: Readonly<Record<string, unknown>>): FormPair[] {
  const out: FormPair[] = [];
  for (const key of Object.keys(params)) {
    if (key === '' || TOP_LEVEL_MANGLED.test(key)) throw badKey(key, key);
    flattenInto(out, key, params[key], 1);
  }
  return out;
}

function flattenInto(out: FormPair[], name: string, value: unknown, depth: number): void {
  if (depth > 64) {
    throw new InputError('moodle.too_deep', `${name} is nested deeper than PHP accepts (64 levels).`, {
      details: { path: name },
    });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) flattenInto(out, `${name}[${i}]`, value[i], depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const key of Object.keys(value)) {
      if (key === '' || key.includes('[') || key.includes(']')) throw badKey(name, key);
      flattenInto(out, `${name}[${key}]`, (value as Record<string, unknown>)[key], depth + 1);
    }
    return;
  }
  const leaf = formatLeaf(value, name);
  if (leaf !== undefined) out.push([name, leaf]);
}

const BRACKETS = /%5B|%5D/g;
const SAFE_NAME = /^[A-Za-z0-9_.~[\]-]*$/;
const SAFE_VALUE = /^[A-Za-z0-9_.~-]*$/;

/** Percent-encodes a parameter name, keeping `[` and `]` readable (PHP accepts them either way). */
function encodeName(name: string): string {
  if (SAFE_NAME.test(name)) return name;
  return encodeURIComponent(name).replace(BRACKETS, (m) => (m === '%5B' ? '[' : ']'));
}

/** Serialises pairs as an `application/x-www-form-urlencoded` body. */
export function encodePairs(pairs: readonly FormPair[]): string {
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as FormPair;
    const value = pair[1];
    out += `${i === 0 ? '' : '&'}${encodeName(pair[0])}=${SAFE_VALUE.test(value) ? value : encodeURIComponent(value)}`;
  }
  return out;
}

/**
 * Encodes parameters as a form body Moodle reads back unchanged (see {@link flattenParams}).
 *
 * @example
 * ```ts
 * encodeParams({ field: 'id', values: [2, 3] }); // 'field=id&values[0]=2&values[1]=3'
 * ```
 */
export function encodeParams(params: Readonly<Record<string, unknown>>): string {
  return encodeForm(params).body;
}

/** A form body and how many fields it holds (what PHP's `max_input_vars` counts). */
export interface EncodedForm {
  body: string;
  fields: number;
}

/**
 * Encodes parameters straight into a form body, the same bytes as `encodePairs(flattenParams(params))` without
 * the pairs in between: names are percent-encoded piece by piece on the way down (an item's prefix once, each
 * `[key]` once per process), so a 10,000-user payload costs little. Throws the same errors as
 * {@link flattenParams}.
 *
 * @example
 * ```ts
 * encodeForm({ values: ['a b'] }); // { body: 'values[0]=a%20b', fields: 1 }
 * ```
 */
export function encodeForm(params: Readonly<Record<string, unknown>>): EncodedForm {
  if (isEmpty(params)) return { body: '', fields: 0 };
  const writer = new FormWriter();
  for (const key of Object.keys(params)) {
    if (key === '' || TOP_LEVEL_MANGLED.test(key)) throw badKey(key, key);
    writer.path.push(key);
    writer.write(encodeValue(key), params[key]);
    writer.path.pop();
  }
  return { body: writer.parts.join('&'), fields: writer.parts.length };
}

function isEmpty(params: object): boolean {
  for (const key in params) if (Object.hasOwn(params, key)) return false;
  return true;
}

function encodeValue(value: string): string {
  return SAFE_VALUE.test(value) ? value : encodeURIComponent(value);
}

/** `[key]` percent-encoded, remembered for the keys seen (parameter names repeat in every item). */
const bracketed = new Map<string, string>();

function bracketKey(key: string): string {
  let piece = bracketed.get(key);
  if (piece === undefined) {
    piece = `[${encodeValue(key)}]`;
    if (bracketed.size < 4096) bracketed.set(key, piece);
  }
  return piece;
}

class FormWriter {
  readonly parts: string[] = [];
  /** Where the walk is, as raw keys and indexes: turned into a name only for an error. */
  readonly path: Array<string | number> = [];

  name(): string {
    let name = String(this.path[0]);
    for (let i = 1; i < this.path.length; i++) name += `[${this.path[i]}]`;
    return name;
  }

  write(encoded: string, value: unknown): void {
    if (this.path.length > 64) {
      const name = this.name();
      throw new InputError('moodle.too_deep', `${name} is nested deeper than PHP accepts (64 levels).`, {
        details: { path: name },
      });
    }
    if (typeof value === 'string') {
      this.parts.push(`${encoded}=${encodeValue(value)}`);
      return;
    }
    if (value === null || value === undefined) return;
    if (typeof value === 'object' && !(value instanceof Date)) {
      this.#nest(encoded, value);
      return;
    }
    let leaf: string;
    if (typeof value === 'boolean') leaf = value ? '1' : '0';
    else if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0))
      leaf = `${value}`;
    else leaf = formatLeaf(value, this.name()) as string;
    this.parts.push(`${encoded}=${encodeValue(leaf)}`);
  }

  #nest(encoded: string, value: object): void {
    const path = this.path;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        this.write(`${encoded}[${i}]`, value[i]);
        path.pop();
      }
      return;
    }
    const record = value as Record<string, unknown>;
    // for-in over own keys only: the same keys, in the same order, as Object.keys, without an array per object.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (key === '' || key.includes('[') || key.includes(']')) throw badKey(this.name(), key);
      path.push(key);
      this.write(encoded + bracketKey(key), record[key]);
      path.pop();
    }
  }
}

/**
 * How many form fields `value` becomes once encoded (its leaves that are not null or undefined), without
 * encoding it. Checks nothing: use it on parameters that have been encoded once already.
 */
export function countFields(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value !== 'object' || value instanceof Date) return 1;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) count += countFields(value[i]);
    return count;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key)) count += countFields(record[key]);
  return count;
}
