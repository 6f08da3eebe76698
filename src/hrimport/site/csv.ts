import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CUSTOM_FIELD_PREFIX, type ElementName, elementOfFileName } from '../columns/elements.js';
import { findElementFiles } from '../csv/element-file.js';
import { readCsvRecords } from '../csv/reader.js';
import { HrImportError } from '../errors.js';
import type { Delimiter } from '../settings.js';
import type { SiteRecord, SiteState } from './state.js';

/** Options of {@link csvSiteState}. */
export interface CsvSiteStateOptions {
  /** The element a single file describes, when its name does not say (default `user`). */
  element?: ElementName | undefined;
  delimiter?: Delimiter | undefined;
  encoding?: string | undefined;
}

const FLAGS = new Set(['suspended', 'deleted', 'totarasync']);

/** Turns one exported row into a site record: flags lifted out, Moodle's `profile_field_x` renamed `customfield_x`. */
export function siteRecordFromRow(values: Record<string, string>): SiteRecord {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (FLAGS.has(name)) continue;
    out[name.startsWith('profile_field_') ? `${CUSTOM_FIELD_PREFIX}${name.slice(14)}` : name] = value;
  }
  if (values.suspended !== undefined) out.suspended = values.suspended === '1' ? '1' : '0';
  return {
    values: out,
    syncEnabled: values.totarasync === undefined ? undefined : values.totarasync !== '0',
    suspended: values.suspended === undefined ? undefined : values.suspended === '1',
    deleted: values.deleted === '1',
  };
}

/**
 * Site state from a CSV export: one file of current users (HR Import column names, or Moodle's bulk user download
 * with `profile_field_*` columns; optional `suspended`, `deleted` and `totarasync` flags), or a directory holding
 * `user.csv`, `jobassignment.csv`, `org.csv`, `pos.csv`, `comp.csv` exports.
 *
 * @example
 * ```ts
 * const plan = await planImport('/var/hrimport', { site: await csvSiteState('exports/users-2024-05-01.csv') });
 * ```
 */
export async function csvSiteState(path: string, options: CsvSiteStateOptions = {}): Promise<SiteState> {
  const info = await stat(path).catch((error: unknown) => {
    throw new HrImportError('hrimport.site_export_missing', `The site export ${path} does not exist.`, {
      hint: 'Give a CSV export of current users, or a directory of element exports.',
      cause: error,
      details: { path },
    });
  });
  const files = new Map<ElementName, string>();
  if (info.isDirectory()) {
    for (const found of await findElementFiles(path)) files.set(found.element, found.path);
  } else {
    files.set(options.element ?? elementOfFileName(basename(path))?.element ?? 'user', path);
  }
  return {
    description: path,
    elements: [...files.keys()],
    async *records(element, recordOptions = {}) {
      const file = files.get(element);
      if (!file) return;
      let header: string[] | undefined;
      for await (const record of readCsvRecords(file, { ...options, signal: recordOptions.signal })) {
        if (!header) {
          header = record.cells.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim());
          continue;
        }
        if (record.cells.length !== header.length) {
          throw new HrImportError(
            'hrimport.site_export_invalid',
            `${file}: row ${record.row} has ${record.cells.length} fields, the header ${header.length}.`,
            {
              details: { file, row: record.row },
            },
          );
        }
        const values: Record<string, string> = {};
        header.forEach((name, i) => {
          values[name] = record.cells[i] as string;
        });
        yield siteRecordFromRow(values);
      }
    },
  };
}
