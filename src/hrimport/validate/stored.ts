/**
 * What Totara stores for a cell, when that differs from what the file holds: it trims every field, strips HTML
 * tags from the user's text fields (`clean_param(PARAM_TEXT)`), and reads flags as PHP's `empty()` does. Each
 * difference becomes a warning that names the value Totara will store.
 */
import type { ElementName } from '../columns/elements.js';

/** PHP `trim()`'s default characters: space, tab, LF, CR, NUL, vertical tab. */
const TRIMMED = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

/** `value` as PHP's `trim()` leaves it. */
export function phpTrim(value: string): string {
  return value.replace(TRIMMED, '');
}

function trims(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 0 || code === 11;
}

/** True when PHP's `trim()` would change the value (checked on the ends only, for speed). */
export function needsTrim(value: string): boolean {
  return value.length > 0 && (trims(value.charCodeAt(0)) || trims(value.charCodeAt(value.length - 1)));
}

/** True for a flag value that PHP's `empty()` reads as false (after Totara's trim): empty or `0`. */
export function phpEmpty(value: string): boolean {
  const trimmed = needsTrim(value) ? phpTrim(value) : value;
  return trimmed === '' || trimmed === '0';
}

/** User columns Totara cleans as PARAM_TEXT (tags stripped); the others (description, password...) are raw. */
const USER_TEXT = new Set([
  'idnumber',
  'timemodified',
  'username',
  'firstname',
  'lastname',
  'firstnamephonetic',
  'lastnamephonetic',
  'middlename',
  'alternatename',
  'email',
  'emailstop',
  'city',
  'country',
  'timezone',
  'lang',
  'url',
  'institution',
  'department',
  'phone1',
  'phone2',
  'address',
  'auth',
  'deleted',
  'suspended',
]);

/** A tag as PHP's `strip_tags()` finds one: `<` then a letter, `/`, `!` or `?`, up to `>` (or the end). */
const TAG = /<[A-Za-z/!?][^>]*(?:>|$)/g;

/** True when Totara strips HTML tags from this column of this element. */
export function stripsTags(element: ElementName, column: string): boolean {
  return element === 'user' && USER_TEXT.has(column);
}

/** The value with tags removed as `strip_tags()` would (a lone `<` before a space or digit is kept). */
export function stripTags(value: string): string {
  return value.replace(TAG, '');
}

/** True when the value holds something `strip_tags()` removes. */
export function hasTag(value: string): boolean {
  if (!value.includes('<')) return false;
  TAG.lastIndex = 0;
  return TAG.test(value);
}
