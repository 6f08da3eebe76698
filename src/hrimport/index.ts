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

export { formatDate, parseFormattedDate, parseHrImportDate, UNIX_TIME } from './columns/dates.js';
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
} from './columns/elements.js';
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
} from './columns/records.js';
export { orderColumns, requiredColumns } from './columns/required.js';
export { type ElementTemplate, elementTemplate, type TemplateColumn } from './columns/template.js';
export {
  findElementFiles,
  type ReadElementOptions,
  type ReadRecord,
  readElementFile,
} from './csv/element-file.js';
export {
  type CsvRecord,
  CsvSyntaxError,
  detectDelimiter,
  HEADER_CHARS,
  type ReadCsvOptions,
  readCsvRecords,
} from './csv/reader.js';
export {
  type CsvFormat,
  createRowEncoder,
  FORMULA_START,
  isFormulaLike,
  isPhoneNumberLike,
  neutraliseFormula,
} from './csv/writer.js';
export {
  HrImportError,
  HrImportMassRemovalError,
  HrImportValidationError,
  type MassRemovalCounts,
} from './errors.js';
export { diffRecord, type FieldChange } from './plan/diff.js';
export {
  type ElementPlan,
  type HrImportPlan,
  type PlannedUpdate,
  type PlanOptions,
  planImport,
} from './plan/plan.js';
export {
  assertRemovalAllowed,
  countRemovals,
  DEFAULT_REMOVAL_THRESHOLD,
  type RemovalGuardOptions,
} from './plan/removal-guard.js';
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
export { type CsvSiteStateOptions, csvSiteState, siteRecordFromRow } from './site/csv.js';
export { type MoodleCall, moodleSiteState, type TotaraPagingClient, totaraSiteState } from './site/remote.js';
export { displayKey, recordKey, type SiteRecord, type SiteState } from './site/state.js';
export { COUNTRY_CODES } from './validate/countries.js';
export { type ValidateFilesOptions, validateFiles } from './validate/files.js';
export type { IssueSeverity, ValidationIssue, ValidationReport } from './validate/issues.js';
export { ElementValidator, type ElementValidatorOptions, type KnownIds } from './validate/validator.js';
export { type CellProblem, checkCell, isValidEmail } from './validate/values.js';
export { writeElementFile } from './write/file.js';
export {
  DEFAULT_FILE_MODE,
  type WriteElementOptions,
  type WriteElementResult,
} from './write/options.js';
export { readRecordsFile, readRecordsStream } from './write/records-file.js';
export { ElementWriter, openElementWriter, readyPath } from './write/writer.js';
