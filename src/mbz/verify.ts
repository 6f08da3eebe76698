import { assertKnownOptions } from '../core/errors.js';
import { openArchive } from './archive/open.js';
import type { BackupSource } from './archive/types.js';
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
    if (seen.has(entry.name))
      add('duplicate_entry', 'warning', entry.name, `${entry.name} appears more than once.`);
    seen.add(entry.name);
    if (entry.kind === 'file') files.set(entry.name, entry.size);
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

  if (index) {
    for (const name of index.missing)
      add('index_missing', 'error', name, `.ARCHIVE_INDEX lists ${name}, absent from the archive.`);
    for (const name of index.unlisted)
      add('index_unlisted', 'error', name, `${name} is in the archive but not in .ARCHIVE_INDEX.`);
    for (const [name, listed, actual] of index.sizeMismatches) {
      add('index_size_mismatch', 'error', name, `${name} is ${actual} bytes; .ARCHIVE_INDEX says ${listed}.`);
    }
    if (index.declaredCount !== index.listed) {
      add(
        'index_count_mismatch',
        'error',
        '.ARCHIVE_INDEX',
        `.ARCHIVE_INDEX announces ${index.declaredCount} entries and lists ${index.listed}.`,
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
