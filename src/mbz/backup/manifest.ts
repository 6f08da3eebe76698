import { at, MbzXmlError } from '../errors.js';
import { attr, child, children, parseXml, str, textOf, type XmlNode } from '../xml/tree.js';

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
  const doc = parseXml(content, MANIFEST_PATH);
  const info = child(doc.moodle_backup, 'information');
  if (info === undefined || typeof info === 'string' || Array.isArray(info)) {
    throw new MbzXmlError(
      'mbz.manifest_invalid',
      'moodle_backup.xml has no <moodle_backup><information> element.',
      {
        ...at(MANIFEST_PATH),
        hint: 'This is not a Moodle 2+ backup manifest, or it is damaged.',
      },
    );
  }
  const required = (name: string): string => {
    const value = textOf(info, name);
    if (value === undefined || value === null) {
      throw new MbzXmlError('mbz.manifest_invalid', `moodle_backup.xml lacks <${name}>.`, {
        ...at(MANIFEST_PATH),
        hint: 'The manifest is incomplete; the backup is damaged or was not made by Moodle.',
        details: { path: MANIFEST_PATH, element: name },
      });
    }
    return value;
  };
  const detail = children(child(info, 'details'), 'detail')[0];
  const contents = child(info, 'contents');
  const settings = children(child(info, 'settings'), 'setting').map(toSetting);
  const rootSettings: Record<string, string | null> = {};
  for (const setting of settings) if (setting.level === 'root') rootSettings[setting.name] = setting.value;
  const course = children(contents, 'course')[0];
  const mode = str(detail, 'mode');
  const type = str(detail, 'type');
  return {
    name: str(info, 'name'),
    moodleVersion: required('moodle_version'),
    moodleRelease: required('moodle_release'),
    backupVersion: required('backup_version'),
    backupRelease: required('backup_release'),
    backupDate: unixDate(required('backup_date')) ?? new Date(0),
    includeFiles: str(info, 'include_files') === '1',
    includeFileReferencesToExternalContent: str(info, 'include_file_references_to_external_content') === '1',
    mnetRemoteUsers: str(info, 'mnet_remoteusers') === '1',
    original: {
      wwwroot: str(info, 'original_wwwroot'),
      siteIdentifierHash: str(info, 'original_site_identifier_hash'),
      courseId: str(info, 'original_course_id'),
      courseFormat: str(info, 'original_course_format'),
      fullname: str(info, 'original_course_fullname'),
      shortname: str(info, 'original_course_shortname'),
      startDate: unixDate(textOf(info, 'original_course_startdate')),
      endDate: unixDate(textOf(info, 'original_course_enddate')),
      courseContextId: str(info, 'original_course_contextid'),
      systemContextId: str(info, 'original_system_contextid'),
    },
    backupId: attr(detail, 'backup_id') ?? '',
    type: (type === 'section' || type === 'activity' ? type : 'course') as BackupType,
    format: str(detail, 'format'),
    interactive: str(detail, 'interactive') === '1',
    mode,
    modeName: MODES[mode] ?? 'unknown',
    execution: str(detail, 'execution'),
    contents: {
      activities: children(child(contents, 'activities'), 'activity').map((node) => ({
        moduleId: str(node, 'moduleid'),
        sectionId: str(node, 'sectionid'),
        modulename: str(node, 'modulename'),
        title: str(node, 'title'),
        directory: str(node, 'directory'),
        inSubsection: textOf(node, 'insubsection') || null,
      })),
      sections: children(child(contents, 'sections'), 'section').map((node) => ({
        sectionId: str(node, 'sectionid'),
        title: str(node, 'title'),
        directory: str(node, 'directory'),
        parentCmId: textOf(node, 'parentcmid') || null,
        modname: textOf(node, 'modname') || null,
      })),
      course: course
        ? {
            courseId: str(course, 'courseid'),
            title: str(course, 'title'),
            directory: str(course, 'directory'),
          }
        : null,
    },
    settings,
    rootSettings,
  };
}

function toSetting(node: XmlNode): BackupSetting {
  const setting: BackupSetting = {
    level: str(node, 'level'),
    name: str(node, 'name'),
    value: textOf(node, 'value') ?? null,
  };
  const section = textOf(node, 'section');
  const activity = textOf(node, 'activity');
  if (section) setting.section = section;
  if (activity) setting.activity = activity;
  return setting;
}

/** A Unix timestamp in seconds as a Date; null for empty, zero or non-numeric values. */
export function unixDate(value: string | null | undefined): Date | null {
  if (!value || !/^\d+$/.test(value) || value === '0') return null;
  return new Date(Number(value) * 1000);
}
