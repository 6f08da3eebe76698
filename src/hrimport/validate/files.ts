import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { assertKnownOptions } from '../../core/errors.js';
import type { ProgressListener } from '../../core/progress.js';
import { ELEMENT_NAMES, elementOfFileName } from '../columns/elements.js';
import { findElementFiles } from '../csv/element-file.js';
import { CsvSyntaxError, readCsvRecords } from '../csv/reader.js';
import { HrImportError } from '../errors.js';
import { fileFormat, type HrImportSettings, type HrImportSettingsInput, settingsFrom } from '../settings.js';
import { makeReport, type ValidationIssue, type ValidationReport } from './issues.js';
import { ElementValidator, type KnownIds } from './validator.js';

/** Options of {@link validateFiles}. */
export interface ValidateFilesOptions {
  settings?: HrImportSettings | HrImportSettingsInput | undefined;
  /** Keep at most this many issues per file. Default 1000. */
  maxIssues?: number | undefined;
  /** "Now" in Unix seconds for expiry checks. */
  now?: number | undefined;
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Validates HR Import files: a single element file, or every element file of a directory (`<dir>/csv/ready/` or
 * the directory itself). Files are checked in import order so job assignments are checked against the users,
 * organisations and positions of the same set. Syntax errors become issues rather than exceptions.
 *
 * @example
 * ```ts
 * const report = await validateFiles('/var/hrimport', { settings });
 * if (!report.ok) for (const i of report.issues) console.log(`${i.file}:${i.row} ${i.column ?? ''} ${i.code}`);
 * ```
 */
export async function validateFiles(
  target: string,
  options: ValidateFilesOptions = {},
): Promise<ValidationReport> {
  assertKnownOptions('validateFiles', options, ['settings', 'maxIssues', 'now', 'onProgress', 'signal']);
  const settings = settingsFrom(options.settings);
  const isDir = (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
  const files = isDir ? await findElementFiles(target) : [{ element: undefined, path: target }];
  const ordered = [...files].sort(
    (a, b) => ELEMENT_NAMES.indexOf(a.element ?? 'user') - ELEMENT_NAMES.indexOf(b.element ?? 'user'),
  );
  const issues: ValidationIssue[] = [];
  const rows: Record<string, number> = {};
  if (ordered.length === 0)
    issues.push({
      code: 'file.none_found',
      severity: 'error',
      file: target,
      row: 0,
      message: `No element files (user.csv, jobassignment.csv, org.csv, pos.csv, comp.csv) in ${target}.`,
      hint: 'Give the HR Import files directory (its csv/ready/ is read) or a folder holding the files.',
    });
  const known: KnownIds = {};
  for (const file of ordered) {
    const element = file.element ?? elementOfFileName(basename(file.path))?.element;
    if (!element)
      throw new HrImportError(
        'hrimport.unknown_element_file',
        `Cannot tell which element ${file.path} holds.`,
        {
          hint: 'Name it user.csv, jobassignment.csv, org.csv, pos.csv or comp.csv (or <time>.<name> as in csv/store).',
          details: { file: file.path },
        },
      );
    const validator = new ElementValidator({
      element,
      settings,
      file: file.path,
      known,
      maxIssues: options.maxIssues,
      now: options.now,
      collectIds: element === 'user',
      duplicates: 'disk',
    });
    const format = fileFormat(settings, element);
    try {
      let header = true;
      for await (const record of readCsvRecords(file.path, { ...format, signal: options.signal })) {
        if (header) {
          validator.header(record.cells.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name)));
          header = false;
          continue;
        }
        validator.row(record.cells, record.row);
        if (validator.rowCount % 10000 === 0)
          options.onProgress?.({
            phase: `validating ${basename(file.path)}`,
            done: validator.rowCount,
            unit: 'rows',
          });
      }
      if (header) validator.report('error', 'file.empty', 0, 'The file is empty: not even a header row.');
      validator.finish();
    } catch (error) {
      validator.dispose();
      if (!(error instanceof CsvSyntaxError)) throw error;
      const details = error.details ?? {};
      validator.report('error', error.code, Number(details.row ?? 0), error.message, { hint: error.hint });
    }
    rows[file.path] = validator.rowCount;
    issues.push(...validator.issues);
    if (element !== 'jobassignment') known[element] = validator.idnumbers;
  }
  return makeReport(
    ordered.map((f) => f.path),
    issues,
    rows,
  );
}
