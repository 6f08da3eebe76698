import { assertKnownOptions } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import type { MbzLimits } from './archive/limits.js';
import { openArchive } from './archive/open.js';
import type { ArchiveReader, BackupFormat, BackupSource } from './archive/types.js';
import { type BackupFacts, collectBackup } from './backup/collect.js';
import { type FilesSummary, summariseFiles } from './backup/files-xml.js';
import { compareIndex, type IndexCheck } from './backup/index-check.js';
import type {
  ActivityInfo,
  EnrolmentMethod,
  GradeTally,
  GroupsSummary,
  QuestionsSummary,
  SectionInfo,
} from './backup/inventory.js';
import type { BackupManifest, BackupType } from './backup/manifest.js';

/** Options of {@link inspectBackup} and the other whole-backup operations. */
export interface InspectOptions {
  /** Also read sections, groups, roles, grades, questions, enrolments and blocks (a little slower). */
  inventory?: boolean | undefined;
  limits?: MbzLimits | undefined;
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/** Users of the backup. */
export interface UsersSummary {
  count: number;
  /** True when the backup was made with the anonymise setting. */
  anonymised: boolean;
}

/** The inventory read from the XML files beyond the manifest. */
export interface BackupInventory {
  sections: SectionInfo[];
  /** Activities by module name (from the manifest). */
  activitiesByModule: Record<string, number>;
  /**
   * Every activity of the manifest, in its order, with the visibility its module.xml records (absent when the
   * backup lacks that module.xml; `mts mbz verify` reports it).
   */
  activities: ActivityInfo[];
  /** Activities hidden from students (`visible` = 0). */
  hiddenActivities: number;
  /** `qbank` activities: the shared question banks of Moodle 5.0+. */
  qbankActivities: number;
  groups: GroupsSummary | null;
  /** Role shortnames defined in `roles.xml`. */
  roles: string[] | null;
  grades: GradeTally;
  questions: QuestionsSummary | null;
  enrolmentMethods: EnrolmentMethod[] | null;
  /** Blocks by block name. */
  blocks: Record<string, number>;
}

/** What is in a backup: the answer of `mts mbz inspect`. */
export interface BackupSummary {
  format: BackupFormat;
  type: BackupType;
  moodleRelease: string;
  moodleVersion: string;
  backupRelease: string;
  backupDate: Date;
  original: { wwwroot: string; courseId: string; fullname: string; shortname: string };
  /** Root-level settings by name. */
  settings: Record<string, string | null>;
  sections: { id: string; title: string }[];
  activities: { moduleId: string; modulename: string; title: string; sectionId: string }[];
  files: FilesSummary;
  /** Null when the backup carries no user data. */
  users: UsersSummary | null;
  /** Moodle's `.ARCHIVE_INDEX` compared with the entries actually found (null when absent, as in zips). */
  archiveIndex: IndexCheck | null;
  /** Entries in the archive. */
  entryCount: number;
  /** The full manifest. */
  manifest: BackupManifest;
  /** Present when `inventory: true` was asked. */
  inventory?: BackupInventory | undefined;
}

/**
 * Tells what a backup holds without unpacking it: one streaming pass for tar.gz, a few reads through the central
 * directory for zip.
 *
 * @example
 * ```ts
 * import { inspectBackup } from 'moodle-totara-sdk/mbz';
 * const summary = await inspectBackup('backup.mbz');
 * console.log(summary.moodleRelease, summary.activities.length, summary.users?.count ?? 'no user data');
 * ```
 */
export async function inspectBackup(
  source: BackupSource,
  options: InspectOptions = {},
): Promise<BackupSummary> {
  assertKnownOptions('inspectBackup', options, ['inventory', 'limits', 'onProgress', 'signal']);
  const reader = await openArchive(source, { limits: options.limits });
  try {
    return await inspectArchive(reader, options);
  } finally {
    await reader.close();
  }
}

/** {@link inspectBackup} on an archive already open. */
export async function inspectArchive(
  reader: ArchiveReader,
  options: InspectOptions = {},
): Promise<BackupSummary> {
  const facts = await collectBackup(
    reader,
    { inventory: options.inventory === true, fileRecords: false },
    { onProgress: options.onProgress, signal: options.signal },
  );
  return summarise(reader.format, facts, options.inventory === true);
}

/** Builds the summary from what one pass collected. */
export function summarise(format: BackupFormat, facts: BackupFacts, withInventory: boolean): BackupSummary {
  const manifest = facts.manifest;
  const hasUserData = manifest.rootSettings.users === '1';
  const summary: BackupSummary = {
    format,
    type: manifest.type,
    moodleRelease: manifest.moodleRelease,
    moodleVersion: manifest.moodleVersion,
    backupRelease: manifest.backupRelease,
    backupDate: manifest.backupDate,
    original: {
      wwwroot: manifest.original.wwwroot,
      courseId: manifest.original.courseId,
      fullname: manifest.original.fullname,
      shortname: manifest.original.shortname,
    },
    settings: { ...manifest.rootSettings },
    sections: manifest.contents.sections.map((s) => ({ id: s.sectionId, title: s.title })),
    activities: manifest.contents.activities.map((a) => ({
      moduleId: a.moduleId,
      modulename: a.modulename,
      title: a.title,
      sectionId: a.sectionId,
    })),
    files: facts.filesSummary ?? summariseFiles([]),
    users:
      hasUserData && facts.users !== null
        ? { count: facts.users.length, anonymised: manifest.rootSettings.anonymize === '1' }
        : null,
    archiveIndex: facts.archiveIndex ? compareIndex(facts.archiveIndex, facts.entries) : null,
    entryCount: facts.entries.length,
    manifest,
  };
  if (withInventory) {
    const byModule: Record<string, number> = {};
    for (const activity of manifest.contents.activities) {
      byModule[activity.modulename] = (byModule[activity.modulename] ?? 0) + 1;
    }
    const modules = new Map(facts.modules.map((m) => [m.moduleId, m]));
    const activities = manifest.contents.activities.flatMap((a) => modules.get(a.moduleId) ?? []);
    summary.inventory = {
      sections: facts.sections,
      activitiesByModule: byModule,
      activities,
      hiddenActivities: activities.filter((a) => !a.visible).length,
      qbankActivities: byModule.qbank ?? 0,
      groups: facts.groups,
      roles: facts.roles,
      grades: facts.grades,
      questions: facts.questions,
      enrolmentMethods: facts.enrolments,
      blocks: facts.blocks,
    };
  }
  return summary;
}
