/**
 * Moodle backups (.mbz): inspect, inventory, verify, diff and extract, for zip and tar.gz packings, streaming and
 * in bounded memory, with typed errors on hostile or damaged archives.
 *
 * @example
 * ```ts
 * import { inspectBackup, verifyBackup } from 'moodle-totara-sdk/mbz';
 * const summary = await inspectBackup('backup.mbz');
 * const report = await verifyBackup('backup.mbz');
 * console.log(summary.moodleRelease, report.ok);
 * ```
 *
 * @module mbz
 */
export const CAPABILITY = 'mbz';

export { normaliseEntryName } from './archive/entry-path.js';
export { DEFAULT_LIMITS, type MbzLimits, type ResolvedLimits } from './archive/limits.js';
export { type OpenArchiveOptions, openArchive } from './archive/open.js';
export type {
  ArchiveEntry,
  ArchiveReader,
  BackupFormat,
  BackupSource,
  EntryVisitor,
  EntryWant,
  WalkOptions,
} from './archive/types.js';
export {
  ARCHIVE_INDEX_PATH,
  type ArchiveIndex,
  type ArchiveIndexEntry,
  parseArchiveIndex,
} from './backup/archive-index.js';
export {
  type BackupFileRecord,
  blobPath,
  FILES_XML_PATH,
  type FilesSummary,
  type FileTally,
  forEachFileRecord,
  isDirectoryRecord,
  originalName,
  parseFilesXml,
  summariseFiles,
} from './backup/files-xml.js';
export type { IndexCheck } from './backup/index-check.js';
export type {
  ActivityInfo,
  BackupUser,
  EnrolmentMethod,
  GradeTally,
  GroupsSummary,
  QuestionsSummary,
  SectionInfo,
} from './backup/inventory.js';
export {
  type BackupManifest,
  type BackupSetting,
  type BackupType,
  MANIFEST_PATH,
  type ManifestActivity,
  type ManifestCourse,
  type ManifestSection,
  type OriginalSite,
  parseManifest,
} from './backup/manifest.js';
export { type BackupDiff, type DiffActivity, type DiffFile, type DiffSet, diffBackups } from './diff.js';
export {
  MbzAbortError,
  MbzEntryNotFoundError,
  MbzError,
  MbzFormatError,
  MbzLimitError,
  MbzNotBackupError,
  MbzUnsafeEntryError,
  MbzXmlError,
} from './errors.js';
export { findRecord, type OriginalFile, openEntry, openOriginalFile } from './extract.js';
export { formatSummary } from './format.js';
export {
  type BackupInventory,
  type BackupSummary,
  type InspectOptions,
  inspectArchive,
  inspectBackup,
  type UsersSummary,
} from './inspect.js';
export { type ListOptions, listEntries } from './list.js';
export { type VerifyProblem, type VerifyReport, verifyBackup } from './verify.js';
