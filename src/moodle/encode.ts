/**
 * Moodle's form encoding, both ways. Moodle's REST server reads PHP's `$_POST`, so parameters travel as
 * `application/x-www-form-urlencoded` pairs whose names carry the structure (`users[0][email]=...`), and PHP
 * rebuilds nested arrays from those names. {@link flattenParams} writes exactly what PHP reads back (PHP's side of
 * it is `decodePhpForm` in validate.ts, which the sandbox uses; tests prove the round trip).
 */
import { InputError } from '../core/errors.js';

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
    if (key === '' || /[[\]. ]/.test(key)) throw badKey(key, key);
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
  return encodePairs(flattenParams(params));
}
