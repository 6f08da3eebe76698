/** How bad a validation finding is: errors make Totara skip rows or refuse the file; warnings deserve a look. */
export type IssueSeverity = 'error' | 'warning';

/**
 * One validation finding, located by file, row and column. `row` counts CSV records with the header as row 1
 * (so the first data row is row 2, as a spreadsheet shows it); 0 means the file as a whole.
 */
export interface ValidationIssue {
  /** Stable code such as `header.missing_column`, `value.invalid_email`, `rows.duplicate_idnumber`. */
  code: string;
  severity: IssueSeverity;
  /** The file (or element file name when validating records before they are written). */
  file: string;
  /** 1-based record number, header = 1; 0 for the whole file. */
  row: number;
  /** The column name, when the issue concerns one. */
  column?: string | undefined;
  /** The offending value (masked for secret columns such as `password`). */
  value?: string | undefined;
  message: string;
  /** What to do about it. */
  hint?: string | undefined;
}

/** Errors and warnings of a validation run, with counts. */
export interface ValidationReport {
  /** Files looked at. */
  files: string[];
  /** Every finding, in the order found. */
  issues: ValidationIssue[];
  /** Number of `error` findings. */
  errors: number;
  /** Number of `warning` findings. */
  warnings: number;
  /** Data rows read, per file. */
  rows: Record<string, number>;
  /** True when there are no errors. */
  ok: boolean;
}

/** Builds a {@link ValidationReport} from findings. */
export function makeReport(
  files: string[],
  issues: ValidationIssue[],
  rows: Record<string, number>,
): ValidationReport {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { files, issues, errors, warnings: issues.length - errors, rows, ok: errors === 0 };
}
