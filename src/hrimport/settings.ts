import { readFile } from 'node:fs/promises';
import { assertKnownOptions } from '../core/errors.js';
import { ELEMENTS, type ElementName, isElementName } from './columns/elements.js';
import { HrImportError } from './errors.js';

/** The CSV delimiters Totara offers (`\t` is a tab). */
export type Delimiter = ',' | ';' | ':' | '\t' | '|';
/** Every delimiter Totara offers. */
export const DELIMITERS: readonly Delimiter[] = [',', ';', ':', '\t', '|'];

/** What Totara does with records that should go: keep them, suspend them (users only) or delete them. */
export type DeleteMode = 'keep' | 'suspend' | 'delete';

/** Totara's "empty string behaviour in CSV": an empty cell erases the site's value, or leaves it unchanged. */
export type EmptyFieldBehaviour = 'keep' | 'erase';

/** One element's HR Import settings, as configured on the site. */
export interface ElementSettings {
  /** "Source contains all records": records missing from the file are removed (per `deleteMode`). Default false. */
  sourceAllRecords: boolean;
  /** Allowed action: create. Default true. */
  allowCreate: boolean;
  /** Allowed action: update. Default true. */
  allowUpdate: boolean;
  /** Allowed action: delete, and how (users: keep/suspend/delete; other elements: keep/delete). Default keep. */
  deleteMode: DeleteMode;
  /** Users only: allow duplicate (and empty) emails. Default false. */
  allowDuplicateEmails: boolean;
  /** Job assignments only: "Update ID numbers" (one job per user, first job renamed). Default false. */
  updateIdNumbers: boolean;
  /** Empty cells: keep the current value (Totara's default) or erase it. */
  emptyFields: EmptyFieldBehaviour;
  /** Users only: the site allows extended characters in usernames. Default false. */
  extendedUsernameChars: boolean;
  /** Custom field shortnames the site has for this element; when given, other `customfield_` columns are errors. */
  customFields?: string[] | undefined;
  /** Delimiter of this element's file (else the profile's). */
  delimiter?: Delimiter | undefined;
  /** Encoding of this element's file (else the profile's). */
  encoding?: string | undefined;
}

/** A settings profile mirroring the site's HR Import configuration. */
export interface HrImportSettings {
  /** Field delimiter. Default `,`. */
  delimiter: Delimiter;
  /** File encoding: `UTF-8` (default) or `ISO-8859-1`. */
  encoding: string;
  /** The site's CSV date format (PHP `date()` letters, default `d/m/Y`); Unix time is always accepted too. */
  dateFormat: string;
  /** Record separator. Default `\r\n` (RFC 4180). */
  lineEnding: '\r\n' | '\n';
  /** Per-element settings. */
  elements: Record<ElementName, ElementSettings>;
}

/** What a settings file or object may hold: every field optional. */
export interface HrImportSettingsInput {
  delimiter?: string | undefined;
  encoding?: string | undefined;
  dateFormat?: string | undefined;
  lineEnding?: '\r\n' | '\n' | undefined;
  elements?: Partial<Record<ElementName, Partial<ElementSettings>>> | undefined;
}

const ELEMENT_KEYS = [
  'sourceAllRecords',
  'allowCreate',
  'allowUpdate',
  'deleteMode',
  'allowDuplicateEmails',
  'updateIdNumbers',
  'emptyFields',
  'extendedUsernameChars',
  'customFields',
  'delimiter',
  'encoding',
] as const;

/** Totara's defaults for one element. */
export function defaultElementSettings(): ElementSettings {
  return {
    sourceAllRecords: false,
    allowCreate: true,
    allowUpdate: true,
    deleteMode: 'keep',
    allowDuplicateEmails: false,
    updateIdNumbers: false,
    emptyFields: 'keep',
    extendedUsernameChars: false,
  };
}

function bad(path: string, value: unknown, expected: string): never {
  throw new HrImportError(
    'hrimport.invalid_settings',
    `Setting ${path} is ${JSON.stringify(value)}; ${expected}.`,
    {
      hint: 'Fix the settings profile (see `mts hrimport template --help`).',
      details: { path, value },
    },
  );
}

/** Accepts `tab` and `\t` for a tab, and the characters themselves. */
export function parseDelimiter(value: unknown, path = 'delimiter'): Delimiter {
  const text = value === 'tab' || value === '\\t' ? '\t' : value;
  if (typeof text === 'string' && (DELIMITERS as readonly string[]).includes(text)) return text as Delimiter;
  return bad(path, value, 'use one of , ; : tab |');
}

/** Node's name for an encoding we can write, or a typed error. */
export function normaliseEncoding(value: unknown, path = 'encoding'): string {
  const text = typeof value === 'string' ? value.trim().toUpperCase().replace(/_/g, '-') : '';
  if (text === 'UTF-8' || text === 'UTF8') return 'UTF-8';
  if (['ISO-8859-1', 'LATIN1', 'ISO8859-1'].includes(text)) return 'ISO-8859-1';
  return bad(path, value, 'use UTF-8 or ISO-8859-1');
}

const DATE_LETTERS = /^(?:[djmnYyHGis]|\\.|[^A-Za-z])+$/;

/**
 * Builds complete settings from partial input, with Totara's defaults, rejecting unknown keys and bad values.
 *
 * @example
 * ```ts
 * const settings = resolveSettings({ delimiter: ';', elements: { user: { sourceAllRecords: true, deleteMode: 'suspend' } } });
 * ```
 */
export function resolveSettings(input: HrImportSettingsInput = {}): HrImportSettings {
  assertKnownOptions('HR Import settings', input, [
    'delimiter',
    'encoding',
    'dateFormat',
    'lineEnding',
    'elements',
  ]);
  const dateFormat = input.dateFormat ?? 'd/m/Y';
  if (typeof dateFormat !== 'string' || !DATE_LETTERS.test(dateFormat))
    bad(
      'dateFormat',
      dateFormat,
      'use PHP date letters d j m n Y y H G i s with separators, e.g. d/m/Y or Y-m-d',
    );
  const lineEnding = input.lineEnding ?? '\r\n';
  if (lineEnding !== '\r\n' && lineEnding !== '\n') bad('lineEnding', lineEnding, 'use "\\r\\n" or "\\n"');
  const elements = {} as Record<ElementName, ElementSettings>;
  const given = input.elements ?? {};
  for (const name of Object.keys(given)) {
    if (!isElementName(name))
      bad(`elements.${name}`, name, `elements are ${Object.keys(ELEMENTS).join(', ')}`);
  }
  for (const name of Object.keys(ELEMENTS) as ElementName[]) {
    const raw = (given[name] ?? {}) as Partial<ElementSettings>;
    assertKnownOptions(`HR Import settings for ${name}`, raw, ELEMENT_KEYS);
    const out = { ...defaultElementSettings() };
    for (const key of [
      'sourceAllRecords',
      'allowCreate',
      'allowUpdate',
      'allowDuplicateEmails',
      'updateIdNumbers',
      'extendedUsernameChars',
    ] as const) {
      const value = raw[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') bad(`elements.${name}.${key}`, value, 'use true or false');
      out[key] = value;
    }
    if (raw.deleteMode !== undefined) {
      const allowed = name === 'user' ? ['keep', 'suspend', 'delete'] : ['keep', 'delete'];
      if (!allowed.includes(raw.deleteMode))
        bad(`elements.${name}.deleteMode`, raw.deleteMode, `use ${allowed.join(', ')}`);
      out.deleteMode = raw.deleteMode;
    }
    if (raw.emptyFields !== undefined) {
      if (raw.emptyFields !== 'keep' && raw.emptyFields !== 'erase')
        bad(`elements.${name}.emptyFields`, raw.emptyFields, 'use keep or erase');
      out.emptyFields = raw.emptyFields;
    }
    if (raw.customFields !== undefined) {
      if (
        !Array.isArray(raw.customFields) ||
        raw.customFields.some((f) => typeof f !== 'string' || !/^[A-Za-z0-9_]+$/.test(f))
      )
        bad(
          `elements.${name}.customFields`,
          raw.customFields,
          'use a list of shortnames (letters, digits, _)',
        );
      out.customFields = [...raw.customFields];
    }
    if (raw.delimiter !== undefined)
      out.delimiter = parseDelimiter(raw.delimiter, `elements.${name}.delimiter`);
    if (raw.encoding !== undefined)
      out.encoding = normaliseEncoding(raw.encoding, `elements.${name}.encoding`);
    elements[name] = out;
  }
  return {
    delimiter: input.delimiter === undefined ? ',' : parseDelimiter(input.delimiter),
    encoding: input.encoding === undefined ? 'UTF-8' : normaliseEncoding(input.encoding),
    dateFormat,
    lineEnding,
    elements,
  };
}

/** Reads a JSON settings profile file and resolves it. */
export async function loadSettingsFile(path: string): Promise<HrImportSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HrImportError('hrimport.settings_unreadable', `Cannot read the settings profile ${path}.`, {
      hint: 'Check the path given to --settings / --profile-file.',
      cause: error,
      details: { path },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HrImportError('hrimport.settings_invalid_json', `${path} is not valid JSON.`, {
      hint: 'A settings profile is a JSON object such as {"delimiter": ",", "elements": {"user": {...}}}.',
      cause: error,
      details: { path },
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    bad('(root)', parsed, 'a settings profile is a JSON object');
  return resolveSettings(parsed as HrImportSettingsInput);
}

/** The delimiter and encoding an element's file uses under these settings. */
export function fileFormat(
  settings: HrImportSettings,
  element: ElementName,
): { delimiter: Delimiter; encoding: string } {
  const own = settings.elements[element];
  return { delimiter: own.delimiter ?? settings.delimiter, encoding: own.encoding ?? settings.encoding };
}

/** True for settings already resolved (every top-level field present). */
export function isResolved(settings: unknown): settings is HrImportSettings {
  const s = settings as HrImportSettings | undefined;
  return (
    !!s &&
    typeof s.delimiter === 'string' &&
    typeof s.dateFormat === 'string' &&
    !!s.elements?.user &&
    typeof s.lineEnding === 'string'
  );
}

/** Resolved settings from either resolved settings or partial input (Totara's defaults when absent). */
export function settingsFrom(
  settings: HrImportSettings | HrImportSettingsInput | undefined,
): HrImportSettings {
  return isResolved(settings) ? settings : resolveSettings(settings ?? {});
}
