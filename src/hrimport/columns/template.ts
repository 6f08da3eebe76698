import { createRowEncoder } from '../csv/writer.js';
import { fileFormat, type HrImportSettings } from '../settings.js';
import { formatDate } from './dates.js';
import { CUSTOM_FIELD_PREFIX, ELEMENTS, type ElementName } from './elements.js';
import { requiredColumns } from './required.js';

/** One column of a template, documented. */
export interface TemplateColumn {
  name: string;
  required: boolean;
  description: string;
  example: string;
}

/** A sample file for an element: header plus one example row, and what each column means. */
export interface ElementTemplate {
  element: ElementName;
  file: string;
  columns: TemplateColumn[];
  /** The CSV text (header and example row) in the profile's delimiter and line ending. */
  csv: string;
}

const EXAMPLE_DATE = 1706745600; // 1 February 2024, rendered in the profile's date format

/**
 * Builds a template for an element under a settings profile: every column Totara would read, in its order, the
 * profile's custom fields, and an example row, as a CSV to send to whoever produces the file.
 *
 * @example
 * ```ts
 * const { csv, columns } = elementTemplate('user', resolveSettings({ elements: { user: { customFields: ['costcentre'] } } }));
 * ```
 */
export function elementTemplate(element: ElementName, settings: HrImportSettings): ElementTemplate {
  const def = ELEMENTS[element];
  const own = settings.elements[element];
  const custom = (own.customFields ?? []).map((name) => `${CUSTOM_FIELD_PREFIX}${name}`);
  const ignored = new Set<string>();
  if (own.sourceAllRecords) ignored.add('deleted');
  if (element === 'user' && own.deleteMode === 'suspend') ignored.add('suspended');
  if (element === 'jobassignment' && own.updateIdNumbers) {
    ignored.add('managerjobassignmentidnumber');
    ignored.add('tempmanagerjobassignmentidnumber');
  }
  const all = [...def.columns.map((col) => col.name).filter((name) => !ignored.has(name)), ...custom];
  const required = new Set(requiredColumns(element, settings, all));
  const columns = all.map((name): TemplateColumn => {
    const col = def.columns.find((c) => c.name === name);
    const example =
      col?.kind === 'date' && col.example !== '' && col.example !== '0'
        ? formatDate(EXAMPLE_DATE, settings.dateFormat)
        : (col?.example ?? '');
    return {
      name,
      required: required.has(name),
      description: col?.description ?? `Custom field "${name.slice(CUSTOM_FIELD_PREFIX.length)}".`,
      example: name === 'tempmanagerexpirydate' ? '' : example,
    };
  });
  const encode = createRowEncoder({
    delimiter: fileFormat(settings, element).delimiter,
    lineEnding: settings.lineEnding,
  });
  return {
    element,
    file: def.file,
    columns,
    csv: encode(columns.map((c) => c.name)) + encode(columns.map((c) => c.example)),
  };
}
