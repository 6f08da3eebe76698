/** Checks across rows and files: duplicates, references, management loops, parent cycles. */
import { ELEMENTS, type ElementName } from '../columns/elements.js';
import type { HrImportSettings } from '../settings.js';
import { findCycles } from './graph.js';
import type { Reporter } from './header.js';

/** idnumbers known from other files of the same import (e.g. user.csv for job assignment references). */
export type KnownIds = Partial<Record<ElementName, ReadonlySet<string>>>;

/** A reference from a job assignment row to another record. */
export interface Reference {
  row: number;
  column: string;
  value: string;
}

/** Namespaces of the keys checked for duplicates. */
export const KIND = { idnumber: 1, username: 2, email: 3, job: 4, userjob: 5 } as const;

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

/** Reports a repeated key: `firstRow` when known (disk duplicates), `value` when known (memory duplicates). */
export function reportDuplicate(
  report: Reporter,
  kind: number,
  row: number,
  value: string | undefined,
  firstRow: number | undefined,
): void {
  const what = DUPLICATES[kind] as (typeof DUPLICATES)[number];
  const shown = value === undefined ? '' : ` "${value}"`;
  const where = firstRow === undefined ? 'also appears on an earlier row' : `repeats row ${firstRow}`;
  report('error', what.code, row, `${what.label}${shown} ${where}; ${what.consequence}`, {
    column: what.column,
    value,
  });
}

/**
 * Job assignment checks over all rows: references to users, organisations and positions absent from the other
 * files of the import, and management loops.
 */
export function checkJobLinks(
  report: Reporter,
  settings: HrImportSettings,
  known: KnownIds,
  references: readonly Reference[],
  managerEdges: ReadonlyMap<string, { to: string; row: number }>,
): void {
  const users = known.user;
  const completeUsers = settings.elements.user.sourceAllRecords;
  const targets: Record<string, ElementName> = {
    useridnumber: 'user',
    manageridnumber: 'user',
    appraiseridnumber: 'user',
    tempmanageridnumber: 'user',
    orgidnumber: 'org',
    posidnumber: 'pos',
  };
  for (const ref of references) {
    const target = targets[ref.column] as ElementName;
    const ids = target === 'user' ? users : known[target];
    if (!ids || ids.has(ref.value)) continue;
    const complete = settings.elements[target].sourceAllRecords || (target === 'user' && completeUsers);
    report(
      complete ? 'error' : 'warning',
      target === 'user' ? 'ref.unknown_user' : `ref.unknown_${target}`,
      ref.row,
      `${ref.column} "${ref.value}" is not in ${ELEMENTS[target].file}${complete ? ', which holds all records' : '; it must already exist on the site'}.`,
      { column: ref.column, value: ref.value },
    );
  }
  const edges = new Map<string, string>();
  for (const [from, edge] of managerEdges) edges.set(from, edge.to);
  for (const cycle of findCycles(edges)) {
    const names = cycle.map((key) => key.replace('\u0000', '/'));
    for (const key of cycle) {
      const edge = managerEdges.get(key);
      if (edge)
        report(
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

/** Hierarchy checks over all rows: parents missing from the file, and parents that form a cycle. */
export function checkHierarchyLinks(
  report: Reporter,
  complete: boolean,
  parents: ReadonlyMap<string, { parent: string; row: number }>,
  ids: ReadonlySet<string>,
): void {
  for (const [id, { parent, row }] of parents) {
    if (ids.has(parent)) continue;
    report(
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
  for (const [id, { parent }] of parents) edges.set(id, parent);
  for (const cycle of findCycles(edges)) {
    for (const id of cycle)
      report(
        'error',
        'rows.parent_cycle',
        parents.get(id)?.row ?? 0,
        `Parents form a cycle: ${cycle.join(' → ')} → ${cycle[0]}.`,
        {
          column: 'parentidnumber',
          value: parents.get(id)?.parent,
        },
      );
  }
}
