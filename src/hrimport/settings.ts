import { readFile } from 'node:fs/promises';
import { assertKnownOptions } from '../core/errors.js';
import {
  type ColumnDefinition,
  columnsFor,
  ELEMENTS,
  type ElementName,
  isElementName,
} from './columns/elements.js';
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
  /**
   * The fields the site imports (its "import_<field>" settings, custom fields as `customfield_<shortname>`). When
   * given, each one must be in the header (Totara refuses the file otherwise) and other columns are ignored.
   */
  columns?: string[] | undefined;
  /** Delimiter of this element's file (else the profile's). */
  delimiter?: Delimiter | undefined;
  /** Encoding of this element's file (else the profile's). */
  encoding?: string | undefined;
}

/** A settings profile mirroring the site's HR Import configuration. */
export interface HrImportSettings {
  /** The site's Totara major version: 12, 13 to 16, 17 or later (default 17). It decides the column names. */
  totaraVersion: number;
  /** Site features that change columns: multitenancy, competency assignment. Default both off. */
  features: { tenants: boolean; competencyAssignment: boolean };
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
  totaraVersion?: number | string | undefined;
  features?: { tenants?: boolean | undefined; competencyAssignment?: boolean | undefined } | undefined;
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
  'columns',
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

/** The canonical name of an encoding Totara offers for CSV files (UTF-8, ISO-8859-1, WINDOWS-1252), or a typed error. */
export function normaliseEncoding(value: unknown, path = 'encoding'): string {
  const text = typeof value === 'string' ? value.trim().toUpperCase().replace(/_/g, '-') : '';
  if (text === 'UTF-8' || text === 'UTF8') return 'UTF-8';
  if (['ISO-8859-1', 'LATIN1', 'LATIN-1', 'ISO8859-1'].includes(text)) return 'ISO-8859-1';
  if (['WINDOWS-1252', 'CP1252', 'WIN-1252'].includes(text)) return 'WINDOWS-1252';
  return bad(path, value, 'use UTF-8, ISO-8859-1 or WINDOWS-1252');
}

/** A Totara major version from 12, "13", "16.2", "17.3"...: 12, 13 (13 to 16 read the same columns) or 17+. */
export function parseTotaraVersion(value: unknown, path = 'totaraVersion'): number {
  const major = typeof value === 'number' ? value : Number.parseInt(String(value), 10);
  if (!Number.isInteger(major) || major < 12 || major > 99)
    bad(path, value, 'use the Totara major version: 12, 13 to 16, or 17 and later');
  return major;
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
    'totaraVersion',
    'features',
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
    if (raw.columns !== undefined) {
      if (!Array.isArray(raw.columns) || raw.columns.some((f) => typeof f !== 'string' || f === ''))
        bad(`elements.${name}.columns`, raw.columns, 'use a list of the column names the site imports');
      out.columns = [...raw.columns];
    }
    if (raw.delimiter !== undefined)
      out.delimiter = parseDelimiter(raw.delimiter, `elements.${name}.delimiter`);
    if (raw.encoding !== undefined)
      out.encoding = normaliseEncoding(raw.encoding, `elements.${name}.encoding`);
    elements[name] = out;
  }
  const features = input.features ?? {};
  assertKnownOptions('HR Import settings features', features, ['tenants', 'competencyAssignment']);
  for (const [key, value] of Object.entries(features))
    if (value !== undefined && typeof value !== 'boolean') bad(`features.${key}`, value, 'use true or false');
  return {
    totaraVersion: input.totaraVersion === undefined ? 17 : parseTotaraVersion(input.totaraVersion),
    features: {
      tenants: features.tenants === true,
      competencyAssignment: features.competencyAssignment === true,
    },
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
    typeof s.totaraVersion === 'number' &&
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

/** The columns of an element under these settings: Totara's for the site's version and features. */
export function elementColumns(
  settings: HrImportSettings,
  element: ElementName,
): readonly ColumnDefinition[] {
  return columnsFor(element, { totaraVersion: settings.totaraVersion, ...settings.features });
}

/** The name of the manager's job assignment column on the site's version: managerjaidnumber since Totara 13. */
export function managerJobColumn(settings: HrImportSettings, temporary = false): string {
  const prefix = temporary ? 'tempmanager' : 'manager';
  return settings.totaraVersion >= 13 ? `${prefix}jaidnumber` : `${prefix}jobassignmentidnumber`;
}
