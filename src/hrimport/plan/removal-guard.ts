import type { ElementName } from '../columns/elements.js';
import { HrImportMassRemovalError, type MassRemovalCounts } from '../errors.js';
import type { ElementSettings } from '../settings.js';
import { recordKey, type SiteState } from '../site/state.js';

/** Options of the mass-removal guard. */
export interface RemovalGuardOptions {
  /** The site to compare with. */
  site: SiteState;
  /** Largest share of existing records a complete-source import may remove. Default 0.1 (10%). */
  threshold?: number | undefined;
  /** Allow any removal: the caller has checked. Default false. */
  allowMassRemoval?: boolean | undefined;
  /** Aborts reading the site. */
  signal?: AbortSignal | undefined;
}

/** The default removal threshold: 10% of existing records. */
export const DEFAULT_REMOVAL_THRESHOLD = 0.1;

/**
 * Counts what a complete-source import would remove: records HR Import manages on the site (enabled, not deleted,
 * and for suspend mode not already suspended) that `keeps` says are not in the file. With the delete action
 * "keep", nothing is removed.
 */
export async function countRemovals(
  element: ElementName,
  settings: ElementSettings,
  keeps: (key: string) => boolean,
  guard: RemovalGuardOptions,
): Promise<MassRemovalCounts> {
  const threshold = guard.threshold ?? DEFAULT_REMOVAL_THRESHOLD;
  let existing = 0;
  let removing = 0;
  if (settings.sourceAllRecords && settings.deleteMode !== 'keep' && guard.site.elements.includes(element)) {
    for await (const record of guard.site.records(element, { signal: guard.signal })) {
      if (record.deleted || record.syncEnabled === false) continue;
      if (settings.deleteMode === 'suspend' && record.suspended) continue;
      existing++;
      if (!keeps(recordKey(element, record.values))) removing++;
    }
  }
  return { element, existing, removing, ratio: existing === 0 ? 0 : removing / existing, threshold };
}

/** Throws {@link HrImportMassRemovalError} when the counts exceed the threshold and removal was not allowed. */
export function assertRemovalAllowed(counts: MassRemovalCounts, allowMassRemoval: boolean | undefined): void {
  if (!allowMassRemoval && counts.ratio > counts.threshold) throw new HrImportMassRemovalError(counts);
}
