import type { HrImportSettings } from '../settings.js';
import { CUSTOM_FIELD_PREFIX, ELEMENTS, type ElementName } from './elements.js';

/**
 * The columns Totara requires in an element's file under these settings. `header` (the columns actually present)
 * matters for the conditional ones: `managerjobassignmentidnumber` once `manageridnumber` is there, `typeidnumber`
 * once a hierarchy custom field is there.
 *
 * @example
 * ```ts
 * requiredColumns('user', resolveSettings()); // ['idnumber', 'username', 'timemodified', 'deleted', 'firstname', 'lastname', 'email']
 * ```
 */
export function requiredColumns(
  element: ElementName,
  settings: HrImportSettings,
  header: readonly string[] = [],
): string[] {
  const own = settings.elements[element];
  const has = (name: string) => header.includes(name);
  const out: string[] = [];
  switch (element) {
    case 'user':
      out.push('idnumber', 'username', 'timemodified');
      if (!own.sourceAllRecords) out.push('deleted');
      if (own.allowCreate) out.push('firstname', 'lastname');
      if (!own.allowDuplicateEmails) out.push('email');
      break;
    case 'jobassignment':
      out.push('idnumber', 'useridnumber', 'timemodified');
      if (!own.sourceAllRecords) out.push('deleted');
      if (has('manageridnumber') && !own.updateIdNumbers) out.push('managerjobassignmentidnumber');
      if (has('tempmanageridnumber')) {
        if (!own.updateIdNumbers) out.push('tempmanagerjobassignmentidnumber');
        out.push('tempmanagerexpirydate');
      }
      break;
    default:
      out.push('idnumber', 'fullname', 'frameworkidnumber', 'timemodified');
      if (element === 'comp') out.push('aggregationmethod');
      if (!own.sourceAllRecords) out.push('deleted');
      if (header.some((name) => name.startsWith(CUSTOM_FIELD_PREFIX))) out.push('typeidnumber');
  }
  return out;
}

/**
 * Columns for a new file: the required ones, then the optional columns the caller wants, in Totara's column
 * order, then custom fields in the order given.
 */
export function orderColumns(
  element: ElementName,
  settings: HrImportSettings,
  wanted: Iterable<string>,
): string[] {
  const wantedSet = new Set(wanted);
  const required = requiredColumns(element, settings, [...wantedSet]);
  for (const name of required) wantedSet.add(name);
  const known = ELEMENTS[element].columns.map((col) => col.name).filter((name) => wantedSet.has(name));
  const rest = [...wantedSet].filter((name) => !known.includes(name));
  return [...known, ...rest];
}
