/**
 * Inspect and verify a Moodle backup without unpacking it. Uses the real fixture backup when MTS_FIXTURES_DIR is
 * set, else writes a small backup of its own first. Run: npx tsx examples/mbz-inspect.ts [FILE]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inspectBackup, MbzError, verifyBackup } from 'moodle-totara-sdk/mbz';

/** A tiny but complete course backup (one forum), packed as tar.gz the way Moodle does. */
function smallBackup(): Buffer {
  const files: Record<string, string> = {
    'moodle_backup.xml': `<?xml version="1.0" encoding="UTF-8"?>
<moodle_backup><information><name>example.mbz</name><moodle_version>2024100706</moodle_version>
<moodle_release>4.5.6 (Build: 20250811)</moodle_release><backup_version>2024100700</backup_version>
<backup_release>4.5</backup_release><backup_date>1700000000</backup_date><original_wwwroot>https://lms.example.org</original_wwwroot>
<original_course_id>2</original_course_id><original_course_fullname>Example course</original_course_fullname>
<original_course_shortname>EX</original_course_shortname><details><detail backup_id="x"><type>course</type>
<format>moodle2</format><mode>10</mode></detail></details><contents><activities><activity><moduleid>1</moduleid>
<sectionid>1</sectionid><modulename>forum</modulename><title>Announcements</title><directory>activities/forum_1</directory>
</activity></activities><sections><section><sectionid>1</sectionid><title>0</title><directory>sections/section_1</directory>
</section></sections></contents><settings><setting><level>root</level><name>users</name><value>0</value></setting>
</settings></information></moodle_backup>`,
    'files.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<files>\n</files>',
    'activities/forum_1/module.xml':
      '<?xml version="1.0" encoding="UTF-8"?>\n<module id="1"><modulename>forum</modulename></module>',
    'sections/section_1/section.xml':
      '<?xml version="1.0" encoding="UTF-8"?>\n<section id="1"><number>0</number></section>',
  };
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('14000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\u000000', 257);
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

const given = process.argv[2];
const fixtures = process.env.MTS_FIXTURES_DIR;
let dir: string | undefined;
let file = given ?? (fixtures ? join(fixtures, 'moodle-4.5/mbz/course-xs-users.tgz.mbz') : undefined);
if (!file) {
  dir = await mkdtemp(join(tmpdir(), 'mts-mbz-example-'));
  file = join(dir, 'example.mbz');
  await writeFile(file, smallBackup());
}

try {
  const summary = await inspectBackup(file, { inventory: true });
  console.log(`${summary.original.fullname} from ${summary.original.wwwroot}`);
  console.log(
    `Moodle ${summary.moodleRelease}, ${summary.type} backup (${summary.format}), ${summary.backupDate.toISOString()}`,
  );
  console.log(
    `${summary.activities.length} activities, ${summary.files.count} files, users: ${summary.users?.count ?? 'none'}`,
  );
  const report = await verifyBackup(file);
  console.log(report.ok ? 'integrity: OK' : 'integrity problems:');
  for (const problem of report.problems) console.log(`  ${problem.severity} ${problem.code} ${problem.path}`);
  if (!report.ok && !given) process.exitCode = 1;
} catch (error) {
  if (error instanceof MbzError) {
    console.error(`${error.code}: ${error.message}\n  hint: ${error.hint ?? ''}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  if (dir) await rm(dir, { recursive: true, force: true });
}
