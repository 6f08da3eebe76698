/** Header checks of an element file: what makes Totara refuse the file or silently ignore a column. */

import {
  type ColumnDefinition,
  CUSTOM_FIELD_PREFIX,
  ELEMENTS,
  type ElementName,
} from '../columns/elements.js';
import { requiredColumns } from '../columns/required.js';
import { HEADER_CHARS } from '../csv/reader.js';
import { type ElementSettings, elementColumns, fileFormat, type HrImportSettings } from '../settings.js';
import type { IssueSeverity } from './issues.js';

/** Records one finding (the signature of `ElementValidator.report`). */
export type Reporter = (
  severity: IssueSeverity,
  code: string,
  row: number,
  message: string,
  extra?: { column?: string | undefined; value?: string | undefined; hint?: string | undefined },
) => void;

/**
 * Checks an element file's header as Totara would: characters it refuses, duplicate, unknown and custom-field
 * columns, and the columns the settings require. Returns where each column is and its definition.
 */
export function checkHeader(
  element: ElementName,
  settings: HrImportSettings,
  names: readonly string[],
  unknownSeverity: IssueSeverity,
  report: Reporter,
): { index: Record<string, number>; columns: Array<ColumnDefinition | undefined> } {
  const def = ELEMENTS[element];
  const known = elementColumns(settings, element);
  const own = settings.elements[element];
  const imported = own.columns ? new Set(own.columns) : undefined;
  const index: Record<string, number> = {};
  const columns: Array<ColumnDefinition | undefined> = [];
  const { delimiter } = fileFormat(settings, element);
  names.forEach((name, i) => {
    if (!HEADER_CHARS.test(name)) {
      const bad = [...name].find((ch) => !HEADER_CHARS.test(ch));
      report(
        'error',
        'header.invalid_characters',
        1,
        `Header "${name}" holds "${bad}", which Totara refuses: the whole file would be rejected.`,
        {
          column: name,
          hint: `Header names may hold letters, digits, space, _ - ? ! only. Is the delimiter really "${delimiter === '\t' ? 'tab' : delimiter}"?`,
        },
      );
    }
    const bare = name.trim();
    if (bare !== name && bare !== '')
      report(
        known.some((col) => col.name === bare) ? 'error' : 'warning',
        'header.space_in_name',
        1,
        `Header "${name}" has ${name.startsWith(' ') ? 'a leading' : 'a trailing'} space; Totara does not trim header names, so it does not see a column "${bare}".`,
        { column: name, hint: `Write "${bare}" (a space is allowed only before a quoted name).` },
      );
    if (Object.hasOwn(index, name))
      report(
        'error',
        'header.duplicate_column',
        1,
        `Column "${name}" appears twice; Totara would use the last one.`,
        { column: name },
      );
    index[name] = i;
    const column = known.find((col) => col.name === name);
    columns[i] = column;
    if (imported && !imported.has(name) && (column || name.startsWith(CUSTOM_FIELD_PREFIX))) {
      report(
        'warning',
        'header.ignored_column',
        1,
        `Column "${name}" is not imported by the site's settings; Totara ignores it.`,
        {
          column: name,
          hint: `The site imports: ${[...imported].join(', ')}.`,
        },
      );
      return;
    }
    if (column) return;
    const other = def.columns.find((col) => col.name === name);
    if (other) {
      const renamed = name.endsWith('jobassignmentidnumber')
        ? name.replace('jobassignmentidnumber', 'jaidnumber')
        : undefined;
      report(
        'error',
        'header.column_not_in_version',
        1,
        other.until !== undefined
          ? `Column "${name}" is a Totara ${other.until} name; Totara ${settings.totaraVersion} reads "${renamed}" and ignores it.`
          : other.feature
            ? `Column "${name}" needs the site feature ${other.feature.replace('!', 'without ')}, which the settings profile does not have.`
            : `Column "${name}" is read from Totara ${other.since} on; the settings profile says Totara ${settings.totaraVersion}.`,
        {
          column: name,
          hint: renamed
            ? `Rename it "${renamed}" (Totara 13 renamed it), or set totaraVersion in the profile.`
            : 'Set totaraVersion and features in the settings profile to match the site.',
        },
      );
      return;
    }
    if (name.startsWith(CUSTOM_FIELD_PREFIX)) {
      checkCustomFieldColumn(element, own, name, report);
    } else {
      report(
        unknownSeverity,
        'header.unknown_column',
        1,
        `Column "${name}" is not ${element === 'org' ? 'an' : 'a'} ${element} column; Totara ignores it.`,
        {
          column: name,
          hint: `Known columns: ${known.map((col) => col.name).join(', ')}${def.customFields ? ', customfield_<shortname>' : ''}.`,
        },
      );
    }
  });
  for (const name of requiredColumns(element, settings, names)) {
    if (!Object.hasOwn(index, name))
      report(
        'error',
        'header.missing_column',
        1,
        `Required column "${name}" is missing; Totara would refuse the file.`,
        {
          column: name,
          hint: missingHint(name),
        },
      );
  }
  if (own.sourceAllRecords && Object.hasOwn(index, 'deleted'))
    report(
      'warning',
      'header.ignored_column',
      1,
      'Column "deleted" is ignored while the source contains all records.',
      {
        column: 'deleted',
        hint: 'Leave out the records to remove instead.',
      },
    );
  if (element === 'user' && own.deleteMode === 'suspend' && Object.hasOwn(index, 'suspended'))
    report(
      'warning',
      'header.ignored_column',
      1,
      'Column "suspended" is ignored while the delete action is "suspend".',
      {
        column: 'suspended',
      },
    );
  return { index, columns };
}

function missingHint(name: string): string {
  if (name === 'deleted')
    return 'Required unless "source contains all records" is on: 1 removes the record, 0 keeps it.';
  if (name === 'email') return 'Required unless duplicate emails are allowed.';
  if (name === 'firstname' || name === 'lastname') return 'Required while the create action is allowed.';
  if (name === 'typeidnumber') return 'Hierarchy custom fields need the type column.';
  if (name.includes('jaidnumber') || name.includes('jobassignmentidnumber'))
    return 'Required with the manager column unless "Update ID numbers" is on.';
  return 'Add the column (an empty value is allowed where the field is optional).';
}

function checkCustomFieldColumn(
  element: ElementName,
  own: ElementSettings,
  name: string,
  report: Reporter,
): void {
  const def = ELEMENTS[element];
  const shortname = name.slice(CUSTOM_FIELD_PREFIX.length);
  if (!def.customFields) {
    report(
      'error',
      'header.custom_fields_not_supported',
      1,
      `${element} files have no custom fields; "${name}" would be ignored.`,
      {
        column: name,
      },
    );
  } else if (!/^[A-Za-z0-9_]+$/.test(shortname)) {
    report('error', 'header.custom_field_name', 1, `"${name}" is not customfield_<shortname>.`, {
      column: name,
    });
  } else if (own.customFields && !own.customFields.includes(shortname)) {
    report(
      'error',
      'header.unknown_custom_field',
      1,
      `The site has no ${element} custom field "${shortname}".`,
      {
        column: name,
        hint: `Known custom fields: ${own.customFields.join(', ') || '(none)'}.`,
      },
    );
  }
}
