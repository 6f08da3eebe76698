/**
 * Compare two backups of a course (what would a restore of the older one bring back?), then restore one course
 * file by its original name and check it against the SHA-1 content hash Moodle recorded, without unpacking
 * anything else. Run: npx tsx examples/mbz-diff-and-restore-file.ts OLDER.mbz NEWER.mbz
 * (with no arguments it uses two backups of the same course from the shared fixtures, when MTS_FIXTURES_DIR is set).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import {
  diffBackups,
  isDirectoryRecord,
  MbzError,
  openEntry,
  openOriginalFile,
  originalName,
  parseFilesXml,
  verifyBackup,
} from 'moodle-totara-sdk/mbz';

const fixtures = process.env.MTS_FIXTURES_DIR;
const [older, newer] =
  process.argv.length >= 4
    ? [process.argv[2] as string, process.argv[3] as string]
    : fixtures
      ? [
          join(fixtures, 'moodle-4.5/mbz/course-xs-users.tgz.mbz'),
          join(fixtures, 'moodle-4.5/mbz/course-xs-users.zip.mbz'),
        ]
      : [undefined, undefined];

if (!older || !newer) {
  console.log('usage: npx tsx examples/mbz-diff-and-restore-file.ts OLDER.mbz NEWER.mbz');
} else {
  try {
    for (const file of [older, newer]) {
      const report = await verifyBackup(file);
      console.log(`${file}: ${report.ok ? 'sound' : `${report.problems.length} problem(s)`}`);
    }

    const diff = await diffBackups(older, newer);
    console.log(diff.sameCourse ? 'Same site and course.' : 'Different courses: compared by name.');
    for (const a of diff.activities.onlyInA)
      console.log(`  a restore of the older backup brings back: ${a.title}`);
    for (const a of diff.activities.onlyInB) console.log(`  added since: ${a.title}`);
    for (const f of diff.files.onlyInA) console.log(`  file lost since: ${f.name}`);
    for (const s of diff.settings.changed) console.log(`  setting ${s.key}: ${s.a.value} -> ${s.b.value}`);
    if (diff.identical) console.log('  no differences in sections, activities, files, users or settings');

    // files.xml lists every course file under its original name; take the first one and restore it alone.
    const records = parseFilesXml(await buffer(await openEntry(newer, 'files.xml')));
    const record = records.find((r) => !isDirectoryRecord(r));
    if (!record) console.log('The newer backup holds no course files.');
    else {
      const { stream } = await openOriginalFile(newer, originalName(record));
      const content = await buffer(stream);
      const sha1 = createHash('sha1').update(content).digest('hex');
      console.log(
        `Restored ${originalName(record)} (${content.length} bytes, ${record.mimetype ?? 'unknown type'}): ` +
          `${sha1 === record.contenthash ? 'content hash matches' : 'CONTENT HASH DIFFERS'}`,
      );
      if (sha1 !== record.contenthash) process.exitCode = 1;
    }
  } catch (error) {
    if (!(error instanceof MbzError)) throw error;
    console.error(`${error.code}: ${error.message}\n  hint: ${error.hint ?? ''}`);
    process.exitCode = 1;
  }
}
