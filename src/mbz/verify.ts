import { assertKnownOptions } from '../core/errors.js';
import { openArchive } from './archive/open.js';
import type { BackupSource } from './archive/types.js';
import { ARCHIVE_INDEX_PATH } from './backup/archive-index.js';
import { type BackupFacts, collectBackup } from './backup/collect.js';
import { blobPath, isDirectoryRecord } from './backup/files-xml.js';
import type { IndexCheck } from './backup/index-check.js';
import { type BackupSummary, type InspectOptions, summarise } from './inspect.js';

/** One integrity problem, with a stable code and the archive path it concerns. */
export interface VerifyProblem {
  /** Stable code, e.g. `mbz.verify.blob_missing`. */
  code: string;
  /** `error` would break or falsify a restore; `warning` is suspicious but harmless to a restore. */
  severity: 'error' | 'warning';
  /** The archive entry concerned (`files/1b/1b7a…`, `activities/forum_5`). */
  path: string;
  message: string;
}

/** The answer of {@link verifyBackup}. */
export interface VerifyReport {
  /** True when no problem of severity `error` was found. */
  ok: boolean;
  problems: VerifyProblem[];
  /** What was checked. */
  checked: { entries: number; fileRecords: number; blobs: number; xmlFiles: number; archiveIndex: boolean };
  summary: BackupSummary;
}

const HASH = /^[0-9a-f]{40}$/;

/**
 * Checks a backup's integrity in one pass: every blob `files.xml` references is present with the listed size, no
 * blob is unreferenced, `.ARCHIVE_INDEX` matches the entries, every activity and section of the manifest has its
 * folder, and every XML file is well-formed.
 *
 * @example
 * ```ts
 * const report = await verifyBackup('backup.mbz');
 * for (const p of report.problems) console.log(p.severity, p.code, p.path);
 * ```
 */
export async function verifyBackup(
  source: BackupSource,
  options: InspectOptions = {},
): Promise<VerifyReport> {
  assertKnownOptions('verifyBackup', options, ['inventory', 'limits', 'onProgress', 'signal']);
  const reader = await openArchive(source, { limits: options.limits });
  try {
    const facts = await collectBackup(
      reader,
      { checkAllXml: true, inventory: options.inventory === true },
      { onProgress: options.onProgress, signal: options.signal },
    );
    const summary = summarise(reader.format, facts, options.inventory === true);
    const problems = checkScan(facts, summary.archiveIndex);
    return {
      ok: !problems.some((p) => p.severity === 'error'),
      problems,
      checked: {
        entries: facts.entries.length,
        fileRecords: facts.files?.length ?? 0,
        blobs: facts.entries.filter((e) => e.kind === 'file' && e.name.startsWith('files/')).length,
        xmlFiles: facts.entries.filter((e) => e.kind === 'file' && e.name.endsWith('.xml')).length,
        archiveIndex: facts.archiveIndex !== null,
      },
      summary,
    };
  } finally {
    await reader.close();
  }
}

/** Integrity checks over what one facts collected; `index` is its `.ARCHIVE_INDEX` compared with its entries. */
export function checkScan(facts: BackupFacts, index: IndexCheck | null): VerifyProblem[] {
  const problems: VerifyProblem[] = facts.problems.map((p) => ({ ...p, severity: 'error' as const }));
  const add = (code: string, severity: VerifyProblem['severity'], path: string, message: string) =>
    problems.push({ code: `mbz.verify.${code}`, severity, path, message });
  const files = new Map<string, number>();
  const seen = new Set<string>();
  for (const entry of facts.entries) {
    if (seen.has(entry.name) && entry.kind !== 'link')
      add('duplicate_entry', 'warning', entry.name, `${entry.name} appears more than once.`);
    seen.add(entry.name);
    if (entry.kind === 'file' || entry.kind === 'link') files.set(entry.name, entry.size);
  }
  const folders = new Set<string>();
  for (const name of seen) {
    for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) folders.add(name.slice(0, i));
  }

  const referenced = new Set<string>();
  if (facts.files === null) {
    if (!facts.problems.some((p) => p.path === 'files.xml')) {
      add(
        'files_xml_missing',
        'error',
        'files.xml',
        'files.xml is missing: Moodle writes it in every backup.',
      );
    }
  } else {
    for (const record of facts.files) {
      if (isDirectoryRecord(record)) continue;
      if (!HASH.test(record.contenthash)) {
        add('bad_contenthash', 'error', 'files.xml', `File record ${record.id} has an invalid content hash.`);
        continue;
      }
      const path = blobPath(record.contenthash);
      if (referenced.has(path)) continue;
      referenced.add(path);
      const size = files.get(path);
      const label = `${record.component}/${record.filearea}${record.filepath}${record.filename}`;
      if (size === undefined) {
        const reference = record.repositoryid !== null;
        add(
          reference ? 'reference_blob_missing' : 'blob_missing',
          reference ? 'warning' : 'error',
          path,
          `${label} (file record ${record.id}) has no content at ${path}.`,
        );
      } else if (size !== record.filesize) {
        add(
          'blob_size_mismatch',
          'error',
          path,
          `${path} is ${size} bytes; files.xml says ${record.filesize} for ${label}.`,
        );
      }
    }
  }
  for (const name of files.keys()) {
    if (!name.startsWith('files/') || referenced.has(name)) continue;
    const parts = name.split('/');
    const misplaced =
      parts.length === 3 &&
      HASH.test(parts[2] as string) &&
      !(parts[2] as string).startsWith(parts[1] as string);
    if (misplaced) add('blob_misplaced', 'error', name, `${name} is not in the folder named after its hash.`);
    else add('blob_unreferenced', 'warning', name, `${name} is not referenced by files.xml.`);
  }

  if (index) checkIndex(index, add);
  for (const warning of facts.warnings)
    add(warning.code.replace(/^mbz\./, ''), 'warning', warning.path, warning.message);
  for (const entry of facts.entries) {
    if (entry.kind === 'link') {
      add(
        'hard_link',
        'warning',
        entry.name,
        `${entry.name} is a hard link to ${entry.linkTarget ?? 'an earlier entry'}: the archive was repacked with tar; read as tar extracts it.`,
      );
    }
  }

  const { activities, sections, course } = facts.manifest.contents;
  for (const activity of activities) {
    if (!folders.has(activity.directory)) {
      add(
        'activity_missing',
        'error',
        activity.directory,
        `Activity "${activity.title}" (${activity.modulename} ${activity.moduleId}) has no ${activity.directory}/ folder.`,
      );
    } else if (!files.has(`${activity.directory}/module.xml`)) {
      add(
        'activity_incomplete',
        'error',
        `${activity.directory}/module.xml`,
        `${activity.directory}/module.xml is missing.`,
      );
    }
  }
  for (const section of sections) {
    if (!folders.has(section.directory)) {
      add(
        'section_missing',
        'error',
        section.directory,
        `Section ${section.title} (id ${section.sectionId}) has no ${section.directory}/ folder.`,
      );
    } else if (!files.has(`${section.directory}/section.xml`)) {
      add(
        'section_incomplete',
        'error',
        `${section.directory}/section.xml`,
        `${section.directory}/section.xml is missing.`,
      );
    }
  }
  if (course && !files.has(`${course.directory}/course.xml`)) {
    add(
      'course_missing',
      'error',
      `${course.directory}/course.xml`,
      `${course.directory}/course.xml is missing.`,
    );
  }
  return problems;
}

/** How many names a grouped problem shows before "and N more". */
const SHOWN = 3;

/** `1 entry`, `3 entries`, `2 blob entries`. */
function entries(n: number, noun = 'entry'): string {
  return `${n} ${n === 1 ? noun : noun.replace(/y$/, 'ies')}`;
}

function some(names: readonly string[], total: number): string {
  const shown = names.slice(0, SHOWN).join(', ');
  return total > SHOWN ? `${shown} and ${total - SHOWN} more` : shown;
}

/**
 * `.ARCHIVE_INDEX` against the entries. Restore never reads the index (Moodle's extractor only takes its count,
 * for progress), so a stale one is a warning: one per kind of difference, naming the first entries.
 */
function checkIndex(
  index: IndexCheck,
  add: (code: string, severity: 'warning', path: string, message: string) => void,
): void {
  const why = 'the archive was changed after Moodle wrote it; restore does not read the index';
  const { counts } = index;
  if (counts.missing > 0) {
    const blobs = index.missing.every((name) => name.startsWith('files/'));
    add(
      blobs ? 'index_blobs_missing' : 'index_missing',
      'warning',
      ARCHIVE_INDEX_PATH,
      `.ARCHIVE_INDEX lists ${entries(counts.missing, blobs ? 'blob entry' : 'entry')} absent from the archive (${some(index.missing, counts.missing)}): ${why}.`,
    );
  }
  if (counts.unlisted > 0) {
    add(
      'index_unlisted',
      'warning',
      ARCHIVE_INDEX_PATH,
      `${entries(counts.unlisted)} ${counts.unlisted === 1 ? 'is' : 'are'} not listed in .ARCHIVE_INDEX (${some(index.unlisted, counts.unlisted)}): ${why}.`,
    );
  }
  if (counts.sizeMismatches > 0) {
    const sizes = index.sizeMismatches.map(
      ([name, listed, actual]) => `${name} is ${actual} bytes, listed as ${listed}`,
    );
    add(
      'index_size_mismatch',
      'warning',
      ARCHIVE_INDEX_PATH,
      `${entries(counts.sizeMismatches)} ${counts.sizeMismatches === 1 ? 'differs' : 'differ'} in size from .ARCHIVE_INDEX (${some(sizes, counts.sizeMismatches)}): ${why}.`,
    );
  }
  if (index.declaredCount !== index.listed) {
    add(
      'index_count_mismatch',
      'warning',
      ARCHIVE_INDEX_PATH,
      `.ARCHIVE_INDEX announces ${index.declaredCount} entries and lists ${index.listed}.`,
    );
  }
}
