/** Options and result of the element writer, and the permissions element files get. */
import type { ProgressListener } from '../../core/progress.js';
import type { ElementName } from '../columns/elements.js';
import { HrImportError, type MassRemovalCounts } from '../errors.js';
import type { RemovalGuardOptions } from '../plan/removal-guard.js';
import type { HrImportSettings, HrImportSettingsInput } from '../settings.js';
import type { ValidationIssue } from '../validate/issues.js';
import type { KnownIds } from '../validate/validator.js';

/** Options of {@link openElementWriter} and {@link writeElementFile}. */
export interface WriteElementOptions {
  /** The site's HR Import settings (delimiter, encoding, date format, required columns). Default: Totara's defaults. */
  settings?: HrImportSettings | HrImportSettingsInput | undefined;
  /**
   * The header, exactly. Default: the required columns plus the record keys, in Totara's column order (keys of
   * every record for {@link writeElementFile} with an array, else of the first record).
   */
  columns?: readonly string[] | undefined;
  /** Prefix formula-like cells with `'` (changes the data Totara imports; off by default). */
  neutraliseFormulas?: boolean | undefined;
  /** idnumbers of other elements in the same import, for reference checks. */
  known?: KnownIds | undefined;
  /** Refuse a complete-source import that would remove too many of the site's records. */
  removalGuard?: RemovalGuardOptions | undefined;
  /**
   * `full` (default): every check, including duplicates and references across rows (about 16 bytes per key in
   * memory). `rows`: each row on its own, in constant memory, for sources already known to be unique.
   */
  checks?: 'full' | 'rows' | undefined;
  /**
   * Where duplicate checks keep keys: `disk` (default; bucket files in the system temp directory, a few MB for
   * millions of rows) or `memory` (~16 bytes per key; used anyway with a removal guard).
   */
  duplicates?: 'memory' | 'disk' | undefined;
  /**
   * Permission bits of the file, applied from creation (the temporary file never has wider ones). Default
   * `0o640` less the process umask: element files hold personal data and may hold plaintext passwords, so others
   * get nothing, while the group can read, because Totara's cron runs as the web server user, which must read
   * the file (give `csv/ready/` the web server's group with the setgid bit so new files inherit it). `0o600` only
   * when the web server user itself writes the files. An explicit mode is set exactly, whatever the umask.
   */
  mode?: number | undefined;
  /** Keep at most this many issues in the result or error. Default 1000. */
  maxIssues?: number | undefined;
  /** Progress in rows. */
  onProgress?: ProgressListener | undefined;
  /** Aborts the write; nothing is left behind. */
  signal?: AbortSignal | undefined;
}

export const OPTION_KEYS = [
  'settings',
  'columns',
  'neutraliseFormulas',
  'known',
  'removalGuard',
  'checks',
  'duplicates',
  'mode',
  'maxIssues',
  'onProgress',
  'signal',
] as const;

/** The outcome of a successful write. */
export interface WriteElementResult {
  element: ElementName;
  /** Where the file now is: `<dir>/csv/ready/<element>.csv`. */
  path: string;
  columns: string[];
  rows: number;
  bytes: number;
  /** Warnings found (errors stop the write). */
  issues: ValidationIssue[];
  warnings: number;
  /** What the removal guard counted, when one was given. */
  removal?: MassRemovalCounts | undefined;
}

/**
 * The permission bits element files get by default: owner read/write, group read (the web server user that runs
 * Totara's cron must read them), nothing for others (they hold personal data, and may hold passwords).
 */
export const DEFAULT_FILE_MODE = 0o640;

/** Throws {@link HrImportError} `hrimport.invalid_mode` unless `mode` is undefined or permission bits (0 to 0o777). */
export function assertFileMode(mode: unknown): void {
  if (mode === undefined) return;
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777)
    throw new HrImportError(
      'hrimport.invalid_mode',
      `mode must be permission bits such as 0o640, not ${String(mode)}.`,
      {
        hint: '0o640 (owner and group read; the default) or 0o600 (owner only).',
        details: { mode },
      },
    );
}
