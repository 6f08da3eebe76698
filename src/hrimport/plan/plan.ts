import { assertKnownOptions } from '../../core/errors.js';
import type { ProgressListener } from '../../core/progress.js';
import { ELEMENT_NAMES, ELEMENTS, type ElementName } from '../columns/elements.js';
import { findElementFiles, readElementFile } from '../csv/element-file.js';
import type { MassRemovalCounts } from '../errors.js';
import { fileFormat, type HrImportSettings, type HrImportSettingsInput, settingsFrom } from '../settings.js';
import { displayKey, recordKey, type SiteRecord, type SiteState } from '../site/state.js';
import { validateFiles } from '../validate/files.js';
import type { ValidationReport } from '../validate/issues.js';
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
    updated: number;
    unchanged: number;
    suspended: number;
    deleted: number;
    /** Rows Totara would skip (action not allowed, HR Import disabled on the record, deleted without create...). */
    skipped: number;
  };
  created: string[];
  updated: PlannedUpdate[];
  suspended: string[];
  deleted: string[];
  skipped: Array<{ key: string; reason: string }>;
  /** Columns of the file the site source could not compare (their changes are not shown). */
  notCompared: string[];
  /** The complete-source removal check. */
  removal: MassRemovalCounts;
  /** True when the removal exceeds the threshold and was not allowed. */
  refused: boolean;
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
    // Rows Totara would skip (and protect from removal), and header errors that make it refuse the whole file.
    const invalid = new Map<number, string>();
    let refusedBy: string | undefined;
    for (const issue of validation.issues) {
      if (issue.file !== path || issue.severity !== 'error') continue;
      if (issue.row <= 1) refusedBy ??= issue.code;
      else if (!invalid.has(issue.row)) invalid.set(issue.row, issue.code);
    }
    elements.push(await planElement(element, path, settings, options, invalid, refusedBy));
  }
  return { site: options.site.description, elements, validation, refused: elements.some((e) => e.refused) };
}

async function planElement(
  element: ElementName,
  path: string,
  settings: HrImportSettings,
  options: PlanOptions,
  invalid: ReadonlyMap<number, string>,
  refusedBy: string | undefined,
): Promise<ElementPlan> {
  const own = settings.elements[element];
  const max = options.maxListed ?? 1000;
  const file = await readElementFile(path, {
    element,
    ...fileFormat(settings, element),
    signal: options.signal,
  });
  const rows = new Map<string, Record<string, string>>();
  const invalidKeys = new Map<string, string>();
  let rowCount = 0;
  for await (const { row, values } of file.records()) {
    rowCount++;
    const key = recordKey(element, values);
    const problem = invalid.get(row);
    if (problem) invalidKeys.set(key, problem);
    else if (values.idnumber) rows.set(key, values);
  }
  const plan: ElementPlan = {
    element,
    file: path,
    counts: { rows: rowCount, created: 0, updated: 0, unchanged: 0, suspended: 0, deleted: 0, skipped: 0 },
    created: [],
    updated: [],
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
    skip('(whole file)', `Totara refuses the file: ${refusedBy}`);
    plan.counts.skipped = rowCount;
    return plan;
  }
  for (const [key, code] of invalidKeys)
    skip(key, `invalid row (${code}); Totara skips it and does not remove it`);
  const seen = new Set<string>();
  for await (const site of options.site.records(element, { signal: options.signal })) {
    const key = recordKey(element, site.values);
    if (!site.values.idnumber) continue;
    seen.add(key);
    const managed = site.syncEnabled !== false && !site.deleted;
    if (managed && !(own.deleteMode === 'suspend' && site.suspended)) plan.removal.existing++;
    if (invalidKeys.has(key)) continue;
    const row = rows.get(key);
    const flaggedDeleted = !own.sourceAllRecords && row?.deleted === '1';
    if (!row || flaggedDeleted) {
      if ((own.sourceAllRecords || flaggedDeleted) && managed) {
        const removed = remove(key, site);
        if (removed && own.sourceAllRecords) plan.removal.removing++;
      }
      continue;
    }
    if (site.syncEnabled === false) {
      skip(key, 'HR Import is disabled for this record on the site');
      continue;
    }
    if (site.deleted) {
      if (own.allowCreate && own.allowUpdate) {
        plan.counts.created++;
        limitPush(plan.created, displayKey(key), max);
      } else skip(key, 'deleted on the site and create is not allowed');
      continue;
    }
    if (!own.allowUpdate) {
      skip(key, 'update is not allowed');
      continue;
    }
    const stamp = Number(row.timemodified || 0);
    if (stamp !== 0 && site.timemodified !== undefined && site.timemodified === stamp) {
      plan.counts.unchanged++;
      continue;
    }
    const { changes, unknown } = diffRecord(element, row, site.values, own, settings.dateFormat);
    for (const column of unknown) notCompared.add(column);
    if (element === 'user' && own.deleteMode === 'suspend' && site.suspended)
      changes.push({ column: 'suspended', from: '1', to: '0' });
    if (changes.length === 0) plan.counts.unchanged++;
    else {
      plan.counts.updated++;
      limitPush(plan.updated, { key: displayKey(key), changes }, max);
    }
  }
  for (const [key, row] of rows) {
    if (seen.has(key)) continue;
    if (!own.sourceAllRecords && row.deleted === '1') continue;
    if (!own.allowCreate) skip(key, 'new record and create is not allowed');
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
