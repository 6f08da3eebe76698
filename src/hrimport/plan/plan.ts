import { assertKnownOptions } from '../../core/errors.js';
import type { ProgressListener } from '../../core/progress.js';
import { parseHrImportDate } from '../columns/dates.js';
import { ELEMENT_NAMES, ELEMENTS, type ElementName } from '../columns/elements.js';
import { findElementFiles, readElementFile } from '../csv/element-file.js';
import type { MassRemovalCounts } from '../errors.js';
import { fileFormat, type HrImportSettings, type HrImportSettingsInput, settingsFrom } from '../settings.js';
import { displayKey, recordKey, type SiteRecord, type SiteState } from '../site/state.js';
import { validateFiles } from '../validate/files.js';
import type { ValidationReport } from '../validate/issues.js';
import { hasTag, phpEmpty, phpTrim, stripsTags, stripTags } from '../validate/stored.js';
import { diffRecord, type FieldChange } from './diff.js';
import { DEFAULT_REMOVAL_THRESHOLD } from './removal-guard.js';

/** Options of {@link planImport}. */
export interface PlanOptions {
  /** The current state of the site. */
  site: SiteState;
  settings?: HrImportSettings | HrImportSettingsInput | undefined;
  /** Largest share of existing records a complete-source import may remove. Default 0.1. */
  threshold?: number | undefined;
  /** Do not mark large removals as refused. Default false. */
  allowMassRemoval?: boolean | undefined;
  /** List at most this many keys per outcome (counts are always complete). Default 1000. */
  maxListed?: number | undefined;
  /** "Now" in Unix seconds, for validation of expiry dates. */
  now?: number | undefined;
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/** An update: the record's key and what changes. */
export interface PlannedUpdate {
  key: string;
  changes: FieldChange[];
}

/** What an import would do to one element. */
export interface ElementPlan {
  element: ElementName;
  file: string;
  counts: {
    /** Data rows in the file. */
    rows: number;
    created: number;
    /** Records whose compared fields change. */
    updated: number;
    /** Records Totara logs "updated user" for: every matched row it applies, changed or not (timemodified 0...). */
    logged: number;
    unchanged: number;
    suspended: number;
    deleted: number;
    /** Rows Totara would skip (action not allowed, HR Import disabled on the record, deleted without create...). */
    skipped: number;
  };
  created: string[];
  updated: PlannedUpdate[];
  /** Keys of the records Totara will log as updated (see `counts.logged`), whether or not anything changes. */
  logged: string[];
  /** Rows Totara skips silently because their timemodified equals the stored one, although their data differs. */
  ignored: PlannedUpdate[];
  suspended: string[];
  deleted: string[];
  skipped: Array<{ key: string; reason: string }>;
  /** Columns of the file the site source could not compare (their changes are not shown). */
  notCompared: string[];
  /** The complete-source removal check. */
  removal: MassRemovalCounts;
  /** True when the removal exceeds the threshold and was not allowed. */
  refused: boolean;
  /** Why Totara refuses the whole file (a missing column, a bad header, a bad timemodified...), when it does. */
  rejected?: { code: string; message: string } | undefined;
  /** False when the site source cannot describe this element (no outcome is planned for it). */
  compared: boolean;
}

/** The dry run of an import. */
export interface HrImportPlan {
  /** Where the site state came from. */
  site: string;
  elements: ElementPlan[];
  /** Validation of the files (a plan of invalid files is still made, from the rows Totara would read). */
  validation: ValidationReport;
  /** True when any element's removal was refused. */
  refused: boolean;
}

function limitPush<T>(list: T[], item: T, max: number): void {
  if (list.length < max) list.push(item);
}

/**
 * Dry run: what importing the files in `dir` would create, update, leave unchanged, suspend or delete on the site,
 * element by element, following the settings (complete source or delete flags, allowed actions, delete mode, empty
 * fields). A complete-source import that would remove more than `threshold` of the records HR Import manages is
 * marked `refused` unless `allowMassRemoval` is set.
 *
 * @example
 * ```ts
 * const plan = await planImport('/var/hrimport', { site: await csvSiteState('users-export.csv'), settings });
 * for (const e of plan.elements) console.log(e.element, e.counts);
 * if (plan.refused) throw new Error('the file looks incomplete');
 * ```
 */
export async function planImport(dir: string, options: PlanOptions): Promise<HrImportPlan> {
  assertKnownOptions('planImport', options, [
    'site',
    'settings',
    'threshold',
    'allowMassRemoval',
    'maxListed',
    'now',
    'onProgress',
    'signal',
  ]);
  const settings = settingsFrom(options.settings);
  const validation = await validateFiles(dir, {
    settings,
    maxIssues: 1_000_000,
    now: options.now,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const files = (await findElementFiles(dir)).sort(
    (a, b) => ELEMENT_NAMES.indexOf(a.element) - ELEMENT_NAMES.indexOf(b.element),
  );
  const elements: ElementPlan[] = [];
  for (const { element, path } of files) {
    // Rows Totara would skip (and protect from removal), and errors that make it refuse the whole file.
    const invalid = new Map<number, string[]>();
    let refusedBy: { code: string; message: string } | undefined;
    for (const issue of validation.issues) {
      if (issue.file !== path || issue.severity !== 'error') continue;
      if (issue.row <= 1 || WHOLE_FILE.has(issue.code))
        refusedBy ??= { code: issue.code, message: issue.message };
      // Our notes on the reading (csv.*) and repeats (rows.duplicate_*, which the plan finds in every copy) are
      // not reasons Totara gives for skipping a row.
      else if (!issue.code.startsWith('csv.') && !issue.code.startsWith('rows.duplicate_'))
        invalid.set(issue.row, [...(invalid.get(issue.row) ?? []), issue.code]);
    }
    elements.push(await planElement(element, path, settings, options, invalid, refusedBy));
  }
  return { site: options.site.description, elements, validation, refused: elements.some((e) => e.refused) };
}

/** Row errors that make Totara abort the whole file, not only skip the row. */
const WHOLE_FILE = new Set(['value.invalid_timemodified']);

/** Totara's timemodified for a row: empty or 0 is 0, a date in the site format, or the whole number itself. */
function stampOf(value: string | undefined, dateFormat: string): number {
  const parsed = parseHrImportDate(value ?? '', dateFormat);
  return typeof parsed === 'number' ? parsed : 0;
}

async function planElement(
  element: ElementName,
  path: string,
  settings: HrImportSettings,
  options: PlanOptions,
  invalid: ReadonlyMap<number, string[]>,
  refusedBy: { code: string; message: string } | undefined,
): Promise<ElementPlan> {
  const own = settings.elements[element];
  const max = options.maxListed ?? 1000;
  const file = await readElementFile(path, {
    element,
    ...fileFormat(settings, element),
    signal: options.signal,
  });
  const rows = new Map<string, Record<string, string>>();
  const duplicated = new Set<string>();
  const invalidKeys = new Map<string, string>();
  /** 17+: rows refused only for an overlong value, which Totara still creates when the record is new. */
  const truncated = new Set<string>();
  let rowCount = 0;
  for await (const { row, values: raw } of file.records()) {
    rowCount++;
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw))
      values[name] = stripsTags(element, name) && hasTag(value) ? phpTrim(stripTags(value)) : phpTrim(value);
    const key = recordKey(element, values);
    const problems = invalid.get(row);
    if (problems) {
      if (!invalidKeys.has(key)) invalidKeys.set(key, problems[0] as string);
      if (
        settings.totaraVersion >= 17 &&
        problems.every((code) => code === 'value.too_long' || code.startsWith('csv.'))
      ) {
        truncated.add(key);
        rows.set(key, values);
      }
      continue;
    }
    if (!values.idnumber) continue;
    if (rows.has(key)) duplicated.add(key);
    else rows.set(key, values);
  }
  // Users sharing a username or (unless allowed) an email within the file: Totara skips every one of them.
  if (element === 'user') {
    const count = new Map<string, number>();
    const keysOf = (row: Record<string, string>) => [
      row.username ? `u:${row.username.toLowerCase()}` : '',
      row.email && !own.allowDuplicateEmails ? `e:${row.email.toLowerCase()}` : '',
    ];
    for (const row of rows.values())
      for (const k of keysOf(row)) if (k) count.set(k, (count.get(k) ?? 0) + 1);
    for (const [key, row] of rows)
      if (keysOf(row).some((k) => k && (count.get(k) ?? 0) > 1)) duplicated.add(key);
  }
  const plan: ElementPlan = {
    element,
    file: path,
    counts: {
      rows: rowCount,
      created: 0,
      updated: 0,
      logged: 0,
      unchanged: 0,
      suspended: 0,
      deleted: 0,
      skipped: 0,
    },
    created: [],
    updated: [],
    logged: [],
    ignored: [],
    suspended: [],
    deleted: [],
    skipped: [],
    notCompared: [],
    removal: {
      element,
      existing: 0,
      removing: 0,
      ratio: 0,
      threshold: options.threshold ?? DEFAULT_REMOVAL_THRESHOLD,
    },
    refused: false,
    compared: options.site.elements.includes(element),
  };
  const notCompared = new Set<string>();
  const skip = (key: string, reason: string) => {
    plan.counts.skipped++;
    limitPush(plan.skipped, { key: displayKey(key), reason }, max);
  };
  /** Counts the removal the delete mode makes of `key`; false when it makes none. */
  const remove = (key: string, site: SiteRecord): boolean => {
    if (own.deleteMode === 'keep') return false;
    if (own.deleteMode === 'suspend') {
      if (site.suspended) return false;
      plan.counts.suspended++;
      limitPush(plan.suspended, displayKey(key), max);
    } else {
      plan.counts.deleted++;
      limitPush(plan.deleted, displayKey(key), max);
    }
    return true;
  };
  if (!plan.compared) return plan;
  if (refusedBy) {
    plan.rejected = refusedBy;
    skip('(whole file)', `Totara refuses the file: ${refusedBy.code}`);
    plan.counts.skipped = rowCount;
    return plan;
  }
  if (rowCount === 0 && own.sourceAllRecords) {
    plan.rejected = {
      code: 'file.no_rows',
      message:
        'The file has a header and no rows: with "source contains all records", Totara 17 stops with an error and changes nothing.',
    };
    skip(
      '(whole file)',
      'a header-only file with "source contains all records": Totara stops and changes nothing',
    );
    return plan;
  }
  for (const [key, code] of invalidKeys)
    if (!truncated.has(key)) skip(key, `invalid row (${code}); Totara skips it and does not remove it`);
  for (const key of duplicated) {
    rows.delete(key);
    skip(key, 'its idnumber, username or email appears more than once in the file; Totara skips every copy');
  }
  // Usernames and emails of other site users: a row that would take one is skipped.
  const siteRecords: SiteRecord[] = [];
  for await (const site of options.site.records(element, { signal: options.signal })) siteRecords.push(site);
  const owners = new Map<string, string>();
  if (element === 'user')
    for (const site of siteRecords) {
      if (site.deleted) continue;
      const id = site.values.idnumber ?? '';
      if (site.values.username) owners.set(`u:${site.values.username.toLowerCase()}`, id);
      if (site.values.email && !own.allowDuplicateEmails)
        owners.set(`e:${site.values.email.toLowerCase()}`, id);
    }
  const takenBy = (row: Record<string, string>, key: string): string | undefined => {
    for (const [prefix, column] of [
      ['u', 'username'],
      ['e', 'email'],
    ] as const) {
      const value = row[column];
      if (!value) continue;
      const owner = owners.get(`${prefix}:${value.toLowerCase()}`);
      if (owner !== undefined && owner !== key)
        return `${column} ${value} is already registered to another user`;
    }
    return undefined;
  };
  const flagged = (row: Record<string, string>) => row.deleted !== undefined && !phpEmpty(row.deleted);
  const seen = new Set<string>();
  for (const site of siteRecords) {
    const key = recordKey(element, site.values);
    if (!site.values.idnumber || site.deleted) continue;
    seen.add(key);
    const managed = site.syncEnabled !== false;
    if (managed && !(own.deleteMode === 'suspend' && site.suspended)) plan.removal.existing++;
    if (invalidKeys.has(key) || duplicated.has(key)) continue;
    const row = rows.get(key);
    if (!row || flagged(row)) {
      // Missing from a complete source, or flagged deleted: removed per the Delete setting (Keep: nothing, and a
      // flagged row is dropped whole, its other changes too).
      if ((own.sourceAllRecords || (row && flagged(row))) && managed) {
        const removed = remove(key, site);
        if (removed && own.sourceAllRecords) plan.removal.removing++;
      }
      continue;
    }
    if (!managed) {
      skip(key, 'HR Import is disabled for this record on the site');
      continue;
    }
    if (truncated.has(key)) {
      skip(key, 'a value is too long; Totara skips an existing record with one');
      continue;
    }
    if (!own.allowUpdate) {
      skip(key, 'update is not allowed');
      continue;
    }
    const taken = takenBy(row, row.idnumber ?? '');
    if (taken) {
      skip(key, taken);
      continue;
    }
    const { changes, unknown } = diffRecord(element, row, site.values, own, settings.dateFormat);
    for (const column of unknown) notCompared.add(column);
    if (element === 'user' && own.deleteMode === 'suspend' && site.suspended)
      changes.push({ column: 'suspended', from: '1', to: '0' });
    const stamp = stampOf(row.timemodified, settings.dateFormat);
    if (stamp !== 0 && site.timemodified !== undefined && site.timemodified === stamp) {
      // Same timemodified as stored: skipped silently, even when the data changed.
      plan.counts.unchanged++;
      if (changes.length > 0) limitPush(plan.ignored, { key: displayKey(key), changes }, max);
      continue;
    }
    plan.counts.logged++;
    limitPush(plan.logged, displayKey(key), max);
    if (changes.length === 0) plan.counts.unchanged++;
    else {
      plan.counts.updated++;
      limitPush(plan.updated, { key: displayKey(key), changes }, max);
    }
  }
  for (const [key, row] of rows) {
    if (seen.has(key) || flagged(row)) continue;
    const taken = takenBy(row, row.idnumber ?? '');
    if (!own.allowCreate) skip(key, 'new record and create is not allowed');
    else if (taken) skip(key, taken);
    else if (element === 'user' && !row.email && !own.allowDuplicateEmails)
      skip(key, 'a new user needs an email');
    else {
      plan.counts.created++;
      limitPush(plan.created, displayKey(key), max);
    }
  }
  const { existing, removing } = plan.removal;
  plan.removal.ratio = existing === 0 ? 0 : removing / existing;
  plan.refused =
    own.sourceAllRecords && !options.allowMassRemoval && plan.removal.ratio > plan.removal.threshold;
  plan.notCompared = [...notCompared];
  options.onProgress?.({
    phase: `planned ${ELEMENTS[element].file}`,
    done: rowCount,
    total: rowCount,
    unit: 'rows',
  });
  return plan;
}
