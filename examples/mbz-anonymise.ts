/**
 * Make a copy of a backup that can be handed on: users become anon1..N, what they wrote keeps its structure with
 * its words replaced, the files they uploaded stay behind. Then check the copy and see what changed.
 * Run: npx tsx examples/mbz-anonymise.ts BACKUP.mbz [OUT.mbz]
 * (with no arguments it anonymises a real Moodle 4.5 backup from the shared fixtures, when MTS_FIXTURES_DIR is set).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anonymiseBackup, diffBackups, MbzError, verifyBackup } from 'moodle-totara-sdk/mbz';

const fixtures = process.env.MTS_FIXTURES_DIR;
const input =
  process.argv[2] ?? (fixtures ? join(fixtures, 'moodle-4.5/mbz/course-xs-users.tgz.mbz') : undefined);

if (!input) {
  console.log('usage: npx tsx examples/mbz-anonymise.ts BACKUP.mbz [OUT.mbz]');
} else {
  const scratch = process.argv[3] ? undefined : await mkdtemp(join(tmpdir(), 'mts-example-'));
  const output = process.argv[3] ?? join(scratch as string, 'course-an.mbz');
  try {
    const report = await anonymiseBackup(input, output);
    console.log(`${report.users} users anonymised into ${output} (${report.format})`);
    // Counts by kind, never the values replaced.
    for (const [kind, count] of Object.entries(report.replaced)) console.log(`  ${kind}: ${count}`);
    console.log(`  files left out: ${report.files.dropped}, kept: ${report.files.kept}`);

    const check = await verifyBackup(output);
    console.log(check.ok ? 'The copy verifies.' : `The copy has ${check.problems.length} problem(s).`);
    const diff = await diffBackups(input, output);
    console.log(
      `${diff.users.changed.length} users renamed; settings changed: ${diff.settings.changed.map((s) => s.key).join(', ')}`,
    );
  } catch (error) {
    if (!(error instanceof MbzError)) throw error;
    console.error(`${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
    process.exitCode = 1;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
