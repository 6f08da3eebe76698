import { assertKnownOptions } from '../core/errors.js';
import { openArchive } from './archive/open.js';
import type { BackupSource } from './archive/types.js';
import { type BackupFacts, collectBackup } from './backup/collect.js';
import { type BackupFileRecord, isDirectoryRecord, originalName } from './backup/files-xml.js';
import type { BackupManifest } from './backup/manifest.js';
import type { InspectOptions } from './inspect.js';

/** What differs for one kind of item between backup A and backup B. */
export interface DiffSet<T> {
  /** In A, not in B: what restoring A would bring back. */
  onlyInA: T[];
  /** In B, not in A: what B added. */
  onlyInB: T[];
  /** In both, with a different value. */
  changed: { key: string; a: T; b: T; fields: string[] }[];
}

/** An activity as compared by {@link diffBackups}. */
export interface DiffActivity {
  moduleId: string;
  modulename: string;
  title: string;
  sectionId: string;
}

/** A file as compared by {@link diffBackups}. */
export interface DiffFile {
  name: string;
  contextid: string;
  contenthash: string;
  filesize: number;
}

/** The answer of {@link diffBackups}. */
export interface BackupDiff {
  a: { backupDate: Date; moodleRelease: string; courseId: string; wwwroot: string };
  b: { backupDate: Date; moodleRelease: string; courseId: string; wwwroot: string };
  /** True when both come from the same site and course, so ids are compared; else names are. */
  sameCourse: boolean;
  sections: DiffSet<{ id: string; title: string }>;
  activities: DiffSet<DiffActivity>;
  files: DiffSet<DiffFile>;
  users: DiffSet<{ id: string; username: string }> & { countA: number | null; countB: number | null };
  settings: DiffSet<{ name: string; level: string; value: string | null }>;
  /** True when nothing above differs. */
  identical: boolean;
}

/**
 * Compares two backups (say last week's and today's): sections, activities, files, users and settings. `onlyInA`
 * is what a restore of A would bring back that B lost.
 *
 * @example
 * ```ts
 * const diff = await diffBackups('monday.mbz', 'friday.mbz');
 * for (const lost of diff.activities.onlyInA) console.log('lost since Monday:', lost.title);
 * ```
 */
export async function diffBackups(
  a: BackupSource,
  b: BackupSource,
  options: InspectOptions = {},
): Promise<BackupDiff> {
  assertKnownOptions('diffBackups', options, ['inventory', 'limits', 'onProgress', 'signal']);
  const [factsA, factsB] = [await collectSource(a, options), await collectSource(b, options)];
  const ma = factsA.manifest;
  const mb = factsB.manifest;
  const sameCourse =
    ma.original.siteIdentifierHash === mb.original.siteIdentifierHash &&
    ma.original.courseId === mb.original.courseId;
  // Ids only mean something within one site and course; across them, items are matched by name and ids ignored.
  const idsIfForeign = sameCourse ? [] : ['id', 'moduleId', 'sectionId', 'contextid'];
  const activityKey = (x: DiffActivity) => (sameCourse ? x.moduleId : `${x.modulename}:${x.title}`);
  const activities = (m: BackupManifest) =>
    m.contents.activities.map(({ moduleId, modulename, title, sectionId }) => ({
      moduleId,
      modulename,
      title,
      sectionId,
    }));
  const files = (s: BackupFacts) =>
    (s.files ?? [])
      .filter((r) => !isDirectoryRecord(r))
      .map((r: BackupFileRecord) => ({
        name: originalName(r),
        contextid: r.contextid,
        contenthash: r.contenthash,
        filesize: r.filesize,
      }));
  // The backup's own file name always differs and says nothing about the course.
  const settings = (m: BackupManifest) =>
    m.settings.filter((s) => s.name !== 'filename').map(({ name, level, value }) => ({ name, level, value }));
  const diff: BackupDiff = {
    a: describe(ma),
    b: describe(mb),
    sameCourse,
    sections: compare(
      ma.contents.sections.map((s) => ({ id: s.sectionId, title: s.title })),
      mb.contents.sections.map((s) => ({ id: s.sectionId, title: s.title })),
      (s) => (sameCourse ? s.id : s.title),
      idsIfForeign,
    ),
    activities: compare(activities(ma), activities(mb), activityKey, idsIfForeign),
    files: compare(
      files(factsA),
      files(factsB),
      (f) => (sameCourse ? `${f.contextid}:${f.name}` : f.name),
      idsIfForeign,
    ),
    users: {
      ...compare(
        factsA.users ?? [],
        factsB.users ?? [],
        (u) => (sameCourse ? u.id : u.username),
        idsIfForeign,
      ),
      countA: factsA.users?.length ?? null,
      countB: factsB.users?.length ?? null,
    },
    settings: compare(settings(ma), settings(mb), (s) => s.name),
    identical: false,
  };
  diff.identical = [diff.sections, diff.activities, diff.files, diff.users, diff.settings].every(
    (set) => set.onlyInA.length === 0 && set.onlyInB.length === 0 && set.changed.length === 0,
  );
  return diff;
}

async function collectSource(source: BackupSource, options: InspectOptions): Promise<BackupFacts> {
  const reader = await openArchive(source, { limits: options.limits });
  try {
    return await collectBackup(reader, {}, { onProgress: options.onProgress, signal: options.signal });
  } finally {
    await reader.close();
  }
}

function describe(m: BackupManifest): BackupDiff['a'] {
  return {
    backupDate: m.backupDate,
    moodleRelease: m.moodleRelease,
    courseId: m.original.courseId,
    wwwroot: m.original.wwwroot,
  };
}

/** Compares two lists of flat records by key; `changed` names the fields that differ. */
export function compare<T extends object>(
  a: readonly T[],
  b: readonly T[],
  key: (item: T) => string,
  ignore: readonly string[] = [],
): DiffSet<T> {
  const inB = new Map(b.map((item) => [key(item), item]));
  const inA = new Map(a.map((item) => [key(item), item]));
  const out: DiffSet<T> = { onlyInA: [], onlyInB: [], changed: [] };
  for (const [k, itemA] of inA) {
    const itemB = inB.get(k);
    if (itemB === undefined) {
      out.onlyInA.push(itemA);
      continue;
    }
    const fields = Object.keys(itemA).filter(
      (field) =>
        !ignore.includes(field) &&
        (itemA as Record<string, unknown>)[field] !== (itemB as Record<string, unknown>)[field],
    );
    if (fields.length > 0) out.changed.push({ key: k, a: itemA, b: itemB, fields });
  }
  for (const [k, itemB] of inB) if (!inA.has(k)) out.onlyInB.push(itemB);
  return out;
}
