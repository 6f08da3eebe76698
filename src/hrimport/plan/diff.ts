/** Comparing one file row with the site's record: which columns an import would change. */
import { isSecretKey } from '../../core/redact.js';
import { parseHrImportDate } from '../columns/dates.js';
import { columnOf, type ElementName } from '../columns/elements.js';
import type { ElementSettings } from '../settings.js';

/** One field an import would change. */
export interface FieldChange {
  column: string;
  /** The site's value now. */
  from: string;
  /** The value after the import. */
  to: string;
}

const NOT_COMPARED = new Set(['idnumber', 'timemodified', 'deleted', 'password', 'useridnumber']);

/**
 * The changes a row would make to a site record. Columns the site source does not know are skipped (they are
 * listed in `unknown`); empty cells change nothing when empty fields mean "keep".
 */
export function diffRecord(
  element: ElementName,
  fileValues: Readonly<Record<string, string>>,
  siteValues: Readonly<Record<string, string>>,
  settings: ElementSettings,
  dateFormat: string,
): { changes: FieldChange[]; unknown: string[] } {
  const changes: FieldChange[] = [];
  const unknown: string[] = [];
  for (const [column, raw] of Object.entries(fileValues)) {
    if (NOT_COMPARED.has(column) || isSecretKey(column)) continue;
    if (element === 'user' && column === 'suspended' && settings.deleteMode === 'suspend') continue;
    const def = columnOf(element, column);
    if (!def && !column.startsWith('customfield_')) continue;
    const site = siteValues[column];
    if (site === undefined) {
      unknown.push(column);
      continue;
    }
    const value = raw.trim();
    if (value === '' && settings.emptyFields === 'keep') continue;
    if (!same(def?.kind, value, site, dateFormat)) changes.push({ column, from: site, to: value });
  }
  return { changes, unknown };
}

function same(kind: string | undefined, file: string, site: string, dateFormat: string): boolean {
  if (file === site) return true;
  switch (kind) {
    case 'username':
      return file.toLowerCase() === site;
    case 'flag':
      return (file === '1') === (site === '1' || site === 'true');
    case 'date': {
      const a = parseHrImportDate(file, dateFormat);
      const b = parseHrImportDate(site, dateFormat);
      return (a ?? 0) === (b ?? 0);
    }
    case 'email':
      return file.toLowerCase() === site.toLowerCase();
    default:
      return false;
  }
}
