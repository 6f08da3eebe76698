/**
 * One pass over a backup collecting what inspect, inventory and verify need. Every XML file is read as it is
 * inflated, in chunks, keeping only the facts asked for: memory does not grow with the size of the files.
 */
import type {
  ArchiveEntry,
  ArchiveReader,
  ArchiveWarning,
  EntrySink,
  WalkOptions,
} from '../archive/types.js';
import { MbzError, MbzLimitError, MbzNotBackupError } from '../errors.js';
import { detach, tooManyRecords } from '../xml/records.js';
import { type XmlHandler, XmlScanner } from '../xml/scan.js';
import { ARCHIVE_INDEX_PATH, ArchiveIndexReader } from './archive-index.js';
import {
  type BackupFileRecord,
  detachRecord,
  FILES_XML_PATH,
  type FilesSummary,
  FilesTally,
  fileRecordHandler,
} from './files-xml.js';
import { type IndexCheck, IndexComparison } from './index-check.js';
import {
  type ActivityInfo,
  type BackupUser,
  blockReader,
  type EnrolmentMethod,
  emptyQuestionsSummary,
  enrolmentsReader,
  type GradeTally,
  type GroupsSummary,
  gradesReader,
  groupsReader,
  moduleReader,
  type QuestionsSummary,
  questionsReader,
  rolesReader,
  type SectionInfo,
  sectionReader,
  usersReader,
} from './inventory.js';
import { type BackupManifest, MANIFEST_PATH, manifestReader } from './manifest.js';

/** What a pass reads beyond the manifest, files.xml, users.xml and the archive index. */
export interface CollectParts {
  /** Sections, groups, roles, grades, questions, enrolments, blocks. */
  inventory?: boolean;
  /** Check every other XML file is well-formed, recording problems instead of throwing. */
  checkAllXml?: boolean;
  /**
   * Keep every record of files.xml in {@link BackupFacts.files} (default true); when false only their summary is
   * kept, which is all `inspect` needs.
   */
  fileRecords?: boolean;
  /** Keep every entry in {@link BackupFacts.entries} (default true); when false only their count. */
  entries?: boolean;
  /** Keep the id and username of every user (default true); when false only their count. */
  userList?: boolean;
}

/** A problem met while reading in tolerant mode. */
export interface CollectProblem {
  path: string;
  code: string;
  message: string;
}

/** Everything one pass collected. */
export interface BackupFacts {
  manifest: BackupManifest;
  /** Every entry in archive order (names, kinds and sizes only); empty unless asked for. */
  entries: ArchiveEntry[];
  entryCount: number;
  /** The records of files.xml; null when it is absent or the records were not kept. */
  files: BackupFileRecord[] | null;
  /** Summary of files.xml; null when it is absent. */
  filesSummary: FilesSummary | null;
  /** Users of users.xml (empty unless asked for); null when there is no users.xml. */
  users: BackupUser[] | null;
  userCount: number | null;
  /** `.ARCHIVE_INDEX` compared with the entries; null when the archive has none. */
  archiveIndex: IndexCheck | null;
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
  /** Odd but harmless things the archive layer met (links). */
  warnings: ArchiveWarning[];
}

const SECTION_XML = /^sections\/section_[^/]+\/section\.xml$/;
const GRADES_XML = /^activities\/[^/]+\/grades\.xml$/;
const MODULE_XML = /^activities\/[^/]+\/module\.xml$/;
const BLOCK_XML = /(^|\/)blocks\/[^/]+\/block\.xml$/;
/** Most warnings kept: an archive of a million odd links gets its first thousand named. */
const MAX_WARNINGS = 1000;

const IGNORE: XmlHandler = { open() {}, text() {}, close() {}, leaf() {} };

/** Reads a backup in one pass (tar.gz) or through its directory (zip). Throws when there is no manifest. */
export async function collectBackup(
  reader: ArchiveReader,
  parts: CollectParts = {},
  options: WalkOptions = {},
): Promise<BackupFacts> {
  const limits = reader.limits;
  const facts: BackupFacts = {
    manifest: undefined as unknown as BackupManifest,
    entries: [],
    entryCount: 0,
    files: null,
    filesSummary: null,
    users: null,
    userCount: null,
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
    warnings: [],
  };
  let manifest: ReturnType<typeof manifestReader> | undefined;
  const index = new IndexComparison();
  let nested: string | undefined;
  let legacy = false;

  /** The reader of one XML file, or undefined when the pass does not need it. */
  const xmlReader = (name: string): { handler: XmlHandler; done?: () => void } | undefined => {
    switch (name) {
      case MANIFEST_PATH:
        // verify reads the manifest strictly: every element checked, none skipped.
        manifest = manifestReader(limits.maxRecords, { strict: parts.checkAllXml === true });
        return { handler: manifest.handler };
      case FILES_XML_PATH: {
        const tally = new FilesTally(limits.maxRecords);
        const records: BackupFileRecord[] | null = parts.fileRecords === false ? null : [];
        return {
          handler: fileRecordHandler((record) => {
            tally.add(record);
            if (records !== null) {
              if (records.length >= limits.maxRecords) throw tooManyRecords(name, limits.maxRecords);
              records.push(detachRecord(record));
            }
          }),
          done() {
            facts.files = records;
            facts.filesSummary = tally.summary();
          },
        };
      }
      case 'users.xml': {
        const list: BackupUser[] = [];
        let count = 0;
        return {
          handler: usersReader(name, (user) => {
            count++;
            if (parts.userList === false) return;
            if (list.length >= limits.maxRecords) throw tooManyRecords(name, limits.maxRecords);
            list.push({ id: detach(user.id), username: detach(user.username) });
          }),
          done() {
            facts.users = list;
            facts.userCount = count;
          },
        };
      }
    }
    if (parts.inventory) {
      const handler = inventoryReader(name, facts, limits.maxRecords);
      if (handler) return { handler };
    }
    if (parts.checkAllXml && name.endsWith('.xml')) return { handler: IGNORE };
    return undefined;
  };

  await reader.walk(
    {
      want(entry) {
        if (entry.name === ARCHIVE_INDEX_PATH) {
          const lines = new ArchiveIndexReader(limits.maxEntries, (item) => index.list(item));
          return tolerant(entry.name, facts, parts.checkAllXml === true, {
            write: (chunk) => lines.write(chunk),
            end: () => index.indexRead(lines.end().declaredCount),
          });
        }
        const xml = xmlReader(entry.name);
        if (xml === undefined) return 'skip';
        const tolerate = parts.checkAllXml === true && entry.name !== MANIFEST_PATH;
        return tolerant(
          entry.name,
          facts,
          tolerate,
          xmlSink(entry.name, xml.handler, limits.maxXmlBytes, xml.done),
        );
      },
      visit(entry) {
        facts.entryCount++;
        if (parts.entries !== false) {
          const { name, kind, size, linkTarget } = entry;
          facts.entries.push(
            linkTarget === undefined ? { name, kind, size } : { name, kind, size, linkTarget },
          );
        }
        index.add(entry);
        if (nested === undefined && entry.name.endsWith(`/${MANIFEST_PATH}`)) nested = entry.name;
        if (entry.name === 'moodle.xml') legacy = true;
      },
    },
    {
      ...options,
      onWarning(warning) {
        if (facts.warnings.length < MAX_WARNINGS) facts.warnings.push(warning);
        options.onWarning?.(warning);
      },
    },
  );
  if (manifest === undefined) throw notABackup(facts.entryCount, nested, legacy);
  facts.manifest = manifest.result();
  facts.archiveIndex = index.result();
  if (index.lost) {
    facts.warnings.push({
      code: 'mbz.index_not_compared',
      path: ARCHIVE_INDEX_PATH,
      message:
        '.ARCHIVE_INDEX comes after too many entries to compare it with them (Moodle writes it first).',
    });
  }
  facts.sections.sort((a, b) => Number(a.number) - Number(b.number));
  return facts;
}

/** The reader of one inventory file into `facts`; undefined when `name` is not one. */
function inventoryReader(name: string, facts: BackupFacts, maxRecords: number): XmlHandler | undefined {
  if (name === 'groups.xml') {
    facts.groups = { groups: 0, groupings: 0, members: 0 };
    return groupsReader(name, facts.groups);
  }
  if (name === 'roles.xml') {
    facts.roles = [];
    return rolesReader(name, facts.roles, maxRecords);
  }
  if (name === 'questions.xml') {
    facts.questions = emptyQuestionsSummary();
    return questionsReader(name, facts.questions);
  }
  if (name === 'course/enrolments.xml') {
    facts.enrolments = [];
    return enrolmentsReader(name, facts.enrolments, maxRecords);
  }
  if (name === 'gradebook.xml' || GRADES_XML.test(name)) return gradesReader(name, facts.grades);
  if (SECTION_XML.test(name)) return sectionReader(name, (section) => void facts.sections.push(section));
  if (MODULE_XML.test(name)) return moduleReader(name, (module) => void facts.modules.push(module));
  if (BLOCK_XML.test(name)) {
    return blockReader(name, (block) => {
      facts.blocks[block] = (facts.blocks[block] ?? 0) + 1;
    });
  }
  return undefined;
}

/** A sink that scans an XML file as it arrives, refusing one larger than `maxBytes`. */
export function xmlSink(name: string, handler: XmlHandler, maxBytes: number, done?: () => void): EntrySink {
  const scanner = new XmlScanner(name, handler);
  let bytes = 0;
  return {
    write(chunk) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new MbzLimitError(
          'mbz.xml_size_limit',
          `${name} is more than the ${maxBytes} bytes of XML read.`,
          {
            hint: 'Raise limits.maxXmlBytes if this backup is trusted.',
            details: { path: name, limit: maxBytes },
          },
        );
      }
      scanner.write(chunk);
    },
    end() {
      scanner.end();
      done?.();
    },
  };
}

/** In tolerant mode, a sink whose failures become problems of the file (the rest of it is then ignored). */
function tolerant(name: string, facts: BackupFacts, tolerate: boolean, sink: EntrySink): EntrySink {
  if (!tolerate) return sink;
  let failed = false;
  const guard = (run: () => void | Promise<void>): void => {
    if (failed) return;
    try {
      void run();
    } catch (error) {
      if (!(error instanceof MbzError) || error instanceof MbzLimitError) throw error;
      failed = true;
      facts.problems.push({ path: name, code: error.code, message: error.message });
    }
  };
  return { write: (chunk) => guard(() => sink.write(chunk)), end: () => guard(() => sink.end()) };
}

function notABackup(entries: number, nested: string | undefined, legacy: boolean): MbzNotBackupError {
  let hint = 'A Moodle 2+ backup has moodle_backup.xml at the root of the archive.';
  if (nested) {
    hint = `moodle_backup.xml is at ${nested}: the archive was repacked with an enclosing folder; repack it from inside that folder.`;
  } else if (legacy)
    hint =
      'This is a Moodle 1.9 backup (moodle.xml); restore it with a Moodle that still converts 1.9 backups.';
  return new MbzNotBackupError(
    'mbz.not_a_backup',
    `The archive has no ${MANIFEST_PATH}: it is not a Moodle backup.`,
    {
      hint,
      details: { path: MANIFEST_PATH, entries },
    },
  );
}
