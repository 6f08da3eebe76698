import { isSecretKey, MASK } from '../../core/redact.js';
import {
  type ColumnDefinition,
  CUSTOM_FIELD_PREFIX,
  ELEMENTS,
  type ElementName,
} from '../columns/elements.js';
import { isFormulaLike } from '../csv/writer.js';
import type { ElementSettings, HrImportSettings } from '../settings.js';
import { FingerprintSet } from './fingerprint-set.js';
import { checkHeader, type Reporter } from './header.js';
import type { IssueSeverity, ValidationIssue } from './issues.js';
import { checkJobRow, JOB_REFERENCES } from './job.js';
import {
  checkHierarchyLinks,
  checkJobLinks,
  KIND,
  type KnownIds,
  type Reference,
  reportDuplicate,
} from './links.js';
import { SpillDeduper } from './spill-dedupe.js';
import { checkCell } from './values.js';

export type { KnownIds } from './links.js';

/** Options of {@link ElementValidator}. */
export interface ElementValidatorOptions {
  element: ElementName;
  settings: HrImportSettings;
  /** The file name used in issues. */
  file: string;
  /** idnumbers of other elements in the same import, for reference checks. */
  known?: KnownIds | undefined;
  /** Keep at most this many issues (all are counted). Default 1000. */
  maxIssues?: number | undefined;
  /** "Now" in Unix seconds, for expiry dates. Default the current time. */
  now?: number | undefined;
  /** Keep every user idnumber in memory (for reference checks of job assignments). Default false. */
  collectIds?: boolean | undefined;
  /**
   * `full` (default): also checks that need earlier rows (duplicates, references, loops, cycles), keeping about
   * 16 bytes per key. `rows`: each row on its own, in constant memory.
   */
  checks?: 'full' | 'rows' | undefined;
  /** How to rate columns Totara ignores: `warning` (default, for existing files) or `error` (when writing). */
  unknownColumns?: 'warning' | 'error' | undefined;
  /**
   * Where duplicate checks keep their keys: `memory` (default; ~16 bytes per key) or `disk` (bucket files in the
   * system temp directory, a few megabytes whatever the size; repeats are reported by `finish()` with the row they
   * repeat, without the value).
   */
  duplicates?: 'memory' | 'disk' | undefined;
}

/**
 * Checks one element file as Totara's HR Import would, row by row with constant memory per row (duplicate checks
 * keep a compact fingerprint per key): header, every cell, duplicates within the file, references, management
 * loops and parent cycles. Feed it the header, then each row, then call `finish()`.
 *
 * @example
 * ```ts
 * const v = new ElementValidator({ element: 'user', settings: resolveSettings(), file: 'user.csv' });
 * v.header(['idnumber', 'username', 'timemodified', 'deleted', 'firstname', 'lastname', 'email']);
 * v.row(['E1', 'jsmith', '0', '0', 'Jane', 'Smith', 'not-an-email'], 2);
 * v.finish();
 * v.issues; // [{ code: 'value.invalid_email', row: 2, column: 'email', ... }]
 * ```
 */
export class ElementValidator {
  readonly element: ElementName;
  readonly file: string;
  readonly #settings: HrImportSettings;
  readonly #own: ElementSettings;
  readonly #known: KnownIds;
  readonly #maxIssues: number;
  readonly #now: number;
  readonly #issues: ValidationIssue[] = [];
  #errors = 0;
  #warnings = 0;
  #rows = 0;
  #header: string[] = [];
  #columns: Array<ColumnDefinition | undefined> = [];
  #index: Record<string, number> = {};
  /** Positions of the `customfield_*` columns, found once per header. */
  #customFieldCells: number[] = [];
  #usable = false;
  readonly #seen = new FingerprintSet();
  #spill: SpillDeduper | undefined;
  readonly #parents = new Map<string, { parent: string; row: number }>();
  readonly #managerEdges = new Map<string, { to: string; row: number }>();
  readonly #references: Reference[] = [];
  readonly #ids = new Set<string>();
  readonly #collectIds: boolean;
  readonly #crossRow: boolean;
  readonly #unknownSeverity: IssueSeverity;
  /** `report` as a plain function, made once for the checks in other modules. */
  readonly #reporter: Reporter = (...args) => this.report(...args);

  constructor(options: ElementValidatorOptions) {
    this.element = options.element;
    this.file = options.file;
    this.#settings = options.settings;
    this.#own = options.settings.elements[options.element];
    this.#known = options.known ?? {};
    this.#maxIssues = options.maxIssues ?? 1000;
    this.#now = options.now ?? Math.floor(Date.now() / 1000);
    this.#collectIds = options.collectIds ?? false;
    this.#crossRow = (options.checks ?? 'full') === 'full';
    this.#unknownSeverity = options.unknownColumns ?? 'warning';
    if (options.duplicates === 'disk' && this.#crossRow) this.#spill = new SpillDeduper();
  }

  /** Findings kept so far (at most `maxIssues`). */
  get issues(): ValidationIssue[] {
    return this.#issues;
  }
  /** Errors found (all, including those not kept). */
  get errorCount(): number {
    return this.#errors;
  }
  /** Warnings found (all). */
  get warningCount(): number {
    return this.#warnings;
  }
  /** Data rows checked. */
  get rowCount(): number {
    return this.#rows;
  }
  /** idnumbers of the rows seen, when collected (hierarchies always; users with `collectIds`). */
  get idnumbers(): ReadonlySet<string> {
    return this.#ids;
  }

  /**
   * True when the file keeps the record with this key (users and hierarchies: idnumber; job assignments:
   * useridnumber and idnumber), i.e. it is present and not flagged deleted.
   */
  keeps(key: string): boolean {
    if (this.#spill) throw new Error('keeps() needs duplicates: "memory"');
    return this.#seen.has(this.element === 'jobassignment' ? KIND.job : KIND.idnumber, key);
  }

  /** Records a finding. */
  report(
    severity: IssueSeverity,
    code: string,
    row: number,
    message: string,
    extra: { column?: string | undefined; value?: string | undefined; hint?: string | undefined } = {},
  ): void {
    if (severity === 'error') this.#errors++;
    else this.#warnings++;
    if (this.#issues.length >= this.#maxIssues) return;
    const issue: ValidationIssue = { code, severity, file: this.file, row, message };
    if (extra.column !== undefined) issue.column = extra.column;
    if (extra.value !== undefined)
      issue.value = extra.column && isSecretKey(extra.column) ? MASK : extra.value;
    if (extra.hint !== undefined) issue.hint = extra.hint;
    this.#issues.push(issue);
  }

  /** Checks the header; returns false when rows cannot be checked against it (e.g. a missing idnumber). */
  header(names: readonly string[]): boolean {
    this.#header = [...names];
    const { index, columns } = checkHeader(
      this.element,
      this.#settings,
      names,
      this.#unknownSeverity,
      this.#reporter,
    );
    this.#index = index;
    this.#columns = columns;
    this.#customFieldCells = Object.entries(index).flatMap(([name, i]) =>
      name.startsWith(CUSTOM_FIELD_PREFIX) ? [i] : [],
    );
    this.#usable = Object.hasOwn(index, 'idnumber') && names.length > 0;
    return this.#usable;
  }

  #cell(cells: readonly string[], name: string): string | undefined {
    const i = this.#index[name];
    return i === undefined ? undefined : cells[i];
  }

  /** Checks one data row (`row` is its record number, header = 1). */
  row(cells: readonly string[], row: number): void {
    this.#rows++;
    if (!this.#usable) return;
    const header = this.#header;
    if (cells.length === 1 && cells[0] === '' && header.length > 1) {
      this.report('error', 'row.empty', row, 'Empty line; Totara logs it as an error.', {
        hint: 'Remove empty lines.',
      });
      return;
    }
    if (cells.length !== header.length) {
      this.report(
        'error',
        'row.column_count',
        row,
        `${cells.length} fields where the header has ${header.length}; Totara skips the row.`,
        {
          hint: 'Quote values that hold the delimiter, and check the delimiter setting.',
        },
      );
      return;
    }
    const own = this.#own;
    const removing = !own.sourceAllRecords && this.#cell(cells, 'deleted') === '1';
    const context = {
      dateFormat: this.#settings.dateFormat,
      extendedUsernameChars: own.extendedUsernameChars,
    };
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i] as string;
      if (value === '') continue;
      const name = header[i] as string;
      const column = this.#columns[i];
      if (isFormulaLike(value))
        this.report('warning', 'value.formula_like', row, `${name} starts like a spreadsheet formula.`, {
          column: name,
          value,
          hint: 'Totara imports it as text; it only matters if the file is opened in a spreadsheet. Writers can neutralise such cells on request.',
        });
      if (value.includes('\\') && (value.includes('\\"') || (value.endsWith('\\') && /["\r\n]/.test(value))))
        this.report(
          'error',
          'value.backslash_quote',
          row,
          `${name} has a backslash before a quote; Totara's CSV reader (PHP fgetcsv) misreads it.`,
          {
            column: name,
            value,
            hint: 'Remove the backslash or put a space between it and the quote.',
          },
        );
      if (!column) continue;
      if (
        column.maxLength !== undefined &&
        value.length > column.maxLength &&
        [...value].length > column.maxLength
      )
        this.report(
          'error',
          'value.too_long',
          row,
          `${name} is longer than ${column.maxLength} characters; Totara skips the row.`,
          {
            column: name,
            value: value.length > 80 ? `${value.slice(0, 80)}…` : value,
          },
        );
      const problem = checkCell(column, value, context);
      if (problem)
        this.report(problem.severity, problem.code, row, problem.message, {
          column: name,
          value,
          hint: problem.hint,
        });
    }
    const idnumber = this.#cell(cells, 'idnumber') ?? '';
    if (idnumber === '')
      this.report('error', 'value.required', row, 'idnumber is empty; Totara skips the row.', {
        column: 'idnumber',
      });
    if (this.element === 'user') this.#userRow(cells, row, idnumber, removing);
    else if (this.element === 'jobassignment') this.#jobRow(cells, row, idnumber, removing);
    else this.#hierarchyRow(cells, row, idnumber, removing);
  }

  #requireValues(cells: readonly string[], row: number, names: string[], why: string): void {
    for (const name of names) {
      if (this.#cell(cells, name) === '')
        this.report('error', 'value.required', row, `${name} is empty; ${why}`, { column: name });
    }
  }

  #duplicate(kind: number, key: string, row: number, value: string): void {
    if (!this.#crossRow) return;
    if (this.#spill) this.#spill.add(kind, key, row);
    else if (!this.#seen.add(kind, key)) this.#reportDuplicate(kind, row, value, undefined);
  }

  #reportDuplicate(kind: number, row: number, value: string | undefined, firstRow: number | undefined): void {
    reportDuplicate(this.#reporter, kind, row, value, firstRow);
  }

  #userRow(cells: readonly string[], row: number, idnumber: string, removing: boolean): void {
    if (idnumber !== '' && this.#collectIds) this.#ids.add(idnumber);
    if (removing) return;
    const own = this.#own;
    const why = 'Totara skips the row.';
    this.#requireValues(cells, row, ['username', 'firstname', 'lastname', 'auth'], why);
    if (!own.allowDuplicateEmails)
      this.#requireValues(cells, row, ['email'], 'emails are required while duplicates are not allowed.');
    if (idnumber !== '') this.#duplicate(KIND.idnumber, idnumber, row, idnumber);
    const username = this.#cell(cells, 'username');
    if (username) this.#duplicate(KIND.username, username.toLowerCase(), row, username);
    const email = this.#cell(cells, 'email');
    if (email && !own.allowDuplicateEmails) this.#duplicate(KIND.email, email.toLowerCase(), row, email);
  }

  #jobRow(cells: readonly string[], row: number, idnumber: string, removing: boolean): void {
    const get = (name: string) => this.#cell(cells, name);
    const user = get('useridnumber') ?? '';
    if (user === '')
      this.report('error', 'value.required', row, 'useridnumber is empty; Totara skips the row.', {
        column: 'useridnumber',
      });
    if (user === '' || idnumber === '') return;
    const updateIdNumbers = this.#own.updateIdNumbers;
    if (!removing)
      checkJobRow(get, row, user, this.#reporter, {
        dateFormat: this.#settings.dateFormat,
        now: this.#now,
        updateIdNumbers,
      });
    if (!this.#crossRow) return;
    const key = `${user}\u0000${idnumber}`;
    this.#duplicate(KIND.job, key, row, `${user}/${idnumber}`);
    if (updateIdNumbers) this.#duplicate(KIND.userjob, user, row, user);
    if (removing) return;
    for (const column of JOB_REFERENCES) {
      const value = column === 'useridnumber' ? user : get(column);
      if (value) this.#references.push({ row, column, value });
    }
    const manager = get('manageridnumber');
    if (manager) {
      const managerJob = get('managerjobassignmentidnumber');
      this.#managerEdges.set(updateIdNumbers ? user : key, {
        to: updateIdNumbers || !managerJob ? manager : `${manager}\u0000${managerJob}`,
        row,
      });
    }
  }

  #hierarchyRow(cells: readonly string[], row: number, idnumber: string, removing: boolean): void {
    if (idnumber === '') return;
    if (this.#crossRow) this.#ids.add(idnumber);
    this.#duplicate(KIND.idnumber, idnumber, row, idnumber);
    if (removing) return;
    this.#requireValues(
      cells,
      row,
      ['fullname', 'frameworkidnumber', 'aggregationmethod'],
      'Totara skips the item.',
    );
    const parent = this.#cell(cells, 'parentidnumber');
    if (parent && this.#crossRow) this.#parents.set(idnumber, { parent, row });
    if (this.#customFieldCells.some((i) => cells[i] !== '') && this.#cell(cells, 'typeidnumber') === '')
      this.report(
        'error',
        'value.required',
        row,
        'typeidnumber is empty on a row with custom field values.',
        {
          column: 'typeidnumber',
        },
      );
  }

  /** Removes the temporary files of `duplicates: 'disk'` (when `finish()` is not reached). */
  dispose(): void {
    this.#spill?.dispose();
    this.#spill = undefined;
  }

  /** Checks that need every row: references to other rows or files, parent cycles, management loops. */
  finish(): void {
    if (!this.#crossRow) return;
    if (this.#spill) {
      const found = [...this.#spill.duplicates()].sort((a, b) => a.row - b.row || a.kind - b.kind);
      for (const dup of found) this.#reportDuplicate(dup.kind, dup.row, undefined, dup.firstRow);
      this.#spill = undefined;
    }
    if (this.element === 'jobassignment')
      checkJobLinks(this.#reporter, this.#settings, this.#known, this.#references, this.#managerEdges);
    else if (ELEMENTS[this.element].hierarchy)
      checkHierarchyLinks(this.#reporter, this.#own.sourceAllRecords, this.#parents, this.#ids);
  }
}
