/** Checks of one job assignment row on its own: self references, manager job ids, dates, temporary managers. */
import { parseHrImportDate } from '../columns/dates.js';
import type { Reporter } from './header.js';

/** Columns of a job assignment that point at other records (checked against the other files of the import). */
export const JOB_REFERENCES = [
  'useridnumber',
  'manageridnumber',
  'appraiseridnumber',
  'tempmanageridnumber',
  'orgidnumber',
  'posidnumber',
] as const;

const PEOPLE = [
  ['manageridnumber', 'manager'],
  ['appraiseridnumber', 'appraiser'],
  ['tempmanageridnumber', 'temporary manager'],
] as const;

/** Checks a job assignment row (not flagged deleted) of user `user`; `get` reads a cell by column name. */
export function checkJobRow(
  get: (column: string) => string | undefined,
  row: number,
  user: string,
  report: Reporter,
  options: { dateFormat: string; now: number; updateIdNumbers: boolean },
): void {
  for (const [column, label] of PEOPLE) {
    const ref = get(column);
    if (ref && ref === user)
      report('error', 'value.self_reference', row, `User "${user}" cannot be their own ${label}.`, {
        column,
        value: ref,
      });
  }
  if (get('manageridnumber') && get('managerjobassignmentidnumber') === '' && !options.updateIdNumbers)
    report(
      'error',
      'value.required',
      row,
      'managerjobassignmentidnumber is empty while a manager is given; Totara skips the row.',
      {
        column: 'managerjobassignmentidnumber',
      },
    );
  if (get('tempmanageridnumber')) {
    const expiry = parseHrImportDate(get('tempmanagerexpirydate') ?? '', options.dateFormat);
    if (expiry === undefined)
      report(
        'error',
        'value.required',
        row,
        'tempmanagerexpirydate is empty while a temporary manager is given.',
        {
          column: 'tempmanagerexpirydate',
        },
      );
    else if (expiry !== null && expiry < options.now)
      report(
        'error',
        'value.expiry_in_past',
        row,
        'tempmanagerexpirydate is in the past; Totara skips the row.',
        {
          column: 'tempmanagerexpirydate',
        },
      );
  }
  const start = parseHrImportDate(get('startdate') ?? '', options.dateFormat);
  const end = parseHrImportDate(get('enddate') ?? '', options.dateFormat);
  if (typeof start === 'number' && typeof end === 'number' && start > end)
    report('error', 'value.start_after_end', row, 'startdate is later than enddate; Totara skips the row.', {
      column: 'startdate',
    });
}
