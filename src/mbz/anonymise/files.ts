/**
 * Which files of a backup users uploaded: their profile pictures, private and draft files, and the file areas where
 * activities keep what users submitted or attached (inferred from each core module's backup structure, which
 * writes these areas only with user data). Course content teachers uploaded stays.
 */
import type { BackupFileRecord } from '../backup/files-xml.js';

/** [component, file area] of user uploads in core modules. */
const USER_AREAS = new Set([
  'mod_forum/post',
  'mod_forum/attachment',
  'mod_glossary/attachment',
  'mod_glossary/entry',
  'mod_data/content',
  'mod_workshop/submission_content',
  'mod_workshop/submission_attachment',
  'mod_workshop/overallfeedback_content',
  'mod_workshop/overallfeedback_attachment',
  'mod_wiki/attachments',
  'mod_lesson/essay_responses',
  'mod_studentquiz/comment',
  'grade/feedback',
  'grade/history',
  'badges/userbadge',
  'blog/attachment',
  'blog/post',
]);

/** True for a file a user uploaded (or one made from a user's work), as opposed to course content. */
export function isUserFile(record: Pick<BackupFileRecord, 'component' | 'filearea'>): boolean {
  const { component, filearea } = record;
  return (
    component === 'user' ||
    component.startsWith('assignsubmission_') ||
    component.startsWith('assignfeedback_') ||
    filearea.startsWith('response_') ||
    USER_AREAS.has(`${component}/${filearea}`)
  );
}

/** What the plan needs of files.xml: which records go, and which blobs no kept record needs any more. */
export interface FileDecisions {
  droppedIds: Set<string>;
  /** Archive paths (`files/ab/ab12…`) of the blobs left out. */
  droppedBlobs: Set<string>;
  kept: number;
  dropped: number;
  droppedBytes: number;
}

/** Decides over every record of files.xml: user uploads go unless `keep`. */
export function decideFiles(records: readonly BackupFileRecord[], keep: boolean): FileDecisions {
  const decisions: FileDecisions = {
    droppedIds: new Set(),
    droppedBlobs: new Set(),
    kept: 0,
    dropped: 0,
    droppedBytes: 0,
  };
  const keptHashes = new Set<string>();
  const droppedHashes = new Set<string>();
  for (const record of records) {
    const directory = record.filename === '.';
    if (!keep && isUserFile(record)) {
      decisions.droppedIds.add(record.id);
      if (!directory) {
        decisions.dropped++;
        decisions.droppedBytes += record.filesize;
        droppedHashes.add(record.contenthash);
      }
    } else {
      keptHashes.add(record.contenthash);
      if (!directory) decisions.kept++;
    }
  }
  // A blob shared by a user's file and a course file stays.
  for (const hash of droppedHashes) {
    if (!keptHashes.has(hash)) decisions.droppedBlobs.add(`files/${hash.slice(0, 2)}/${hash}`);
  }
  return decisions;
}
