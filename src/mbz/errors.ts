import { MtsError, type MtsErrorOptions } from '../core/errors.js';

/**
 * Base class of every error about a backup archive. `code` is stable (`mbz.*`); `details.path` names the archive
 * entry at fault when there is one.
 *
 * @example
 * ```ts
 * try { await inspectBackup('course.mbz'); }
 * catch (e) { if (e instanceof MbzError) console.error(e.code, e.details?.path); }
 * ```
 */
export class MbzError extends MtsError {}

/** The bytes are not a zip or a gzip stream, or the container is damaged (truncated gzip, bad tar header...). */
export class MbzFormatError extends MbzError {}

/** The archive is readable but is not a Moodle backup (no `moodle_backup.xml` at its root). */
export class MbzNotBackupError extends MbzError {}

/** An entry name that would escape the extraction folder (`../`, absolute path) or a link entry. */
export class MbzUnsafeEntryError extends MbzError {}

/** A safety limit was hit: total size, compression ratio (zip/gzip bomb), entry count, XML size. */
export class MbzLimitError extends MbzError {}

/** An XML file of the backup is malformed, declares a DOCTYPE, or lacks an element it must have. */
export class MbzXmlError extends MbzError {}

/** The entry (or original file) asked for is not in the archive. */
export class MbzEntryNotFoundError extends MbzError {}

/** The operation was aborted through its `AbortSignal`. */
export class MbzAbortError extends MbzError {}

/** Builds MtsError options with `details.path` set when a path is known. */
export function at(path: string | undefined, options: MtsErrorOptions = {}): MtsErrorOptions {
  if (path === undefined) return options;
  return { ...options, details: { ...(options.details ?? {}), path } };
}
