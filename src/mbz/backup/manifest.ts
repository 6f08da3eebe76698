import { at, MbzXmlError } from '../errors.js';
import { detach, detachFields, recordHandler, text, tooManyRecords, type XmlFields } from '../xml/records.js';
import { scanXml, type XmlHandler } from '../xml/scan.js';

/** What a backup holds: a whole course, one section, or one activity. */
export type BackupType = 'course' | 'section' | 'activity';

/** An activity listed in `moodle_backup.xml` (ids stay strings, as Moodle wrote them). */
export interface ManifestActivity {
  moduleId: string;
  sectionId: string;
  modulename: string;
  title: string;
  /** Folder of the activity inside the archive, e.g. `activities/forum_5`. */
  directory: string;
  /** Section id of the subsection holding it (Moodle 4.5+), else null. */
  inSubsection: string | null;
}

/** A section listed in `moodle_backup.xml`. */
export interface ManifestSection {
  sectionId: string;
  /** The section's name, or its number when it has no name. */
  title: string;
  directory: string;
  /** Course module id of the activity this section is delegated to (Moodle 4.5+ subsections), else null. */
  parentCmId: string | null;
  /** Module name of that delegating activity (e.g. `subsection`), else null. */
  modname: string | null;
}

/** The course entry of `moodle_backup.xml` contents (course backups only). */
export interface ManifestCourse {
  courseId: string;
  title: string;
  directory: string;
}

/** One backup setting, at root, section or activity level. */
export interface BackupSetting {
  level: 'root' | 'section' | 'activity' | string;
  name: string;
  value: string | null;
  /** The section (`section_12`) a section-level setting belongs to. */
  section?: string | undefined;
  /** The activity (`forum_5`) an activity-level setting belongs to. */
  activity?: string | undefined;
}

/** The site and course the backup was made from. */
export interface OriginalSite {
  wwwroot: string;
  siteIdentifierHash: string;
  courseId: string;
  courseFormat: string;
  fullname: string;
  shortname: string;
  startDate: Date | null;
  endDate: Date | null;
  courseContextId: string;
  systemContextId: string;
}

/** Typed content of `moodle_backup.xml`. */
export interface BackupManifest {
  /** File name Moodle gave the backup. */
  name: string;
  moodleVersion: string;
  moodleRelease: string;
  backupVersion: string;
  backupRelease: string;
  backupDate: Date;
  includeFiles: boolean;
  includeFileReferencesToExternalContent: boolean;
  mnetRemoteUsers: boolean;
  original: OriginalSite;
  backupId: string;
  type: BackupType;
  /** Backup format, `moodle2` for every backup Moodle 2.0+ makes. */
  format: string;
  interactive: boolean;
  /** Backup mode code: 10 general, 20 import, 30 hub, 40 same site, 50 automated, 60 converted, 70 async, 80 copy. */
  mode: string;
  /** The name of {@link BackupManifest.mode}, or `unknown`. */
  modeName: string;
  execution: string;
  contents: { activities: ManifestActivity[]; sections: ManifestSection[]; course: ManifestCourse | null };
  /** Every setting, in file order. */
  settings: BackupSetting[];
  /** Root-level settings by name (`users`, `anonymize`, `files`...). */
  rootSettings: Record<string, string | null>;
}

const MODES: Record<string, string> = {
  '10': 'general',
  '20': 'import',
  '30': 'hub',
  '40': 'samesite',
  '50': 'automated',
  '60': 'converted',
  '70': 'async',
  '80': 'copy',
};

export const MANIFEST_PATH = 'moodle_backup.xml';

const INFO = 'moodle_backup/information';

/**
 * Reads `moodle_backup.xml` as it is scanned, keeping only what {@link BackupManifest} holds; everything else in the
 * file is read and dropped (and skipped unread unless `strict`). `maxRecords` caps the activities, sections and
 * settings kept.
 */
export function manifestReader(
  maxRecords: number,
  options: { strict?: boolean } = {},
): { handler: XmlHandler; result(): BackupManifest } {
  let info: XmlFields | undefined;
  let detail: XmlFields | undefined;
  let backupId = '';
  let course: ManifestCourse | null = null;
  const activities: ManifestActivity[] = [];
  const sections: ManifestSection[] = [];
  const settings: BackupSetting[] = [];
  let kept = 0;
  const keep = <T extends object>(list: T[], item: T): void => {
    if (++kept > maxRecords) throw tooManyRecords(MANIFEST_PATH, maxRecords);
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item))
      copy[key] = typeof value === 'string' ? detach(value) : value;
    list.push(copy as T);
  };
  const handler = recordHandler(
    MANIFEST_PATH,
    [
      {
        path: INFO,
        record(fields) {
          info ??= detachFields(fields);
        },
      },
      {
        path: `${INFO}/details/detail`,
        record(fields, attributes) {
          if (detail !== undefined) return;
          detail = detachFields(fields);
          backupId = detach(attributes?.backup_id ?? '');
        },
      },
      {
        path: `${INFO}/contents/activities/activity`,
        record: (f) =>
          keep(activities, {
            moduleId: text(f, 'moduleid'),
            sectionId: text(f, 'sectionid'),
            modulename: text(f, 'modulename'),
            title: text(f, 'title'),
            directory: text(f, 'directory'),
            inSubsection: f.insubsection || null,
          }),
      },
      {
        path: `${INFO}/contents/sections/section`,
        record: (f) =>
          keep(sections, {
            sectionId: text(f, 'sectionid'),
            title: text(f, 'title'),
            directory: text(f, 'directory'),
            parentCmId: f.parentcmid || null,
            modname: f.modname || null,
          }),
      },
      {
        path: `${INFO}/contents/course`,
        record(f) {
          course ??= {
            courseId: text(f, 'courseid'),
            title: text(f, 'title'),
            directory: text(f, 'directory'),
          };
        },
      },
      { path: `${INFO}/settings/setting`, record: (f) => keep(settings, toSetting(f)) },
    ],
    options,
  );
  return {
    handler,
    result: () => toManifest(info, detail ?? {}, backupId, course, activities, sections, settings),
  };
}

/**
 * Parses `moodle_backup.xml` into typed data. Ids, versions and hashes stay strings (`2016052309.01` is a
 * version, not a number); `$@NULL@$` becomes null.
 *
 * @example
 * ```ts
 * const manifest = parseManifest(await readFile('moodle_backup.xml'));
 * console.log(manifest.moodleRelease, manifest.contents.activities.length);
 * ```
 */
export function parseManifest(content: Buffer | string): BackupManifest {
  const reader = manifestReader(Number.POSITIVE_INFINITY);
  scanXml(content, MANIFEST_PATH, reader.handler);
  return reader.result();
}

function toManifest(
  info: XmlFields | undefined,
  detail: XmlFields,
  backupId: string,
  course: ManifestCourse | null,
  activities: ManifestActivity[],
  sections: ManifestSection[],
  settings: BackupSetting[],
): BackupManifest {
  if (info === undefined) {
    throw new MbzXmlError(
      'mbz.manifest_invalid',
      'moodle_backup.xml has no <moodle_backup><information> element.',
      {
        ...at(MANIFEST_PATH),
        hint: 'This is not a Moodle 2+ backup manifest, or it is damaged.',
      },
    );
  }
  const fields = info;
  const required = (name: string): string => {
    const value = fields[name];
    if (value === undefined || value === null) {
      throw new MbzXmlError('mbz.manifest_invalid', `moodle_backup.xml lacks <${name}>.`, {
        ...at(MANIFEST_PATH),
        hint: 'The manifest is incomplete; the backup is damaged or was not made by Moodle.',
        details: { path: MANIFEST_PATH, element: name },
      });
    }
    return value;
  };
  const rootSettings: Record<string, string | null> = {};
  for (const setting of settings) if (setting.level === 'root') rootSettings[setting.name] = setting.value;
  const mode = text(detail, 'mode');
  const type = text(detail, 'type');
  return {
    name: text(info, 'name'),
    moodleVersion: required('moodle_version'),
    moodleRelease: required('moodle_release'),
    backupVersion: required('backup_version'),
    backupRelease: required('backup_release'),
    backupDate: unixDate(required('backup_date')) ?? new Date(0),
    includeFiles: text(info, 'include_files') === '1',
    includeFileReferencesToExternalContent: text(info, 'include_file_references_to_external_content') === '1',
    mnetRemoteUsers: text(info, 'mnet_remoteusers') === '1',
    original: {
      wwwroot: text(info, 'original_wwwroot'),
      siteIdentifierHash: text(info, 'original_site_identifier_hash'),
      courseId: text(info, 'original_course_id'),
      courseFormat: text(info, 'original_course_format'),
      fullname: text(info, 'original_course_fullname'),
      shortname: text(info, 'original_course_shortname'),
      startDate: unixDate(info.original_course_startdate),
      endDate: unixDate(info.original_course_enddate),
      courseContextId: text(info, 'original_course_contextid'),
      systemContextId: text(info, 'original_system_contextid'),
    },
    backupId,
    type: (type === 'section' || type === 'activity' ? type : 'course') as BackupType,
    format: text(detail, 'format'),
    interactive: text(detail, 'interactive') === '1',
    mode,
    modeName: MODES[mode] ?? 'unknown',
    execution: text(detail, 'execution'),
    contents: { activities, sections, course },
    settings,
    rootSettings,
  };
}

function toSetting(fields: XmlFields): BackupSetting {
  const setting: BackupSetting = {
    level: text(fields, 'level'),
    name: text(fields, 'name'),
    value: fields.value ?? null,
  };
  if (fields.section) setting.section = fields.section;
  if (fields.activity) setting.activity = fields.activity;
  return setting;
}

/** A Unix timestamp in seconds as a Date; null for empty, zero or non-numeric values. */
export function unixDate(value: string | null | undefined): Date | null {
  if (!value || !/^\d+$/.test(value) || value === '0') return null;
  return new Date(Number(value) * 1000);
}
