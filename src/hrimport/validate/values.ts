/** Checks of single cells, by column kind: what Totara would refuse, skip or silently change. */

import { parseHrImportDate } from '../columns/dates.js';
import type { ColumnDefinition } from '../columns/elements.js';
import { COUNTRY_CODES } from './countries.js';

/** A problem with one cell (before file, row and column are attached). */
export interface CellProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

/** True for an address Totara's email check accepts (dot-atom local part, dotted host name, alphabetic TLD). */
export function isValidEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

let zones: Set<string> | undefined;
function timeZones(): Set<string> {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', '99']);
  return zones;
}

const LANG = /^[a-z]{2,3}(?:_[a-z0-9]+)*$/;
const AGGREGATION = new Set(['ALL', 'ANY', 'OFF', '1', '2', '3']);
const AVAILABILITY = new Set(['none', 'self', 'other', 'any', '0', '1', '2']);

/** Checks a non-empty cell against its column's kind; returns undefined when it is fine. */
export function checkCell(
  column: ColumnDefinition,
  value: string,
  context: { dateFormat: string; extendedUsernameChars: boolean },
): CellProblem | undefined {
  switch (column.kind) {
    case 'flag':
      if (value !== '0' && value !== '1')
        return {
          code: 'value.not_flag',
          severity: 'error',
          message: `${column.name} must be 0 or 1.`,
          hint: 'Totara reads any non-empty value other than 0 as 1; write 0 or 1 explicitly.',
        };
      return undefined;
    case 'date':
      if (parseHrImportDate(value, context.dateFormat) === null)
        return {
          code: 'value.invalid_date',
          severity: 'error',
          message: `${column.name} is neither a date in the format ${context.dateFormat} nor a Unix time.`,
          hint: `Write dates as ${context.dateFormat} (the site's CSV date format) or as Unix seconds.`,
        };
      return undefined;
    case 'email':
      if (!isValidEmail(value))
        return {
          code: 'value.invalid_email',
          severity: 'error',
          message: `${column.name} is not a valid email address.`,
        };
      return undefined;
    case 'country':
      if (!COUNTRY_CODES.has(value))
        return {
          code: 'value.invalid_country',
          severity: 'error',
          message: `country must be an ISO 3166-1 alpha-2 code.`,
          hint: COUNTRY_CODES.has(value.toUpperCase())
            ? `Write it in upper case: ${value.toUpperCase()}.`
            : 'For example NZ, GB, US.',
        };
      return undefined;
    case 'username':
      if (context.extendedUsernameChars ? /\s/.test(value) : /[^-.@_a-zA-Z0-9]/.test(value))
        return {
          code: 'value.username_characters',
          severity: 'error',
          message: 'username holds characters Totara does not allow; the user would not be imported.',
          hint: 'Use lower-case letters, digits and . _ - @ (or enable extended username characters on the site).',
        };
      if (value !== value.toLowerCase())
        return {
          code: 'value.username_case',
          severity: 'warning',
          message: 'username has upper-case letters; Totara imports it in lower case.',
          hint: 'Lower-case it in the source so later imports match.',
        };
      return undefined;
    case 'timezone':
      if (!timeZones().has(value))
        return {
          code: 'value.unknown_timezone',
          severity: 'warning',
          message: 'timezone is not a known time zone name; Totara falls back to the server time zone.',
          hint: 'Use a name such as Pacific/Auckland, or 99 for the server default.',
        };
      return undefined;
    case 'lang':
      if (!LANG.test(value))
        return {
          code: 'value.invalid_lang',
          severity: 'warning',
          message: 'lang does not look like a language pack code (en, pt_br).',
        };
      return undefined;
    case 'aggregation':
      if (!AGGREGATION.has(value.toUpperCase()))
        return {
          code: 'value.invalid_aggregation',
          severity: 'error',
          message: 'aggregationmethod must be ALL, ANY or OFF (or 1, 2, 3).',
        };
      return undefined;
    case 'availability':
      if (!AVAILABILITY.has(value.toLowerCase()))
        return {
          code: 'value.invalid_availability',
          severity: 'error',
          message: 'assignavailability must be none, self, other or any (or 0, 1, 2).',
        };
      return undefined;
    default:
      return undefined;
  }
}
