import { isSecretKey, MASK } from '../core/redact.js';
import { HEADER_CHARS } from './csv-reader.js';
import { isFormulaLike } from './csv-writer.js';
import { parseHrImportDate } from './dates.js';
import { type ColumnDefinition, CUSTOM_FIELD_PREFIX, ELEMENTS, type ElementName } from './elements.js';
import { FingerprintSet } from './fingerprint-set.js';
import { findCycles } from './graph.js';
import type { IssueSeverity, ValidationIssue } from './issues.js';
import { requiredColumns } from './required-columns.js';
import type { ElementSettings, HrImportSettings } from './settings.js';
import { SpillDeduper } from './spill-dedupe.js';
import { checkCell } from './validate-values.js';

/** idnumbers known from other files of the same import (e.g. user.csv for job assignment references). */
export type KnownIds = Partial<Record<ElementName, ReadonlySet<string>>>;

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

const KIND = { idnumber: 1, username: 2, email: 3, job: 4, userjob: 5 } as const;

const SKIPPED = 'Totara skips every copy.';
const DUPLICATES: Record<number, { code: string; column: string; label: string; consequence: string }> = {
  [KIND.idnumber]: {
    code: 'rows.duplicate_idnumber',
    column: 'idnumber',
    label: 'idnumber',
    consequence: SKIPPED,
  },
  [KIND.username]: {
    code: 'rows.duplicate_username',
    column: 'username',
    label: 'Username',
    consequence: SKIPPED,
  },
  [KIND.email]: { code: 'rows.duplicate_email', column: 'email', label: 'Email', consequence: SKIPPED },
  [KIND.job]: {
    code: 'rows.duplicate_job_assignment',
    column: 'idnumber',
    label: 'Job assignment (user/idnumber)',
    consequence: 'Totara makes no update to it.',
  },
  [KIND.userjob]: {
    code: 'rows.multiple_jobs_per_user',
    column: 'useridnumber',
    label: 'User',
    consequence: 'only one job assignment per user is allowed while "Update ID numbers" is on.',
  },
};

interface Reference {
  row: number;
  column: string;
  value: string;
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
    const def = ELEMENTS[this.element];
    this.#header = [...names];
    this.#index = {};
    const { delimiter } = this.#settings.elements[this.element].delimiter
      ? { delimiter: this.#settings.elements[this.element].delimiter }
      : this.#settings;
    names.forEach((name, i) => {
      if (!HEADER_CHARS.test(name)) {
        const bad = [...name].find((ch) => !HEADER_CHARS.test(ch));
        this.report(
          'error',
          'header.invalid_characters',
          1,
          `Header "${name}" holds "${bad}", which Totara refuses: the whole file would be rejected.`,
          {
            column: name,
            hint: `Header names may hold letters, digits, space, _ - ? ! only. Is the delimiter really "${delimiter === '\t' ? 'tab' : delimiter}"?`,
          },
        );
      }
      if (Object.hasOwn(this.#index, name))
        this.report(
          'error',
          'header.duplicate_column',
          1,
          `Column "${name}" appears twice; Totara would use the last one.`,
          { column: name },
        );
      this.#index[name] = i;
      const column = def.columns.find((col) => col.name === name);
      this.#columns[i] = column;
      if (column) return;
      if (name.startsWith(CUSTOM_FIELD_PREFIX)) {
        this.#checkCustomFieldColumn(name);
      } else {
        this.report(
          this.#unknownSeverity,
          'header.unknown_column',
          1,
          `Column "${name}" is not an ${this.element} column; Totara ignores it.`,
          {
            column: name,
            hint: `Known columns: ${def.columns.map((col) => col.name).join(', ')}${def.customFields ? ', customfield_<shortname>' : ''}.`,
          },
        );
      }
    });
    for (const name of requiredColumns(this.element, this.#settings, names)) {
      if (!Object.hasOwn(this.#index, name))
        this.report(
          'error',
          'header.missing_column',
          1,
          `Required column "${name}" is missing; Totara would refuse the file.`,
          {
            column: name,
            hint: this.#missingHint(name),
          },
        );
    }
    if (this.#own.sourceAllRecords && Object.hasOwn(this.#index, 'deleted'))
      this.report(
        'warning',
        'header.ignored_column',
        1,
        'Column "deleted" is ignored while the source contains all records.',
        {
          column: 'deleted',
          hint: 'Leave out the records to remove instead.',
        },
      );
    if (
      this.element === 'user' &&
      this.#own.deleteMode === 'suspend' &&
      Object.hasOwn(this.#index, 'suspended')
    )
      this.report(
        'warning',
        'header.ignored_column',
        1,
        'Column "suspended" is ignored while the delete action is "suspend".',
        {
          column: 'suspended',
        },
      );
    this.#usable = Object.hasOwn(this.#index, 'idnumber') && names.length > 0;
    return this.#usable;
  }

  #missingHint(name: string): string {
    if (name === 'deleted')
      return 'Required unless "source contains all records" is on: 1 removes the record, 0 keeps it.';
    if (name === 'email') return 'Required unless duplicate emails are allowed.';
    if (name === 'firstname' || name === 'lastname') return 'Required while the create action is allowed.';
    if (name === 'typeidnumber') return 'Hierarchy custom fields need the type column.';
    if (name.includes('jobassignmentidnumber'))
      return 'Required with the manager column unless "Update ID numbers" is on.';
    return 'Add the column (an empty value is allowed where the field is optional).';
  }

  #checkCustomFieldColumn(name: string): void {
    const def = ELEMENTS[this.element];
    const shortname = name.slice(CUSTOM_FIELD_PREFIX.length);
    if (!def.customFields) {
      this.report(
        'error',
        'header.custom_fields_not_supported',
        1,
        `${this.element} files have no custom fields; "${name}" would be ignored.`,
        {
          column: name,
        },
      );
    } else if (!/^[A-Za-z0-9_]+$/.test(shortname)) {
      this.report('error', 'header.custom_field_name', 1, `"${name}" is not customfield_<shortname>.`, {
        column: name,
      });
    } else if (this.#own.customFields && !this.#own.customFields.includes(shortname)) {
      this.report(
        'error',
        'header.unknown_custom_field',
        1,
        `The site has no ${this.element} custom field "${shortname}".`,
        {
          column: name,
          hint: `Known custom fields: ${this.#own.customFields.join(', ') || '(none)'}.`,
        },
      );
    }
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
    const what = DUPLICATES[kind] as (typeof DUPLICATES)[number];
    const shown = value === undefined ? '' : ` "${value}"`;
    const where = firstRow === undefined ? 'also appears on an earlier row' : `repeats row ${firstRow}`;
    this.report('error', what.code, row, `${what.label}${shown} ${where}; ${what.consequence}`, {
      column: what.column,
      value,
    });
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
    const user = this.#cell(cells, 'useridnumber') ?? '';
    if (user === '')
      this.report('error', 'value.required', row, 'useridnumber is empty; Totara skips the row.', {
        column: 'useridnumber',
      });
    if (user === '' || idnumber === '') return;
    const key = `${user}\u0000${idnumber}`;
    if (!this.#crossRow) return;
    this.#duplicate(KIND.job, key, row, `${user}/${idnumber}`);
    if (this.#own.updateIdNumbers) this.#duplicate(KIND.userjob, user, row, user);
    if (removing) return;
    this.#references.push({ row, column: 'useridnumber', value: user });
    for (const [column, label] of [
      ['manageridnumber', 'manager'],
      ['appraiseridnumber', 'appraiser'],
      ['tempmanageridnumber', 'temporary manager'],
    ] as const) {
      const ref = this.#cell(cells, column);
      if (!ref) continue;
      if (ref === user)
        this.report('error', 'value.self_reference', row, `User "${user}" cannot be their own ${label}.`, {
          column,
          value: ref,
        });
      this.#references.push({ row, column, value: ref });
    }
    for (const column of ['orgidnumber', 'posidnumber']) {
      const ref = this.#cell(cells, column);
      if (ref) this.#references.push({ row, column, value: ref });
    }
    const manager = this.#cell(cells, 'manageridnumber');
    if (manager) {
      const managerJob = this.#cell(cells, 'managerjobassignmentidnumber');
      if (managerJob === '' && !this.#own.updateIdNumbers)
        this.report(
          'error',
          'value.required',
          row,
          'managerjobassignmentidnumber is empty while a manager is given; Totara skips the row.',
          {
            column: 'managerjobassignmentidnumber',
          },
        );
      this.#managerEdges.set(this.#own.updateIdNumbers ? user : key, {
        to: this.#own.updateIdNumbers || !managerJob ? manager : `${manager}\u0000${managerJob}`,
        row,
      });
    }
    const tempManager = this.#cell(cells, 'tempmanageridnumber');
    if (tempManager) {
      const expiry = parseHrImportDate(
        this.#cell(cells, 'tempmanagerexpirydate') ?? '',
        this.#settings.dateFormat,
      );
      if (expiry === undefined)
        this.report(
          'error',
          'value.required',
          row,
          'tempmanagerexpirydate is empty while a temporary manager is given.',
          {
            column: 'tempmanagerexpirydate',
          },
        );
      else if (expiry !== null && expiry < this.#now)
        this.report(
          'error',
          'value.expiry_in_past',
          row,
          'tempmanagerexpirydate is in the past; Totara skips the row.',
          {
            column: 'tempmanagerexpirydate',
          },
        );
    }
    const start = parseHrImportDate(this.#cell(cells, 'startdate') ?? '', this.#settings.dateFormat);
    const end = parseHrImportDate(this.#cell(cells, 'enddate') ?? '', this.#settings.dateFormat);
    if (typeof start === 'number' && typeof end === 'number' && start > end)
      this.report(
        'error',
        'value.start_after_end',
        row,
        'startdate is later than enddate; Totara skips the row.',
        { column: 'startdate' },
      );
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
    if (
      Object.keys(this.#index).some(
        (name) => name.startsWith(CUSTOM_FIELD_PREFIX) && this.#cell(cells, name) !== '',
      )
    ) {
      if (this.#cell(cells, 'typeidnumber') === '')
        this.report(
          'error',
          'value.required',
          row,
          'typeidnumber is empty on a row with custom field values.',
          { column: 'typeidnumber' },
        );
    }
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
    if (this.element === 'jobassignment') this.#finishJobs();
    else if (ELEMENTS[this.element].hierarchy) this.#finishHierarchy();
  }

  #finishJobs(): void {
    const users = this.#known.user;
    const completeUsers = this.#settings.elements.user.sourceAllRecords;
    const targets: Record<string, ElementName> = {
      useridnumber: 'user',
      manageridnumber: 'user',
      appraiseridnumber: 'user',
      tempmanageridnumber: 'user',
      orgidnumber: 'org',
      posidnumber: 'pos',
    };
    for (const ref of this.#references) {
      const target = targets[ref.column] as ElementName;
      const known = target === 'user' ? users : this.#known[target];
      if (!known || known.has(ref.value)) continue;
      const complete =
        this.#settings.elements[target].sourceAllRecords || (target === 'user' && completeUsers);
      this.report(
        complete ? 'error' : 'warning',
        target === 'user' ? 'ref.unknown_user' : `ref.unknown_${target}`,
        ref.row,
        `${ref.column} "${ref.value}" is not in ${ELEMENTS[target].file}${complete ? ', which holds all records' : '; it must already exist on the site'}.`,
        { column: ref.column, value: ref.value },
      );
    }
    const edges = new Map<string, string>();
    for (const [from, edge] of this.#managerEdges) edges.set(from, edge.to);
    for (const cycle of findCycles(edges)) {
      const names = cycle.map((key) => key.replace('\u0000', '/'));
      for (const key of cycle) {
        const edge = this.#managerEdges.get(key);
        if (edge)
          this.report(
            'error',
            'rows.management_loop',
            edge.row,
            `Management loop: ${names.join(' → ')} → ${names[0]}.`,
            {
              column: 'manageridnumber',
              hint: 'Someone in the chain must report outside it; Totara skips these job assignments.',
            },
          );
      }
    }
  }

  #finishHierarchy(): void {
    const complete = this.#own.sourceAllRecords;
    for (const [id, { parent, row }] of this.#parents) {
      if (this.#ids.has(parent)) continue;
      this.report(
        complete ? 'error' : 'warning',
        'ref.unknown_parent',
        row,
        complete
          ? `Parent "${parent}" of "${id}" is not in the file, which holds all records.`
          : `Parent "${parent}" of "${id}" is not in the file; it must already exist on the site.`,
        { column: 'parentidnumber', value: parent },
      );
    }
    const edges = new Map<string, string>();
    for (const [id, { parent }] of this.#parents) edges.set(id, parent);
    for (const cycle of findCycles(edges)) {
      for (const id of cycle)
        this.report(
          'error',
          'rows.parent_cycle',
          this.#parents.get(id)?.row ?? 0,
          `Parents form a cycle: ${cycle.join(' → ')} → ${cycle[0]}.`,
          {
            column: 'parentidnumber',
            value: this.#parents.get(id)?.parent,
          },
        );
    }
  }
}
