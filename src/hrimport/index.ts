/**
 * Totara HR Import CSV files that Totara accepts the first time: element definitions, a settings profile that
 * mirrors the site's HR Import configuration, validation with file/row/column findings, a streaming RFC 4180 writer
 * that renames complete files into `csv/ready/`, a strict reader for existing files (including `csv/store/` copies)
 * and a dry run (`plan`) against the site's current state.
 *
 * @example
 * ```ts
 * import { writeElementFile, resolveSettings } from 'moodle-totara-sdk/hrimport';
 * const settings = resolveSettings({ elements: { user: { sourceAllRecords: false } } });
 * await writeElementFile('/var/totara/hrimport', 'user', records, { settings });
 * ```
 *
 * @module hrimport
 */
export const CAPABILITY = 'hrimport';

export { COUNTRY_CODES } from './countries.js';
export {
  CsvParser,
  type CsvRecord,
  CsvSyntaxError,
  detectDelimiter,
  HEADER_CHARS,
  type ReadCsvOptions,
  readCsvRecords,
} from './csv-reader.js';
export {
  ChunkedSink,
  type CsvFormat,
  createRowEncoder,
  FORMULA_START,
  isFormulaLike,
  isPhoneNumberLike,
  neutraliseFormula,
} from './csv-writer.js';
export { formatDate, parseFormattedDate, parseHrImportDate, UNIX_TIME } from './dates.js';
export {
  type ColumnDefinition,
  type ColumnKind,
  CUSTOM_FIELD_PREFIX,
  columnOf,
  ELEMENT_NAMES,
  ELEMENTS,
  type ElementDefinition,
  type ElementName,
  elementOfFileName,
  isElementName,
} from './elements.js';
export {
  HrImportError,
  HrImportMassRemovalError,
  HrImportValidationError,
  type MassRemovalCounts,
} from './errors.js';
export { FingerprintSet, fingerprint } from './fingerprint-set.js';
export { findCycles } from './graph.js';
export { type IssueSeverity, makeReport, type ValidationIssue, type ValidationReport } from './issues.js';
export {
  type ElementPlan,
  type HrImportPlan,
  type PlannedUpdate,
  type PlanOptions,
  planImport,
} from './plan.js';
export { diffRecord, type FieldChange } from './plan-diff.js';
export { findElementFiles, type ReadElementOptions, type ReadRecord, readElementFile } from './read.js';
export {
  type CellValue,
  type CompetencyRecord,
  type CustomFieldColumns,
  cellText,
  type ElementRecords,
  type HierarchyRecord,
  type JobAssignmentRecord,
  type RawRecord,
  type UserRecord,
} from './records.js';
export { readRecordsFile, readRecordsStream } from './records-file.js';
export {
  assertRemovalAllowed,
  countRemovals,
  DEFAULT_REMOVAL_THRESHOLD,
  type RemovalGuardOptions,
} from './removal-guard.js';
export { orderColumns, requiredColumns } from './required-columns.js';
export {
  DELIMITERS,
  type DeleteMode,
  type Delimiter,
  defaultElementSettings,
  type ElementSettings,
  type EmptyFieldBehaviour,
  fileFormat,
  type HrImportSettings,
  type HrImportSettingsInput,
  isResolved,
  loadSettingsFile,
  normaliseEncoding,
  parseDelimiter,
  resolveSettings,
  settingsFrom,
} from './settings.js';
export { type CsvSiteStateOptions, csvSiteState, siteRecordFromRow } from './site-csv.js';
export { type MoodleCall, moodleSiteState, type TotaraPagingClient, totaraSiteState } from './site-remote.js';
export { displayKey, recordKey, type SiteRecord, type SiteState } from './site-state.js';
export { type ElementTemplate, elementTemplate, type TemplateColumn } from './template.js';
export { ElementValidator, type ElementValidatorOptions, type KnownIds } from './validate.js';
export { type ValidateFilesOptions, validateFiles } from './validate-files.js';
export { type CellProblem, checkCell, isValidEmail } from './validate-values.js';
export { ElementWriter, openElementWriter, readyPath } from './write.js';
export { writeElementFile } from './write-file.js';
export {
  DEFAULT_FILE_MODE,
  type WriteElementOptions,
  type WriteElementResult,
} from './write-options.js';
