import { InputError, type MtsErrorOptions } from '../core/errors.js';
import type { ValidationIssue } from './validate/issues.js';

/**
 * Bad HR Import input that stops an operation: an unreadable settings profile, a CSV that cannot be parsed, a
 * record with a column the element does not have. `code` is stable (`hrimport.*`).
 *
 * @example
 * ```ts
 * try { await writeElementFile(dir, 'user', records); }
 * catch (e) { if (e instanceof HrImportError) console.error(e.code, e.hint); }
 * ```
 */
export class HrImportError extends InputError {}

/**
 * Validation found errors, so nothing was written (or nothing would be imported as intended). `issues` holds
 * every problem with its file, row and column; `details.errors`/`details.warnings` hold the counts.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof HrImportValidationError) for (const i of e.issues) console.log(i.row, i.column, i.code); }
 * ```
 */
export class HrImportValidationError extends HrImportError {
  /** Every problem found (errors and warnings), in file order. */
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues: readonly ValidationIssue[], options: MtsErrorOptions = {}) {
    const errors = issues.filter((i) => i.severity === 'error').length;
    super('hrimport.validation_failed', message, {
      hint: 'Fix the rows listed in `issues` (file, row, column, code) and try again.',
      ...options,
      details: { errors, warnings: issues.length - errors, issues: issues.slice(0, 100), ...options.details },
    });
    this.issues = issues;
  }
}

/** The counts behind a refused complete-source import. */
export interface MassRemovalCounts {
  /** The element concerned. */
  element: string;
  /** Records HR Import manages on the site now (HR Import enabled, not deleted). */
  existing: number;
  /** Of those, how many the import would suspend or delete. */
  removing: number;
  /** `removing / existing`. */
  ratio: number;
  /** The largest ratio allowed without `allowMassRemoval`. */
  threshold: number;
}

/**
 * A "source contains all records" import would suspend or delete more than the allowed share of the records on the
 * site: usually an incomplete file. Refused unless the caller passes `allowMassRemoval: true`.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof HrImportMassRemovalError) console.log(e.counts.removing, 'of', e.counts.existing); }
 * ```
 */
export class HrImportMassRemovalError extends HrImportError {
  /** The counts that triggered the refusal. */
  readonly counts: MassRemovalCounts;
  constructor(counts: MassRemovalCounts) {
    const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
    super(
      'hrimport.mass_removal_refused',
      `${counts.element}: this complete-source import would remove ${counts.removing} of ${counts.existing} existing records (${pct(counts.ratio)}), above the ${pct(counts.threshold)} threshold.`,
      {
        hint: 'Check that the file is complete. If the removal is intended, pass allowMassRemoval: true (CLI: --allow-mass-removal) or raise the threshold.',
        details: { ...counts },
      },
    );
    this.counts = counts;
  }
}
