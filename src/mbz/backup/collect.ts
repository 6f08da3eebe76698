/** One pass over a backup collecting what inspect, inventory and verify need, one XML file at a time. */
import type { ArchiveEntry, ArchiveReader, WalkOptions } from '../archive/types.js';
import { MbzError, MbzNotBackupError } from '../errors.js';
import { checkXml } from '../xml/tree.js';
import { ARCHIVE_INDEX_PATH, type ArchiveIndex, parseArchiveIndex } from './archive-index.js';
import {
  type BackupFileRecord,
  FILES_XML_PATH,
  type FilesSummary,
  FilesTally,
  forEachFileRecord,
} from './files-xml.js';
import {
  type ActivityInfo,
  type BackupUser,
  type EnrolmentMethod,
  type GradeTally,
  type GroupsSummary,
  parseBlockXml,
  parseEnrolmentsXml,
  parseGradesXml,
  parseGroupsXml,
  parseModuleXml,
  parseQuestionsXml,
  parseRolesXml,
  parseSectionXml,
  parseUsersXml,
  type QuestionsSummary,
  type SectionInfo,
} from './inventory.js';
import { type BackupManifest, MANIFEST_PATH, parseManifest } from './manifest.js';

/** What a scan reads beyond the manifest, files.xml, users.xml and the archive index. */
export interface CollectParts {
  /** Sections, groups, roles, grades, questions, enrolments, blocks. */
  inventory?: boolean;
  /** Check every other XML file is well-formed, recording problems instead of throwing. */
  checkAllXml?: boolean;
  /**
   * Keep every record of files.xml in {@link BackupFacts.files} (default true); when false only their summary is
   * kept, which is all `inspect` needs and saves holding tens of thousands of records.
   */
  fileRecords?: boolean;
}

/** A problem met while scanning in tolerant mode. */
export interface CollectProblem {
  path: string;
  code: string;
  message: string;
}

/** Everything one pass collected. */
export interface BackupFacts {
  manifest: BackupManifest;
  /** Every entry in archive order (names, kinds and sizes only). */
  entries: ArchiveEntry[];
  /** The records of files.xml; null when it is absent or the records were not kept. */
  files: BackupFileRecord[] | null;
  /** Summary of files.xml; null when it is absent. */
  filesSummary: FilesSummary | null;
  users: BackupUser[] | null;
  archiveIndex: ArchiveIndex | null;
  sections: SectionInfo[];
  /** From each activity's module.xml (inventory only), in archive order. */
  modules: ActivityInfo[];
  groups: GroupsSummary | null;
  roles: string[] | null;
  grades: GradeTally;
  questions: QuestionsSummary | null;
  enrolments: EnrolmentMethod[] | null;
  blocks: Record<string, number>;
  problems: CollectProblem[];
}

const SECTION_XML = /^sections\/section_[^/]+\/section\.xml$/;
const GRADES_XML = /^activities\/[^/]+\/grades\.xml$/;
const MODULE_XML = /^activities\/[^/]+\/module\.xml$/;
const BLOCK_XML = /(^|\/)blocks\/[^/]+\/block\.xml$/;

/** Reads a backup in one pass (tar.gz) or through its directory (zip). Throws when there is no manifest. */
export async function collectBackup(
  reader: ArchiveReader,
  parts: CollectParts = {},
  options: WalkOptions = {},
): Promise<BackupFacts> {
  const result: BackupFacts = {
    manifest: undefined as unknown as BackupManifest,
    entries: [],
    files: null,
    filesSummary: null,
    users: null,
    archiveIndex: null,
    sections: [],
    modules: [],
    groups: null,
    roles: null,
    grades: { items: 0, categories: 0, byType: {} },
    questions: null,
    enrolments: null,
    blocks: {},
    problems: [],
  };
  let manifestSeen = false;
  const base = new Set([MANIFEST_PATH, FILES_XML_PATH, 'users.xml', ARCHIVE_INDEX_PATH]);
  const inventoryFiles = new Set([
    'groups.xml',
    'roles.xml',
    'gradebook.xml',
    'questions.xml',
    'course/enrolments.xml',
  ]);
  const wants = (name: string): boolean => {
    if (base.has(name)) return true;
    if (parts.checkAllXml && name.endsWith('.xml')) return true;
    if (!parts.inventory) return false;
    return (
      inventoryFiles.has(name) ||
      SECTION_XML.test(name) ||
      MODULE_XML.test(name) ||
      GRADES_XML.test(name) ||
      BLOCK_XML.test(name)
    );
  };
  const handle = (name: string, content: Buffer): void => {
    switch (name) {
      case MANIFEST_PATH:
        result.manifest = parseManifest(content);
        manifestSeen = true;
        return;
      case FILES_XML_PATH: {
        const tally = new FilesTally();
        const records: BackupFileRecord[] | null = parts.fileRecords === false ? null : [];
        forEachFileRecord(content, (record) => {
          tally.add(record);
          records?.push(record);
        });
        result.files = records;
        result.filesSummary = tally.summary();
        return;
      }
      case 'users.xml':
        result.users = parseUsersXml(content, name);
        return;
      case ARCHIVE_INDEX_PATH:
        result.archiveIndex = parseArchiveIndex(content);
        return;
    }
    if (parts.inventory && readInventoryFile(name, content, result)) return;
    if (parts.checkAllXml && name.endsWith('.xml')) checkXml(content, name);
  };
  await reader.walk(
    {
      want: (entry) => (wants(entry.name) ? 'buffer' : 'skip'),
      visit: (entry, content) => {
        result.entries.push({ name: entry.name, kind: entry.kind, size: entry.size });
        if (!content) return;
        if (!parts.checkAllXml || entry.name === MANIFEST_PATH) return handle(entry.name, content);
        try {
          handle(entry.name, content);
        } catch (error) {
          if (!(error instanceof MbzError)) throw error;
          result.problems.push({ path: entry.name, code: error.code, message: error.message });
        }
      },
    },
    options,
  );
  if (!manifestSeen) throw notABackup(result.entries);
  result.sections.sort((a, b) => Number(a.number) - Number(b.number));
  return result;
}

/** Reduces one inventory file into `result`; false when `name` is not one. */
function readInventoryFile(name: string, content: Buffer, result: BackupFacts): boolean {
  if (name === 'groups.xml') result.groups = parseGroupsXml(content, name);
  else if (name === 'roles.xml') result.roles = parseRolesXml(content, name);
  else if (name === 'questions.xml') result.questions = parseQuestionsXml(content, name);
  else if (name === 'course/enrolments.xml') result.enrolments = parseEnrolmentsXml(content, name);
  else if (name === 'gradebook.xml' || GRADES_XML.test(name)) parseGradesXml(content, name, result.grades);
  else if (SECTION_XML.test(name)) result.sections.push(parseSectionXml(content, name));
  else if (MODULE_XML.test(name)) result.modules.push(parseModuleXml(content, name));
  else if (BLOCK_XML.test(name)) {
    const block = parseBlockXml(content, name);
    result.blocks[block] = (result.blocks[block] ?? 0) + 1;
  } else return false;
  return true;
}

function notABackup(entries: ArchiveEntry[]): MbzNotBackupError {
  const nested = entries.find((entry) => entry.name.endsWith(`/${MANIFEST_PATH}`));
  const legacy = entries.some((entry) => entry.name === 'moodle.xml');
  let hint = 'A Moodle 2+ backup has moodle_backup.xml at the root of the archive.';
  if (nested) {
    hint = `moodle_backup.xml is at ${nested.name}: the archive was repacked with an enclosing folder; repack it from inside that folder.`;
  } else if (legacy)
    hint =
      'This is a Moodle 1.9 backup (moodle.xml); restore it with a Moodle that still converts 1.9 backups.';
  return new MbzNotBackupError(
    'mbz.not_a_backup',
    `The archive has no ${MANIFEST_PATH}: it is not a Moodle backup.`,
    {
      hint,
      details: { path: MANIFEST_PATH, entries: entries.length },
    },
  );
}
