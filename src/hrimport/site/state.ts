import type { ElementName } from '../columns/elements.js';

/** One record as it exists on the site, with values under HR Import column names. */
export interface SiteRecord {
  /** Values keyed by HR Import column (`idnumber`, `username`, `customfield_x`...). `idnumber` is required. */
  values: Record<string, string>;
  /** HR Import manages this record (Totara's per-record "HR Import" flag). Default true. */
  syncEnabled?: boolean | undefined;
  /** Users: suspended now. */
  suspended?: boolean | undefined;
  /** Deleted on the site (kept as a tombstone). */
  deleted?: boolean | undefined;
  /** The `timemodified` HR Import stored at the last import, when the source knows it. */
  timemodified?: number | undefined;
}

/**
 * Where the current state of a site comes from for a dry run: a CSV export, the Totara GraphQL API or Moodle web
 * services. `records()` streams one element's records; elements the source cannot describe are absent from
 * `elements`.
 *
 * @example
 * ```ts
 * const site: SiteState = csvSiteState('export/users.csv');
 * for await (const user of site.records('user')) console.log(user.values.idnumber);
 * ```
 */
export interface SiteState {
  /** Where the state comes from, for reports (`users.csv`, `https://lms.example/api`). */
  readonly description: string;
  /** The elements this source can describe. */
  readonly elements: readonly ElementName[];
  /** The element's records on the site. */
  records(element: ElementName, options?: { signal?: AbortSignal | undefined }): AsyncIterable<SiteRecord>;
}

/** The key HR Import matches records on: idnumber, or useridnumber + idnumber for job assignments. */
export function recordKey(
  element: ElementName,
  values: Readonly<Record<string, string | undefined>>,
): string {
  return element === 'jobassignment'
    ? `${values.useridnumber ?? ''}\u0000${values.idnumber ?? ''}`
    : (values.idnumber ?? '');
}

/** The key in human form (`E1/JA1` for job assignments). */
export function displayKey(key: string): string {
  return key.replace('\u0000', '/');
}
